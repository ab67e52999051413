"""Who the current staff member is, and what they may reach.

Access is deny-by-default: every staff page and every API route requires a signed-in staff member unless its
view is marked :func:`public`. Role checks then narrow it down.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_login import current_user

from portal.auth.accounts import user_for_token
from portal.models import Role, StaffUser

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC_ATTRIBUTE = "_fire_alarm_public"


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


def bearer_token() -> str | None:
    """The bearer token this request carries, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def bearer_user() -> StaffUser | None:
    token = bearer_token()
    return user_for_token(token) if token else None


def current_staff() -> StaffUser | None:
    """The staff member behind this request: by bearer token on the API, by session cookie on staff pages."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user
    if current_user.is_authenticated:
        return current_user._get_current_object()
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
