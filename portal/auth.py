"""Staff authentication: passwords, bearer tokens, and who the current staff member is.

Access is deny-by-default: every staff page and every API route requires a signed-in staff member unless its
view is marked :func:`public`. Role checks then narrow it down.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import ApiToken, Role, StaffUser, utcnow

F = TypeVar("F", bound=Callable[..., Any])
TOKEN_PREFIX = "fat_"  # noqa: S105 - a public marker that makes leaked tokens easy to spot, not a secret
PUBLIC_ATTRIBUTE = "_fire_alarm_public"
USERNAME_MAX = 64
# A hash to compare against when the username is unknown, so a failed login takes as long either way.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AuthError(Exception):
    """Authentication failed (401)."""


class Forbidden(Exception):
    """Authenticated, but this role or body may not do this (403)."""


def public(view: F) -> F:
    """Mark a view as open to anyone (the default for staff and API blueprints is to refuse)."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    return bool(view is not None and getattr(view, PUBLIC_ATTRIBUTE, False))


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def authenticate(username: str, password: str) -> StaffUser | None:
    # A name no account can have (too long, or with a NUL, which PostgreSQL refuses) is simply unknown.
    plausible = len(username) <= USERNAME_MAX and "\x00" not in username
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username)) if plausible else None
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


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


def bearer_user() -> StaffUser | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())


def current_staff() -> StaffUser | None:
    """The staff member behind this request: by bearer token on the API, by session cookie on staff pages."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user
    if current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[no-any-return]
    return None


def require_staff() -> StaffUser:
    user = current_staff()
    if user is None:
        raise AuthError
    return user


def requires_role(*roles: Role) -> Callable[[F], F]:
    """Allow the view to staff with one of ``roles`` (admins always pass)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not require_staff().has_role(*roles):
                raise Forbidden
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
