"""Staff accounts: password hashes, sign-in, and API bearer tokens (only their hashes are stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.auth.passwords import matches, slow_hash, waste_a_check
from portal.extensions import db
from portal.models import ApiToken, StaffUser, utcnow

TOKEN_PREFIX = "fat_"  # noqa: S105 - a public marker that makes leaked tokens easy to spot, not a secret
USERNAME_MAX = 64


def hash_password(password: str) -> str:
    return slow_hash(password)


def authenticate(username: str, password: str) -> StaffUser | None:
    # A name no account can have (too long, or with a NUL, which PostgreSQL refuses) is simply unknown.
    plausible = len(username) <= USERNAME_MAX and "\x00" not in username
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username)) if plausible else None
    if user is None or not user.active:
        waste_a_check(password)  # a failed login takes as long whether or not the name exists
        return None
    return user if matches(user.password_hash, password) else None


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: StaffUser, now: datetime | None = None) -> tuple[str, datetime]:
    """A new bearer token for ``user`` and its expiry. Only the token's hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = (now or utcnow()) + timedelta(hours=current_app.config["API_TOKEN_TTL_HOURS"])
    db.session.add(ApiToken(user=user, token_hash=_token_digest(token), expires_at=expires_at))
    return token, expires_at


def user_for_token(token: str, now: datetime | None = None) -> StaffUser | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None or row.expires_at <= (now or utcnow()) or not row.user.active:
        return None
    return row.user


def revoke_token(token: str) -> bool:
    """Make a bearer token worthless at once. Returns whether it existed."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None:
        return False
    db.session.delete(row)
    return True


def sign_out_everywhere(user: StaffUser) -> int:
    """End every session and revoke every token of ``user`` (a lost laptop, a leaked token, a departure).
    Returns how many tokens were revoked."""
    user.end_sessions()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    for token in tokens:
        db.session.delete(token)
    return len(tokens)
