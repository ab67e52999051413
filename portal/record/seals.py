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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.app_cache import per_app
from portal.extensions import Model, db
from portal.models import Complaint
from portal.refusals import N_, Conflict

SEAL_VERSION = "v1"
T = TypeVar("T")
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


def seal_for(model: type[Any], values: Mapping[str, object]) -> str:
    """The seal of a ``model`` row holding ``values`` (each sealed field; one not given is NULL)."""
    fields = _sealed_fields(model)
    if fields is None:
        raise TypeError(f"{model.__name__} rows are not sealed")
    plain = [getattr(model, "__tablename__", ""), *(_plain(values.get(name)) for name in fields)]
    message = json.dumps(plain, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return f"{SEAL_VERSION}:" + hmac.new(_key(), message, hashlib.sha256).hexdigest()


def seal_of(row: object) -> str:
    """The seal ``row`` should carry, from its current attribute values."""
    fields = _fields_of(row) or ()
    return seal_for(type(row), {name: getattr(row, name) for name in fields})


_HELD = "fire_alarm.seal_held"  # in a row's InstanceState.info: whether its seal held when it was read


def _judge(row: object) -> None:
    """As a row is read from the database: does its seal hold? Kept with the row, so that a change the portal then
    makes never seals again a row someone rewrote behind its back."""
    fields = _fields_of(row)
    if fields is None:
        return
    state = sa.inspect(row)
    if state.unloaded & {*fields, "seal"}:
        return  # read in part: judged when read whole
    stored = getattr(row, "seal", None)
    state.info[_HELD] = isinstance(stored, str) and hmac.compare_digest(stored, seal_of(row))


def _judging(session: Session, row: object) -> bool:
    # Not while sealing, and not a row this transaction already changed (or inserted): its seal is the one it
    # had when first read (or none yet) until the commit seals it.
    return not session.info.get(_SEALING) and row not in session.info.get(_PENDING, ())


def _on_load(row: object, context: Any) -> None:
    if _judging(context.session, row):
        _judge(row)


def _on_refresh(row: object, context: Any, attrs: Any) -> None:
    fields = _fields_of(row)
    if fields is None or not _judging(context.session, row):
        return
    if attrs is None or {"seal", *fields} <= set(attrs):
        _judge(row)


def _held_when_read(row: object) -> bool:
    # New rows were never read; rows read in part are trusted as before (no query here reads them so).
    return sa.inspect(row).info.get(_HELD) is not False


def _changing_now(row: object) -> bool:
    """Whether this unit of work changes ``row`` itself: it is sealed at the commit, after the answer is built."""
    session = db.session
    changing = row in session.info.get(_PENDING, ()) or row in session.new or session.is_modified(row)
    return changing and _held_when_read(row)


def is_intact(row: object) -> bool:
    if _changing_now(row):
        return True
    held = sa.inspect(row).info.get(_HELD)
    if held is not None:
        return bool(held)  # judged as it was read, and unchanged since (else it would be changing now)
    stored = getattr(row, "seal", None)
    return isinstance(stored, str) and hmac.compare_digest(stored, seal_of(row))


def _name_of(row: object) -> str:
    code = getattr(row, "tracking_code", None)
    return f"{getattr(type(row), '__tablename__', '?')} {code or '#' + str(getattr(row, 'id', '?'))}"


def require_intact(row: object) -> None:
    """Refuse (409) to show a row that was changed outside the portal; the log says which, for the operators."""
    if not is_intact(row):
        current_app.logger.error(
            "refused to show %s: changed outside the portal (its seal does not hold)", _name_of(row)
        )
        raise RowAltered(type(row).__name__)


def shown(rows: Sequence[T]) -> list[T]:
    """A list's rows less those changed outside the portal: one such row must not take a whole list (a desk, an
    Open311 page) down with it. Each one left out is logged for the operators; its own page refuses it."""
    kept = []
    for row in rows:
        if is_intact(row):
            kept.append(row)
        else:
            current_app.logger.error("left %s out of a list: changed outside the portal", _name_of(row))
    return kept


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


def _reread_locked(session: Session, rows: list[Any]) -> None:
    """Read the rows again, locked, after this transaction's own writes: another transaction may have committed a
    change to other columns since they were first read, and the seal must cover the row as it now stands."""
    by_model: dict[type[Any], list[int]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row.id)
    for model, ids in by_model.items():
        query = select(model).where(model.id.in_(ids)).with_for_update()
        session.execute(query.execution_options(populate_existing=True)).all()


def _seal_pending(session: Session) -> None:
    """Before each commit: flush (so foreign keys set through relationships are filled in), then seal every row
    the transaction changed, and flush the seals with it. A row whose seal did not hold when it was read keeps
    its broken seal: the portal's own change must not launder one made behind its back."""
    if not has_app_context() or session.info.get(_SEALING):
        return
    session.flush()
    pending = [
        row for row in session.info.pop(_PENDING, set()) if row in session and not sa.inspect(row).deleted
    ]
    if not pending:
        return
    session.info[_SEALING] = True
    try:
        _reread_locked(session, pending)
        for row in pending:
            if _held_when_read(row):
                row.seal = seal_of(row)
            else:
                current_app.logger.error(
                    "not sealing %s again: it was changed outside the portal before this change",
                    _name_of(row),
                )
        session.flush()
    finally:
        session.info.pop(_SEALING, None)


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Seal on every commit of the portal's session, and judge every sealed row as it is read (once per process:
    the session and the models are the extension's)."""
    hooks = (("after_flush", _note_changed), ("before_commit", _seal_pending), ("after_rollback", _forget))
    for name, hook in hooks:
        if not sa.event.contains(db.session, name, hook):
            sa.event.listen(db.session, name, hook)
    for name, handler in (("load", _on_load), ("refresh", _on_refresh)):
        if not sa.event.contains(Model, name, handler):
            sa.event.listen(Model, name, handler, propagate=True)


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
    """Unsealed rows in a table sealed before: not rows from before the upgrade, but seals removed since."""


# On the record, once per table, when its rows are first sealed: after that an unsealed row can only be one whose
# seal was removed, whether other rows still have theirs or every seal of the table was wiped.
SEALS_STARTED = "row_seals_started"


def _tables_sealed_before() -> set[str]:
    from portal.models import Event  # late, as the store: the record's events import what this module seals

    found = db.session.scalars(select(Event.payload).where(Event.kind == SEALS_STARTED))
    return {str(payload.get("table")) for payload in found if isinstance(payload, dict)}


def seal_unsealed() -> int:
    """Seal the rows written before seals existed, once per table: a table sealed before is left alone, so a
    seal removed in the database is never laundered into a fresh one (``ledger verify`` names such rows)."""
    from portal.record import events  # late: recording imports the store, which imports the models

    count = 0
    session = db.session
    sealed_before = _tables_sealed_before()
    for model in sealed_models():
        table = model.__tablename__
        unsealed = list(session.scalars(select(model).where(model.seal.is_(None)).order_by(model.id)))
        mixed = bool(unsealed) and session.scalar(select(model.id).where(model.seal.is_not(None)).limit(1))
        if unsealed and (table in sealed_before or mixed):
            raise SealsAlreadyInUse(
                f"{len(unsealed)} rows of {table} have no seal although the table was sealed before: "
                "their seals were removed in the database; run `flask ledger verify`"
            )
        if table in sealed_before:
            continue
        session.info[_SEALING] = True
        try:
            for row in unsealed:
                row.seal = seal_of(row)
            session.flush()
        finally:
            session.info.pop(_SEALING, None)
        events.record(
            SEALS_STARTED, complaint=None, actor="system", payload={"table": table, "rows": len(unsealed)}
        )
        count += len(unsealed)
    return count
