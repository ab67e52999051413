"""Open311 ``api_key``s: random, shown once when issued, stored as SHA-256 (as staff API tokens are)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import utcnow
from portal.open311.models import Open311Key

KEY_PREFIX = "o311_"  # a public marker that makes a leaked key easy to recognise, not a secret


class KeyNameTaken(ValueError):
    pass


class UnknownKey(LookupError):
    pass


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(name: str) -> str:
    """A new key for ``name`` (one key per name); the caller commits and shows the key once."""
    if db.session.scalar(select(Open311Key.id).where(Open311Key.name == name)) is not None:
        raise KeyNameTaken(name)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    db.session.add(Open311Key(name=name, key_hash=_digest(key)))
    db.session.flush()
    return key


def revoke_key(name: str, now: datetime | None = None) -> None:
    row = db.session.scalar(select(Open311Key).where(Open311Key.name == name))
    if row is None:
        raise UnknownKey(name)
    row.revoked_at = row.revoked_at or now or utcnow()


def key_is_valid(key: str) -> bool:
    row = db.session.scalar(select(Open311Key).where(Open311Key.key_hash == _digest(key)))
    return row is not None and row.revoked_at is None
