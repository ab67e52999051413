"""Complainants' contact details, encrypted at rest: the one place they are sealed, opened and resealed.

Nothing else reads or writes ``Complaint.contact_encrypted``. Filing seals the details here; staff see them only
through :mod:`portal.privacy.reveals`, which checks the role and logs the reveal before calling
:func:`read_contact`.

The keys live outside the database: ``CONTACT_KEYS`` (comma-separated, newest first) when it is set, otherwise
the key file (``instance/contact_keys``: one key a line, newest first, mode 0600), generated on first use. The
file is read again whenever it changes, so a rotation by ``flask contacts rotate-key`` reaches running
processes without a restart. A missing key file is never silently replaced while rows sealed under it exist:
a new key could not open them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, select, update

from portal.extensions import db
from portal.keyfiles import create_once, replace
from portal.models import Complaint
from portal.privacy.sealing import Contact, KeyRing, key_file_text, new_key, parse_keys

EXTENSION_KEY = "fire_alarm.contact_keys"
BATCH = 500


class ContactKeyMissing(RuntimeError):
    """The key file is gone while rows sealed under it remain."""


def _key_file() -> Path:
    return Path(current_app.config["CONTACT_KEY_FILE"])


def keys_from_environment() -> bool:
    return bool(current_app.config.get("CONTACT_KEYS"))


def key_ring() -> KeyRing:
    """The keys of this app: CONTACT_KEYS, or the key file (created on first use, re-read when it changes)."""
    cache: dict[str, object] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    configured = tuple(current_app.config.get("CONTACT_KEYS") or ())
    if configured:
        source: object = ("environment", configured)
    else:
        path = _key_file()
        if not path.exists():
            _create_key_file(path)
        status = path.stat()
        source = ("file", str(path), status.st_ino, status.st_mtime_ns, status.st_size)
    ring = cache.get("ring")
    if cache.get("source") == source and isinstance(ring, KeyRing):
        return ring
    ring = KeyRing(configured or parse_keys(_key_file().read_text(encoding="ascii")))
    cache.update(source=source, ring=ring)
    return ring


def _create_key_file(path: Path) -> None:
    if db.session.scalar(select(exists().where(Complaint.contact_encrypted.is_not(None)))):
        raise ContactKeyMissing(
            f"{path} is missing but complaints hold contact details sealed under it: restore the file (or set "
            "CONTACT_KEYS to its keys); a new key could not open them"
        )
    create_once(path, key_file_text([new_key()]).encode("ascii"))


def seal_contact(complaint: Complaint, contact: Contact | None) -> None:
    """Store ``contact`` on ``complaint`` (whose tracking code is set), sealed; nothing at all if it is empty."""
    if contact is None or contact.is_empty:
        complaint.contact_encrypted = None
        return
    complaint.contact_encrypted = key_ring().seal(complaint.tracking_code, contact)


def read_contact(complaint: Complaint) -> Contact | None:
    """The contact details in clear, or None if there are none.

    Only for callers that have decided the reader may see them and logged it (``portal.privacy.reveals.reveal``),
    and for tests.
    """
    if complaint.contact_encrypted is None:
        return None
    return key_ring().open(complaint.tracking_code, complaint.contact_encrypted)


# --- Rotation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rotation:
    resealed: int
    generated: bool  # a new key was added to the key file (with CONTACT_KEYS the operator adds it)
    keys: int  # keys in the ring afterwards: the older ones still open rows until they are retired


def _sealed_rows() -> Iterator[tuple[int, str, str]]:
    """(id, tracking code, sealed value) of every row with contact details, in id order, a batch at a time."""
    last = 0
    while True:
        batch = db.session.execute(
            select(Complaint.id, Complaint.tracking_code, Complaint.contact_encrypted)
            .where(Complaint.contact_encrypted.is_not(None), Complaint.id > last)
            .order_by(Complaint.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        for row_id, code, sealed in batch:
            if sealed is not None:  # always, by the query; said for the type checker
                yield row_id, code, sealed
        last = batch[-1][0]


def rotate_key() -> Rotation:
    """Reseal every row under a new key, keeping the older keys readable (the caller commits).

    With the key file, a new key is generated and put first in it before any row changes, so every process
    can open both old and new rows throughout. With CONTACT_KEYS, the newest key there is used: the operator
    adds a new one first (``flask contacts generate-key``) and restarts, then rotates.
    """
    ring = key_ring()
    generated = not keys_from_environment()
    if generated:
        keys = (new_key(), *ring.keys)
        replace(_key_file(), key_file_text(keys).encode("ascii"))
        ring = key_ring()
    resealed = 0
    for row_id, code, sealed in _sealed_rows():
        db.session.execute(
            update(Complaint)
            .where(Complaint.id == row_id)
            # Resealing is no change to the complaint: its updated_at stays.
            .values(contact_encrypted=ring.reseal(code, sealed), updated_at=Complaint.updated_at)
            .execution_options(synchronize_session=False)
        )
        resealed += 1
    db.session.expire_all()
    return Rotation(resealed=resealed, generated=generated, keys=len(ring.keys))


@dataclass(frozen=True)
class Retirement:
    still_needed: int  # rows only an older key opens: nothing is retired while there are any
    retired: int  # older keys removed from the key file (with CONTACT_KEYS: that may be removed)


def retire_old_keys() -> Retirement:
    """Drop every key but the newest from the key file, if no row needs one (the database is unchanged)."""
    ring = key_ring()
    still_needed = sum(1 for _id, _code, sealed in _sealed_rows() if ring.needs_older_key(sealed))
    older = len(ring.keys) - 1
    if still_needed or not older:
        return Retirement(still_needed=still_needed, retired=0)
    if not keys_from_environment():
        replace(_key_file(), key_file_text(ring.keys[:1]).encode("ascii"))
    return Retirement(still_needed=0, retired=older)
