"""Seals on the rows the public reads: a complaint's text, status and routing, an oversight case's state and
outcome.

The record proves what happened; the public pages are built from the complaints' and cases' own tables, which
someone with write access to the database could rewrite (a softened complaint, a case turned "acted") while the
record still verifies. Each such row therefore carries a seal: an HMAC of what the public is shown, keyed by a
key derived from the record's signing key (kept in ``instance/ledger/``, never in the database). The portal
seals a row whenever it changes one, in the same transaction, so only a change made outside it breaks a seal.
A row whose seal does not match is refused publicly (409, :class:`RowAltered`) and named by ``flask ledger
verify``.

A model takes part by naming, in a class attribute ``sealed_fields``, the columns the public is shown, and having
a ``seal`` column (a complaint names its tracking code, not its id: unknown before the first flush, and the code is
what the public looks up).

Rows written before seals existed have none: ``flask ledger seal --unsealed`` (run by ``make db``) seals them
once, after which a missing seal counts as a broken one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.app_cache import per_app
from portal.extensions import Model, db
from portal.models import Complaint
from portal.refusals import N_, Conflict

SEAL_VERSION = "v1"
_PENDING = "fire_alarm.rows_to_seal"
_SEALING = "fire_alarm.sealing"


class RowAltered(Conflict):
    """A complaint or case as stored no longer matches its seal: changed outside the portal."""

    code = "row_altered"
    message = N_(
        "This complaint's stored data was changed outside the portal (it no longer matches its seal), so it is "
        "not shown. The portal's operators are alerted by the record's audit."
    )


def _sealed_fields(model: type[Any]) -> tuple[str, ...] | None:
    fields = getattr(model, "sealed_fields", None)
    return fields if isinstance(fields, tuple) else None


def _fields_of(row: object) -> tuple[str, ...] | None:
    return _sealed_fields(type(row))


def sealed_models() -> list[type[Any]]:
    """The mapped models of this process whose rows are sealed (a feature's, such as escalation's cases, too)."""
    return sorted(
        (m.class_ for m in Model.registry.mappers if _sealed_fields(m.class_) is not None),
        key=lambda model: str(model.__tablename__),
    )


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        # As it reads back: deadlines are computed in the local zone, and every backend returns them in UTC.
        return value.astimezone(UTC).isoformat()
    return value


def _key() -> bytes:
    def derive() -> bytes:
        from portal.record.store import signing_key  # late: the store imports the models this module seals

        raw = signing_key().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return hmac.new(raw, b"fire-alarm row seal " + SEAL_VERSION.encode(), hashlib.sha256).digest()

    return per_app("row_seal_key", derive)


def seal_of(row: object) -> str:
    """The seal ``row`` should carry, from its current attribute values."""
    fields = _fields_of(row)
    if fields is None:
        raise TypeError(f"{type(row).__name__} rows are not sealed")
    values = [getattr(type(row), "__tablename__", ""), *(_plain(getattr(row, name)) for name in fields)]
    message = json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return f"{SEAL_VERSION}:" + hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _changing_now(row: object) -> bool:
    """Whether this unit of work changes ``row`` itself: it is sealed at the commit, after the answer is built."""
    session = db.session
    return row in session.info.get(_PENDING, ()) or row in session.new or session.is_modified(row)


def is_intact(row: object) -> bool:
    if _changing_now(row):
        return True
    stored = getattr(row, "seal", None)
    return isinstance(stored, str) and hmac.compare_digest(stored, seal_of(row))


def require_intact(row: object) -> None:
    """Refuse (409) to show a row that was changed outside the portal."""
    if not is_intact(row):
        raise RowAltered(type(row).__name__)


# --- Sealing what the portal changes ------------------------------------------------------------------------


def _note_changed(session: Session, _context: object, _instances: object = None) -> None:
    """After each flush: remember the sealed rows it inserted or changed, to seal them before the commit."""
    if session.info.get(_SEALING):
        return
    # The session still shows what this flush wrote as new and dirty (its histories are reset only afterwards).
    # Any change re-seals the row: a relationship assigned may not show in its foreign key's history yet.
    pending = session.info.setdefault(_PENDING, set())
    for row in (*session.new, *session.dirty):
        if _fields_of(row) is not None and (row in session.new or session.is_modified(row)):
            pending.add(row)


def _seal_pending(session: Session) -> None:
    """Before each commit: flush (so foreign keys set through relationships are filled in), then seal every row
    the transaction changed, and flush the seals with it."""
    if not has_app_context() or session.info.get(_SEALING):
        return
    session.flush()
    pending = session.info.pop(_PENDING, set())
    if not pending:
        return
    session.info[_SEALING] = True
    try:
        for row in pending:
            if row in session and not sa.inspect(row).deleted:
                row.seal = seal_of(row)
        session.flush()
    finally:
        session.info.pop(_SEALING, None)


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Seal on every commit of the portal's session (once per process: the session is the extension's)."""
    hooks = (("after_flush", _note_changed), ("before_commit", _seal_pending), ("after_rollback", _forget))
    for name, hook in hooks:
        if not sa.event.contains(db.session, name, hook):
            sa.event.listen(db.session, name, hook)


# --- Auditing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenSeal:
    table: str
    name: str  # a complaint's tracking code; another row's id and its complaint's code

    def describe(self) -> str:
        return f"{self.table} {self.name} was changed outside the portal: it no longer matches its seal"


def _rows(model: type[Any]) -> Iterator[Any]:
    yield from db.session.scalars(select(model).order_by(model.id).execution_options(yield_per=1000))


def _name(row: Any, codes: dict[int, str]) -> str:
    if isinstance(row, Complaint):
        return row.tracking_code
    complaint_id = getattr(row, "complaint_id", None)
    return f"#{row.id} of {codes.get(complaint_id, '?')}" if complaint_id is not None else f"#{row.id}"


def broken_seals() -> list[BrokenSeal]:
    """Every sealed row whose stored values no longer match its seal (or that has none)."""
    codes: dict[int, str] = dict(db.session.execute(select(Complaint.id, Complaint.tracking_code)).all())
    return [
        BrokenSeal(model.__tablename__, _name(row, codes))
        for model in sealed_models()
        for row in _rows(model)
        if not is_intact(row)
    ]


class SealsAlreadyInUse(Exception):
    """Unsealed rows beside sealed ones: not rows from before the upgrade, but seals removed since."""


def seal_unsealed() -> int:
    """Seal the rows written before seals existed, once: a table that has sealed rows already is left alone, so
    a seal removed in the database cannot be laundered into a fresh one (``ledger verify`` names such rows)."""
    count = 0
    session = db.session
    session.info[_SEALING] = True
    try:
        for model in sealed_models():
            unsealed = list(session.scalars(select(model).where(model.seal.is_(None))))
            if unsealed and session.scalar(select(model.id).where(model.seal.is_not(None)).limit(1)):
                raise SealsAlreadyInUse(
                    f"{len(unsealed)} rows of {model.__tablename__} have no seal although others have: "
                    "their seals were removed in the database; run `flask ledger verify`"
                )
            for row in unsealed:
                row.seal = seal_of(row)
            count += len(unsealed)
        session.flush()
    finally:
        session.info.pop(_SEALING, None)
    return count
