"""Links in notices, built on ``PUBLIC_URL``: a job has no request to take the host from."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_UNSUBSCRIBE_SALT = "fire-alarm.notifications.unsubscribe"


def public_link(endpoint: str, **values: str) -> str:
    """The absolute address of ``endpoint`` as the public reaches it."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(tracking_code: str) -> str:
    """A token that stops the notices of one complaint: whoever holds the mail holds it."""
    return str(_serializer().dumps(tracking_code))


def code_from_token(token: str) -> str | None:
    try:
        code = _serializer().loads(token)
    except BadSignature:
        return None
    return code if isinstance(code, str) else None
