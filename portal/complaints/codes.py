"""Tracking codes and follow-up secrets (pure functions).

Both use Crockford's base32 alphabet: no I, L, O or U, so codes read aloud or copied by hand survive, and
look-ups forgive the usual confusions (O for 0, I or L for 1) and missing dashes.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PREFIX = "FA"
TRACKING_GROUPS = 3
GROUP_LENGTH = 4
# 12 symbols of 5 bits: 60 bits of randomness, the floor for public identifiers that must not be guessed.
TRACKING_BITS = TRACKING_GROUPS * GROUP_LENGTH * 5
# 6 groups of 4: 120 bits, a secret nobody can guess even without the slow hash.
SECRET_GROUPS = 6

_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_TRACKING_RE = re.compile(rf"^{TRACKING_PREFIX}([{ALPHABET}]{{{TRACKING_GROUPS * GROUP_LENGTH}}})$")


def _random_symbols(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def new_tracking_code() -> str:
    """A fresh public code such as ``FA-7KQ2-M9XD-4TRV``."""
    return f"{TRACKING_PREFIX}-{_grouped(_random_symbols(TRACKING_GROUPS * GROUP_LENGTH))}"


def new_follow_up_secret() -> str:
    """A fresh secret such as ``K3D9-...`` (six groups), shown to the citizen once."""
    return _grouped(_random_symbols(SECRET_GROUPS * GROUP_LENGTH))


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_]", "", text.upper()).translate(_CONFUSABLES)


def normalise_tracking_code(text: str) -> str | None:
    """The canonical form of a code as typed by a person, or None if it cannot be one."""
    match = _TRACKING_RE.match(_compact(text)[:40])
    return f"{TRACKING_PREFIX}-{_grouped(match.group(1))}" if match else None


def normalise_secret(text: str) -> str:
    return _grouped(_compact(text)[:64])
