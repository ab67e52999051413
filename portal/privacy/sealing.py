"""Contact details sealed for storage under a ring of keys, newest first. Pure: no Flask, no database.

A sealed value is a Fernet token (AES-128-CBC with HMAC-SHA256, random IV, time of sealing) of the UTF-8 JSON
``{"v": 1, "code": <tracking code>, "name": ..., "phone": ..., "email": ...}``. The three details are sealed
together, so the stored value says neither which of them the citizen gave nor how long each is. The tracking
code inside binds the token to its complaint: a token copied onto another row does not open there.

Keys are Fernet keys (32 random bytes, URL-safe base64). The newest seals; every key in the ring opens, so
rows sealed under an older key stay readable until a rotation has resealed them all.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

FORMAT_VERSION = 1
_KEY_BYTES = 32


class ContactKeyError(ValueError):
    """Key text that is not a usable ring of Fernet keys."""


class SealBroken(ValueError):
    """A sealed value that no key of the ring opens, or that belongs to another complaint."""


@dataclass(frozen=True, slots=True)
class Contact:
    """How a citizen can be reached: any of the three, or none."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.email)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def parse_keys(text: str) -> tuple[str, ...]:
    """Keys separated by commas or line breaks, newest first; blanks are skipped, repeats dropped."""
    keys: list[str] = []
    for part in text.replace("\n", ",").split(","):
        key = part.strip()
        if not key or key in keys:
            continue
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise ContactKeyError(f"key {len(keys) + 1} is not URL-safe base64") from exc
        if len(raw) != _KEY_BYTES:
            raise ContactKeyError(f"key {len(keys) + 1} holds {len(raw)} bytes, not {_KEY_BYTES}")
        keys.append(key)
    return tuple(keys)


def key_file_text(keys: Iterable[str]) -> str:
    """A key file's content: one key a line, newest first."""
    return "".join(f"{key}\n" for key in keys)


class KeyRing:
    """Seals with the newest key, opens with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ContactKeyError("no contact key")
        self.keys: tuple[str, ...] = tuple(keys)
        self._newest = Fernet(self.keys[0])
        self._any = MultiFernet([Fernet(key) for key in self.keys])

    def seal(self, code: str, contact: Contact) -> str:
        document = {
            "v": FORMAT_VERSION,
            "code": code,
            "name": contact.name,
            "phone": contact.phone,
            "email": contact.email,
        }
        plain = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._newest.encrypt(plain).decode("ascii")

    def open(self, code: str, sealed: str) -> Contact:
        try:
            document = json.loads(self._any.decrypt(sealed.encode("ascii")))
        except (InvalidToken, UnicodeEncodeError, ValueError) as exc:
            raise SealBroken(
                f"the contact details of {code} open with none of {len(self.keys)} keys"
            ) from exc
        if not isinstance(document, dict) or document.get("v") != FORMAT_VERSION:
            raise SealBroken(f"the contact details of {code} are in an unknown format")
        if document.get("code") != code:
            raise SealBroken(f"the contact details stored with {code} were sealed for another complaint")
        return Contact(
            name=_text(document, "name"), phone=_text(document, "phone"), email=_text(document, "email")
        )

    def reseal(self, code: str, sealed: str) -> str:
        """The same details sealed afresh under the newest key (checked on the way: a broken seal raises)."""
        return self.seal(code, self.open(code, sealed))

    def needs_older_key(self, sealed: str) -> bool:
        """Whether only an older key opens ``sealed`` (so that key may not be retired yet)."""
        try:
            self._newest.decrypt(sealed.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return True
        return False


def _text(document: dict[str, object], name: str) -> str | None:
    value = document.get(name)
    return value if isinstance(value, str) and value else None
