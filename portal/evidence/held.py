"""Photos held across a form that came back with an error: nothing a citizen attached is silently dropped.

The form carries a random batch token in a hidden field; the photos that passed their checks wait under it for
``HELD_PHOTOS_MINUTES``. All held photos together may not exceed ``HELD_PHOTOS_MAX_BYTES``: past that the form
asks the citizen to attach them again rather than let failed forms fill the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

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


def hold(files: Sequence[tuple[str, bytes]], token: str | None = None) -> Held | None:
    """Hold these photos under a (new or the same) token, replacing what it held; None if over the budget."""
    release(token)
    if not files:
        return Held(token="", files=())
    size = sum(len(data) for _name, data in files)
    in_use = db.session.scalar(
        select(func.coalesce(func.sum(HeldPhoto.size), 0)).where(HeldPhoto.expires_at > utcnow())
    )
    if int(in_use or 0) + size > int(current_app.config["HELD_PHOTOS_MAX_BYTES"]):
        return None
    batch = token if _valid_token(token) else secrets.token_urlsafe(_TOKEN_LENGTH // 4 * 3)
    assert batch is not None
    expires = utcnow() + timedelta(minutes=int(current_app.config["HELD_PHOTOS_MINUTES"]))
    for name, data in files:
        db.session.add(
            HeldPhoto(batch=batch, filename=name[:80], data=data, size=len(data), expires_at=expires)
        )
    return Held(token=batch, files=tuple(files))


def release(token: str | None) -> None:
    """Forget the photos of a batch: filed with the complaint, or replaced by a new choice."""
    if _valid_token(token):
        db.session.execute(delete(HeldPhoto).where(HeldPhoto.batch == token))


def forget_expired() -> None:
    db.session.execute(delete(HeldPhoto).where(HeldPhoto.expires_at <= utcnow()))
