"""The tamper-evident record in the app: every event is appended to an RFC 6962 Merkle log as it is recorded.

The pure log lives in :mod:`portal.record`; this module gives each event its canonical entry and leaf index,
keeps the log's compact state in the database, signs tree heads with the key in ``LEDGER_FOLDER``, and builds
receipts and proofs. Proofs are computed from the events as they are stored now, not from cached hashes: if a
row was edited, deleted or reordered, the proof no longer matches the signed heads and any verifier (ours, or
the stand-alone script) says so.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import event as orm_events
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from portal.app_cache import per_app
from portal.extensions import db
from portal.models import Complaint, Event, utcnow
from portal.record.canonical import canonical_bytes
from portal.record.log_verification import VerificationResult, verify_log
from portal.record.merkle import CompactRange, consistency_proof, inclusion_proof, leaf_hashes, tree_root
from portal.record.models import LedgerState, SignedHead
from portal.record.proofs import LogProof, Receipt, leaf_hash, verify_inclusion
from portal.record.tree_head import (
    TreeHead,
    load_or_create_signing_key,
    public_key_hex,
    sign_tree_head,
    utc_timestamp,
)
from portal.refusals import N_, Conflict

STATE_ID = 1
_APPENDED_KEY = "fire_alarm.ledger_appended"
SIGN_JOB = "ledger_sign_head"
ENTRY_VERSION = 1
# Published heads: at least one per this many entries, and on request when the latest is older than this.
HEAD_EVERY_ENTRIES = 1000
HEAD_MAX_AGE = timedelta(minutes=10)


class RecordDamaged(Conflict):
    """The stored events no longer reproduce a signed tree head: something was removed or rewritten."""

    code = "record_damaged"
    message = N_(
        "The stored record no longer matches its signed tree heads: entries were removed or altered."
    )


def signing_key() -> Ed25519PrivateKey:
    return per_app(
        "record_signing_key", lambda: load_or_create_signing_key(Path(current_app.config["LEDGER_FOLDER"]))
    )


def public_key() -> str:
    return public_key_hex(signing_key().public_key())


def entry_of(event: Event) -> dict[str, Any]:
    """The canonical content of an event in the record."""
    return {
        "v": ENTRY_VERSION,
        "seq": event.seq,
        "at": event.created_at.isoformat(),
        "kind": event.kind,
        "actor": event.actor,
        "complaint": event.complaint.tracking_code if event.complaint is not None else None,
        "public": event.public,
        "payload": event.payload,
        "nonce": event.nonce,
    }


def entry_bytes(event: Event) -> bytes:
    return canonical_bytes(entry_of(event))


def _state() -> LedgerState:
    # FOR UPDATE: appends are serialised on this row (PostgreSQL); SQLite serialises writers anyway.
    query = select(LedgerState).where(LedgerState.id == STATE_ID).with_for_update()
    state = db.session.scalar(query)
    if state is None:
        # The migration creates the row; a database built by create_all (tests) may not have it yet, and two
        # first filings may race to add it: the loser's insert does nothing and both then lock the same row.
        dialect_insert = (
            postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        db.session.execute(
            dialect_insert(LedgerState).values(id=STATE_ID, size=0, compact_range=[]).on_conflict_do_nothing()
        )
        state = db.session.scalars(query).one()
    return state


def _compact(state: LedgerState) -> CompactRange:
    return CompactRange(state.size, [bytes.fromhex(h) for h in state.compact_range])


@dataclass(frozen=True)
class Appended:
    seq: int
    leaf_hash: bytes
    # The audit path of this leaf in the tree it completes (the compact range before it, smallest first).
    path_at_append: tuple[bytes, ...]


def append(event: Event) -> Appended:
    """Give ``event`` the next leaf index and add it to the log (call after its fields are final)."""
    state = _state()
    compact = _compact(state)
    path = tuple(reversed(compact.hashes))
    event.seq = state.size
    event.nonce = secrets.token_hex(16)
    event.leaf_hash = leaf_hash(entry_bytes(event))
    compact.append(event.leaf_hash)
    state.size = compact.size
    state.compact_range = [h.hex() for h in compact.hashes]
    appended = Appended(event.seq, event.leaf_hash, path)
    # Kept for this transaction only, so a receipt can be issued for the entry without reading the log.
    db.session.info.setdefault(_APPENDED_KEY, {})[event.seq] = appended
    if state.size % HEAD_EVERY_ENTRIES == 0:
        _store(_sign(state))
    return appended


@orm_events.listens_for(Session, "after_commit")
@orm_events.listens_for(Session, "after_soft_rollback")
def _forget_appended(session: Session, *_transaction: object) -> None:
    # Audit paths for receipts are only valid inside the transaction that appended their entries.
    session.info.pop(_APPENDED_KEY, None)


def _as_tree_head(row: SignedHead) -> TreeHead:
    return TreeHead(row.size, bytes.fromhex(row.root_hash), row.timestamp, bytes.fromhex(row.signature))


def _sign(state: LedgerState) -> TreeHead:
    return sign_tree_head(signing_key(), state.size, _compact(state).root(), utc_timestamp(utcnow()))


def _store(head: TreeHead) -> TreeHead:
    db.session.add(
        SignedHead(
            size=head.size,
            root_hash=head.root_hash.hex(),
            timestamp=head.timestamp,
            signature=head.signature.hex(),
        )
    )
    # No flush here: during an append the event itself is not in the session yet; the caller's flush or
    # commit writes both.
    return head


def _latest_row() -> SignedHead | None:
    return db.session.scalar(select(SignedHead).order_by(SignedHead.size.desc()).limit(1))


def receipt_head() -> TreeHead:
    """A head for a filing receipt: the log signed as it stands, right after the citizen's entry.

    Not stored: the citizen keeps it. Published heads are kept at a slower pace (see :func:`publish_head`),
    because every stored head costs an audit one signature check (about 0.1 ms, as much as hashing 200 entries).
    """
    return _sign(_state())


def publish_head(*, force: bool = False) -> TreeHead | None:
    """The published head: the latest stored one, or a new one if the log grew since it was signed and it is
    older than ``HEAD_MAX_AGE`` (or ``force``). None while the log is empty."""
    # Decided without the ledger's lock, which would make every reader wait for filings (and them for it).
    size = db.session.scalar(select(LedgerState.size).where(LedgerState.id == STATE_ID)) or 0
    latest = _latest_row()
    if size == 0:
        return None
    if latest is not None and (
        latest.size >= size or (not force and latest.created_at > utcnow() - HEAD_MAX_AGE)
    ):
        return _as_tree_head(latest)
    state = _state()
    if latest is not None and latest.size == state.size:
        return _as_tree_head(latest)
    return _store(_sign(state))


def covering_head(size: int) -> TreeHead:
    """A published head that covers the first ``size`` entries, signed now if none does yet."""
    latest = _latest_row()
    if latest is not None and latest.size >= size:
        return _as_tree_head(latest)
    head = publish_head(force=True)
    if head is None or head.size < size:
        raise LookupError("the record does not have that many entries")
    return head


def sign_head_job() -> None:
    """The periodic job: publish a head if the log grew."""
    publish_head(force=True)


def latest_head() -> TreeHead | None:
    row = _latest_row()
    return _as_tree_head(row) if row else None


def filing_receipt(event: Event, head: TreeHead) -> Receipt:
    """The receipt for an entry appended in this transaction, under ``head`` signed right after it."""
    appended = db.session.info.get(_APPENDED_KEY, {}).get(event.seq)
    if appended is None or head.size != appended.seq + 1:
        raise RecordDamaged("a filing receipt needs the head signed right after its entry")
    if not verify_inclusion(
        appended.seq, head.size, appended.leaf_hash, appended.path_at_append, head.root_hash
    ):
        raise RecordDamaged("the receipt's own proof does not verify")
    return Receipt(
        leaf_index=appended.seq,
        entry=entry_bytes(event).decode(),
        leaf_hash=appended.leaf_hash,
        tree_head=head,
        inclusion_proof=appended.path_at_append,
    )


def _events_in_order() -> Iterator[Event]:
    # The tracking codes come in the same query: an audit must not run one query per complaint.
    query = (
        select(Event)
        .options(joinedload(Event.complaint).load_only(Complaint.tracking_code))
        .where(Event.seq.is_not(None))
        .order_by(Event.seq)
    )
    return iter(db.session.scalars(query).yield_per(2000))


def current_leaf_hashes() -> list[bytes]:
    """Leaf hashes recomputed from the events as stored now (never from the cached hashes)."""
    return leaf_hashes(entry_bytes(event) for event in _events_in_order())


def _checked_leaves(head: TreeHead) -> list[bytes]:
    leaves = current_leaf_hashes()
    if len(leaves) < head.size or tree_root(leaves[: head.size]) != head.root_hash:
        raise RecordDamaged(f"the stored events no longer reproduce the signed head of size {head.size}")
    return leaves


def current_head() -> TreeHead:
    """The published head, refreshed if stale."""
    head = publish_head()
    if head is None:
        raise LookupError("the record is empty")
    return head


@dataclass(frozen=True)
class EntryProof:
    """A proof against the published head: inclusion of the entry, and consistency from the head the entry's
    receipt carries (signed right after the entry, so of size ``leaf_index + 1``)."""

    proof: LogProof
    head: TreeHead


def prove(event: Event, head: TreeHead) -> EntryProof:
    """Prove ``event`` against ``head``, or against a newer head if ``head`` does not cover it yet."""
    assert event.seq is not None  # only appended events are looked up
    if head.size <= event.seq:
        head = covering_head(event.seq + 1)
    leaves = _checked_leaves(head)
    filing_size = event.seq + 1
    return EntryProof(
        proof=LogProof(
            leaf_index=event.seq,
            tree_size=head.size,
            inclusion_proof=tuple(inclusion_proof(event.seq, head.size, leaves)),
            consistency_from_size=filing_size,
            consistency_proof=tuple(consistency_proof(filing_size, head.size, leaves)),
        ),
        head=head,
    )


def consistency_to_current(from_size: int) -> tuple[TreeHead, Sequence[bytes]]:
    head = current_head()
    if from_size > head.size:
        head = covering_head(from_size)
    if not 1 <= from_size <= head.size:
        raise ValueError(f"from must be between 1 and {head.size}")
    leaves = _checked_leaves(head)
    return head, consistency_proof(from_size, head.size, leaves)


def received_event(complaint: Complaint) -> Event | None:
    return db.session.scalar(
        select(Event).where(Event.complaint_id == complaint.id, Event.kind == "received").order_by(Event.id)
    )


def verify() -> tuple[VerificationResult, list[int]]:
    """Audit the whole record: every event against its stored leaf hash, every signed head against the events.

    Also returns the event ids in log order, so a failure can be reported as an event id.
    """
    ids: list[int] = []
    entries: list[bytes] = []
    stored: list[bytes] = []
    for position, event in enumerate(_events_in_order()):
        if event.seq != position:
            # A gap or a duplicate position: an entry was deleted or moved. Report it as a bad entry here.
            stored.append(b"\0" * 32)
        else:
            stored.append(event.leaf_hash or b"")
        ids.append(event.id)
        entries.append(entry_bytes(event))
    heads = [_as_tree_head(row) for row in db.session.scalars(select(SignedHead).order_by(SignedHead.size))]
    result = verify_log(entries, stored, heads, signing_key().public_key())
    return result, ids
