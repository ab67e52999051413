"""Tables of the complaints feature beyond the core ones (``portal.models``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime, utcnow


class SpentChallenge(Model):
    """An intake proof-of-work challenge that was used: each is accepted once."""

    __tablename__ = "intake_spent_challenges"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the challenge text
    spent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
