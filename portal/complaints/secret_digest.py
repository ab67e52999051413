"""Checking a citizen's follow-up secret (pure: no Flask).

The secret is 120 random bits (``portal.complaints.codes``): nobody can guess it, so a slow hash adds no
strength, only cost (scrypt took 81 % of an intake request). It is stored as an HMAC-SHA-256 under a server key
instead: without the key, a copy of the database does not even let anyone test a secret. Secrets stored before
this change are werkzeug scrypt hashes (``scrypt:...``); they are recognised by their format and keep working.
Staff passwords, which people choose, stay on scrypt (``portal.auth.passwords``).
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "hmac-sha256$"
_DERIVATION_LABEL = b"fire-alarm/follow-up-secret/v1"


def derive_key(secret_key: str) -> bytes:
    """The key for follow-up secrets, derived from the app's secret key (a label keeps the uses apart)."""
    return hmac.new(secret_key.encode(), _DERIVATION_LABEL, hashlib.sha256).digest()


def digest(key: bytes, secret: str) -> str:
    """What is stored for ``secret``: ``hmac-sha256$`` and the hex MAC."""
    return PREFIX + hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def is_keyed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def keyed_matches(key: bytes, stored: str, secret: str) -> bool:
    """Whether ``secret`` is the one behind a keyed ``stored`` value (constant time)."""
    return hmac.compare_digest(stored.encode(), digest(key, secret).encode())
