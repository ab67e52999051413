"""Tables of the support feature: a count per complaint and the day's marks that keep it honest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime, utcnow


class SupportTally(Model):
    """How many people said "me too" to one complaint (one per client address and day)."""

    __tablename__ = "support_tallies"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    supporters: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SupportMark(Model):
    """That some address supported some complaint today: an HMAC that names neither, deleted after the day."""

    __tablename__ = "support_marks"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
