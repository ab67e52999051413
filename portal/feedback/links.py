"""The link in the resolution mail that opens the follow-up visit without typing the secret.

It names one visit, signed with the app's secret key: it answers that visit only, and only once.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "fire-alarm.feedback.visit"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def visit_token(visit_id: int, tracking_code: str) -> str:
    return str(_serializer().dumps([visit_id, tracking_code]))


def visit_of_token(token: str, tracking_code: str) -> int | None:
    """The visit the token opens, if it is genuine and belongs to this complaint."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and value[1] == tracking_code
    ):
        return value[0]
    return None
