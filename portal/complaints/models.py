"""Tables of the complaints feature beyond the core ones (``portal.models``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime, utcnow


class SpentChallenge(Model):
    """An intake proof-of-work challenge that was used: each is accepted once."""

    __tablename__ = "intake_spent_challenges"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the challenge text
    spent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ReceiptCopy(Model):
    """A filing's answer kept for a short window, sealed, so a reload or a retry shows it again instead of filing
    the complaint twice.

    A page copy is sealed under a key that only the filer's browser holds (an HttpOnly cookie); an API copy under
    a key derived from the client's ``Idempotency-Key``. The database alone opens neither, so the one-time secret
    is never readable from a stolen dump.
    """

    __tablename__ = "receipt_copies"

    handle: Mapped[str] = mapped_column(String(64), primary_key=True)
    # API copies: SHA-256 of the request, so a key reused for another request is refused, not replayed.
    request_digest: Mapped[str | None] = mapped_column(String(64))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
