"""Photos held across a form that came back with an error: nothing a citizen attached is silently dropped.

The photos that passed their checks wait for ``HELD_PHOTOS_MINUTES`` under a random batch token that the server
issues and only the citizen's browser holds (an HttpOnly cookie, see portal.complaints.pages): another browser
cannot file them. One client (by its address, kept only as an HMAC) may hold ``HELD_PHOTOS_PER_CLIENT_BYTES``,
everyone together ``HELD_PHOTOS_MAX_BYTES``; past that the form asks the citizen to attach them again rather than
let failed forms fill the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from portal.evidence.models import HeldPhoto
from portal.extensions import db
from portal.models.types import utcnow

FORGET_JOB = "evidence_forget_held_photos"
_TOKEN_LENGTH = 32


@dataclass(frozen=True)
class Held:
    """Photos waiting under a batch token: their names (to show) and bytes (to inspect again)."""

    token: str
    files: tuple[tuple[str, bytes], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _data in self.files)


def _valid_token(token: str | None) -> bool:
    return bool(token) and len(token or "") <= 64 and (token or "").isascii()


def _owner(client: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, b"held-photos\0" + client.encode("utf-8"), hashlib.sha256).hexdigest()


def _bytes_held(*where: Any) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(HeldPhoto.size), 0)).where(HeldPhoto.expires_at > utcnow(), *where)
    )
    return int(total or 0)


def held(token: str | None, keep: Sequence[int] | None = None) -> tuple[tuple[str, bytes], ...]:
    """The photos held under ``token`` that are still fresh, those at positions ``keep`` (all when None)."""
    if not _valid_token(token):
        return ()
    rows = db.session.scalars(
        select(HeldPhoto)
        .where(HeldPhoto.batch == token, HeldPhoto.expires_at > utcnow())
        .order_by(HeldPhoto.id)
    ).all()
    return tuple(
        (row.filename, row.data) for position, row in enumerate(rows) if keep is None or position in keep
    )


def hold(files: Sequence[tuple[str, bytes]], *, client: str, token: str | None = None) -> Held | None:
    """Hold these photos for ``client`` under a fresh token, replacing what ``token`` held; None if over a
    budget (the client's own, or everyone's)."""
    release(token)
    if not files:
        return Held(token="", files=())
    size = sum(len(data) for _name, data in files)
    owner = _owner(client)
    if _bytes_held(HeldPhoto.owner == owner) + size > int(current_app.config["HELD_PHOTOS_PER_CLIENT_BYTES"]):
        return None
    if _bytes_held() + size > int(current_app.config["HELD_PHOTOS_MAX_BYTES"]):
        return None
    batch = secrets.token_urlsafe(_TOKEN_LENGTH // 4 * 3)
    expires = utcnow() + timedelta(minutes=int(current_app.config["HELD_PHOTOS_MINUTES"]))
    for name, data in files:
        db.session.add(
            HeldPhoto(
                batch=batch, owner=owner, filename=name[:80], data=data, size=len(data), expires_at=expires
            )
        )
    return Held(token=batch, files=tuple(files))


def still_held(token: str | None) -> Held | None:
    """All that ``token`` holds, to show again on a form answered without a new try (a rate limit)."""
    files = held(token)
    return Held(token=token or "", files=files) if files else None


def release(token: str | None) -> None:
    """Forget the photos of a batch: filed with the complaint, or replaced by a new choice."""
    if _valid_token(token):
        db.session.execute(delete(HeldPhoto).where(HeldPhoto.batch == token))


def forget_expired() -> None:
    db.session.execute(delete(HeldPhoto).where(HeldPhoto.expires_at <= utcnow()))
