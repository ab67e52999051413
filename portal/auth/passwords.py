"""Slow hashes for what people type or keep: staff passwords and the citizens' follow-up secrets.

The method is configuration (``PASSWORD_HASH_METHOD``, scrypt by default) so that the test suite alone can
make key stretching cheap; nothing else should ever lower it.
"""

from __future__ import annotations

import secrets
from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def slow_hash(secret: str) -> str:
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


def matches(hashed: str, secret: str) -> bool:
    return check_password_hash(hashed, secret)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def waste_a_check(secret: str) -> None:
    """Check ``secret`` against a hash nobody knows, so that a refusal takes as long as a real check."""
    check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), secret)
