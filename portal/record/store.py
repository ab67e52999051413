"""The tamper-evident record in the app: every event is appended to an RFC 6962 Merkle log as it is recorded.

The pure log lives in :mod:`portal.record`; this module gives each event its canonical entry and leaf index,
keeps the log's compact state and its stored tree (C2SP tlog-tiles: hash tiles and entry bundles, written in
the transaction of each append) in the database, signs tree heads and checkpoints with the key in
``LEDGER_FOLDER``, and builds receipts and proofs. Proofs are read from the tiles (O(log n) hashes, one query),
after checking that the tiles reproduce the signed head and the event's entry matches its leaf; ``flask ledger
verify`` recomputes everything from the events and compares every tile, bundle, the state and every head. No
head is signed that is not consistent with the previous one.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy import event as orm_events
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from portal.app_cache import per_app
from portal.extensions import db
from portal.models import Complaint, Event, utcnow
from portal.record.audit import StoredTree, audit_record
from portal.record.canonical import canonical_bytes
from portal.record.checkpoint import sign_checkpoint, verifier_key
from portal.record.log_verification import VerificationResult
from portal.record.merkle import CompactRange
from portal.record.models import EntryBundle, LedgerState, RecordTile, SignedHead
from portal.record.proofs import LogProof, Receipt, leaf_hash, verify_consistency, verify_inclusion
from portal.record.tiles import (
    TILE_WIDTH,
    TileError,
    TileKey,
    TreeView,
    append_leaf,
    bundle_append,
    bundle_prefix,
    right_edge,
)
from portal.record.tree_head import (
    TreeHead,
    load_or_create_signing_key,
    public_key_hex,
    sign_tree_head,
    utc_timestamp,
    verify_tree_head,
)
from portal.refusals import N_, Conflict

STATE_ID = 1
_APPENDED_KEY = "fire_alarm.ledger_appended"
SIGN_JOB = "ledger_sign_head"
ENTRY_VERSION = 1
SEALED_VERSION = 2
_TILES_KEY = "fire_alarm.ledger_tiles"
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


def _full_entry(event: Event) -> dict[str, Any]:
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


def entry_of(event: Event) -> dict[str, Any]:
    """The canonical content of an event in the record.

    A sealed (private) event is entered as a commitment: SHA-256 of its full entry, whose random nonce is never
    published, so anyone can fetch every entry bundle without learning what staff recorded privately, and the
    portal (or an auditor with the database) can still check the commitment against the event.
    """
    full = _full_entry(event)
    if event.sealed:
        return {
            "v": SEALED_VERSION,
            "seq": event.seq,
            "sealed": hashlib.sha256(canonical_bytes(full)).hexdigest(),
        }
    return full


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


@functools.cache
def _tiles_query(levels: int) -> Select[int, int, bytes]:
    """The tiles of ``levels`` levels, some indices of each: built once per shape, so SQLAlchemy compiles it once."""
    return select(RecordTile.level, RecordTile.tile_index, RecordTile.data).where(
        or_(
            *(
                and_(
                    RecordTile.level == bindparam(f"level{number}"),
                    RecordTile.tile_index.in_(bindparam(f"indices{number}", expanding=True)),
                )
                for number in range(levels)
            )
        )
    )


class DatabaseTiles:
    """The stored tree's one storage: hash tiles and entry bundles in two tables. Rows written in the current
    transaction are kept in the session's info and read from there, so an append never needs a flush."""

    def __init__(self, session: Session | None = None) -> None:
        self._session = session

    @property
    def session(self) -> Session:
        return self._session if self._session is not None else db.session()

    def _touched(self) -> dict[tuple[str, int, int], RecordTile | EntryBundle]:
        touched: dict[tuple[str, int, int], RecordTile | EntryBundle] = self.session.info.setdefault(
            _TILES_KEY, {}
        )
        return touched

    def read_tiles(self, keys: Iterable[TileKey]) -> dict[TileKey, bytes]:
        touched = self._touched()
        found: dict[TileKey, bytes] = {}
        rest = []
        for key in keys:
            row = touched.get(("tile", *key))
            if row is not None:
                found[key] = row.data
            else:
                rest.append(key)
        if rest:
            # One query, a condition per level: (level, tile_index) IN (...) as a row value would make SQLite
            # scan the table instead of seeking its primary key.
            by_level: dict[int, list[int]] = {}
            for level, index in rest:
                by_level.setdefault(level, []).append(index)
            parameters: dict[str, object] = {}
            for number, (level, indices) in enumerate(by_level.items()):
                parameters[f"level{number}"], parameters[f"indices{number}"] = level, indices
            with self.session.no_autoflush:
                rows = self.session.execute(_tiles_query(len(by_level)), parameters)
                found.update({(level, index): data for level, index, data in rows})
        return found

    def tile_row(self, level: int, index: int) -> RecordTile | None:
        row = self._touched().get(("tile", level, index)) or self.session.get(RecordTile, (level, index))
        assert row is None or isinstance(row, RecordTile)
        return row

    def bundle_row(self, index: int) -> EntryBundle | None:
        row = self._touched().get(("entries", index, 0)) or self.session.get(EntryBundle, index)
        assert row is None or isinstance(row, EntryBundle)
        return row

    def put_tile(self, level: int, index: int, data: bytes) -> None:
        row = self.tile_row(level, index)
        if row is None:
            row = RecordTile(level=level, tile_index=index, data=data)
            self.session.add(row)
        else:
            row.data = data
        self._touched()[("tile", level, index)] = row

    def put_bundle(self, index: int, width: int, data: bytes) -> None:
        row = self.bundle_row(index)
        if row is None:
            row = EntryBundle(bundle_index=index, width=width, data=data)
            self.session.add(row)
        else:
            row.width, row.data = width, data
        self._touched()[("entries", index, 0)] = row

    def all_tiles(self) -> dict[TileKey, bytes]:
        rows = self.session.execute(select(RecordTile.level, RecordTile.tile_index, RecordTile.data))
        return {(level, index): data for level, index, data in rows}

    def all_bundles(self) -> dict[int, tuple[int, bytes]]:
        rows = self.session.execute(select(EntryBundle.bundle_index, EntryBundle.width, EntryBundle.data))
        return {index: (width, data) for index, width, data in rows}


def tile_store() -> DatabaseTiles:
    return DatabaseTiles()


def bundles_start(state_bundles_from: int) -> int:
    """The first leaf whose bundle is kept: ``bundles_from`` rounded up to a whole bundle."""
    return -(-state_bundles_from // TILE_WIDTH) * TILE_WIDTH


def grow_tree(store: DatabaseTiles, size: int, leaf: bytes, entry: bytes, bundles_from: int) -> None:
    """Write the tiles and the bundle of entry #``size`` (in the current transaction)."""
    current = {}
    for level, index in right_edge(size):
        row = store.tile_row(level, index)
        if row is not None:
            current[(level, index)] = row.data
    try:
        writes = append_leaf(size, leaf, current)
    except TileError as error:
        raise RecordDamaged(str(error)) from error
    for write in writes:
        store.put_tile(write.level, write.index, write.data)
    if size < bundles_start(bundles_from):
        return
    index, position = divmod(size, TILE_WIDTH)
    bundle = store.bundle_row(index)
    if (bundle.width if bundle is not None else 0) != position:
        raise RecordDamaged(f"entry bundle {index} does not end where entry #{size} begins")
    store.put_bundle(index, position + 1, bundle_append(bundle.data if bundle is not None else b"", entry))


def append(event: Event) -> Appended:
    """Give ``event`` the next leaf index and add it to the log (call after its fields are final)."""
    state = _state()
    compact = _compact(state)
    path = tuple(reversed(compact.hashes))
    event.seq = state.size
    event.nonce = secrets.token_hex(16)
    event.sealed = not event.public
    entry = entry_bytes(event)
    event.leaf_hash = leaf_hash(entry)
    grow_tree(tile_store(), state.size, event.leaf_hash, entry, state.bundles_from or 0)
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
    # Audit paths for receipts are only valid inside the transaction that appended their entries; the tiles
    # written in it are in the database (or gone) afterwards.
    session.info.pop(_APPENDED_KEY, None)
    session.info.pop(_TILES_KEY, None)


def _as_tree_head(row: SignedHead) -> TreeHead:
    return TreeHead(row.size, bytes.fromhex(row.root_hash), row.timestamp, bytes.fromhex(row.signature))


def origin() -> str:
    """The log's name: the first line of its checkpoints and the name of its key (``RECORD_ORIGIN``)."""
    return str(current_app.config["RECORD_ORIGIN"])


def vkey() -> str:
    """The log's verifier key as C2SP signed-note writes it: ``<name>+<hex key ID>+<base64>``."""
    return verifier_key(origin(), signing_key().public_key())


def checked_root(size: int, root: bytes) -> None:
    """Refuse to sign ``root`` for ``size`` entries unless the stored tiles give that root and it extends the
    latest published head (its signature checked): the log never signs a history inconsistent with its own."""
    latest = _latest_row()
    previous = None if latest is None else _as_tree_head(latest)
    view = TreeView(tile_store(), size)
    try:
        view.prefetch_for(old_size=previous.size if previous is not None else None)
        if view.root() != root:
            raise RecordDamaged(f"the stored tiles do not give the root of the log's {size} entries")
        if previous is None:
            return
        if not verify_tree_head(previous, signing_key().public_key()):
            raise RecordDamaged(
                f"the latest published head ({previous.size} entries) has an invalid signature"
            )
        if previous.size > size or not verify_consistency(
            previous.size, size, view.consistency_proof(previous.size), previous.root_hash, root
        ):
            raise RecordDamaged(
                f"the log of {size} entries does not extend the published head of {previous.size}: "
                "refusing to sign a rewritten history"
            )
    except TileError as error:
        raise RecordDamaged(str(error)) from error


def _sign(state: LedgerState) -> TreeHead:
    root = _compact(state).root()
    checked_root(state.size, root)
    return sign_tree_head(signing_key(), state.size, root, utc_timestamp(utcnow()))


def _store(head: TreeHead) -> TreeHead:
    db.session.add(
        SignedHead(
            size=head.size,
            root_hash=head.root_hash.hex(),
            timestamp=head.timestamp,
            signature=head.signature.hex(),
            checkpoint=sign_checkpoint(origin(), signing_key(), head.size, head.root_hash),
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


def current_head() -> TreeHead:
    """The published head, refreshed if stale."""
    head = publish_head()
    if head is None:
        raise LookupError("the record is empty")
    return head


def checkpoint_note() -> str:
    """The published head as a signed checkpoint note (signed now for a head published before notes)."""
    current_head()
    row = _latest_row()
    assert row is not None
    if row.checkpoint is None:
        head = _as_tree_head(row)
        if not verify_tree_head(head, signing_key().public_key()):
            raise RecordDamaged(f"the published head of {head.size} entries has an invalid signature")
        row.checkpoint = sign_checkpoint(origin(), signing_key(), head.size, head.root_hash)
    return row.checkpoint


def _view_of(head: TreeHead, leaf_index: int | None = None, old_size: int | None = None) -> TreeView:
    """The stored tree at ``head``, its tiles fetched, after checking they reproduce the head's root."""
    view = TreeView(tile_store(), head.size)
    try:
        view.prefetch_for(leaf_index=leaf_index, old_size=old_size)
        if view.root() != head.root_hash:
            raise RecordDamaged(f"the stored tiles no longer reproduce the signed head of size {head.size}")
    except TileError as error:
        raise RecordDamaged(str(error)) from error
    return view


@dataclass(frozen=True)
class EntryProof:
    """A proof against the published head: inclusion of the entry, and consistency from the head the entry's
    receipt carries (signed right after the entry, so of size ``leaf_index + 1``)."""

    proof: LogProof
    head: TreeHead


def prove(event: Event, head: TreeHead, since_size: int | None = None) -> EntryProof:
    """Prove ``event`` against ``head``, or against a newer head if ``head`` does not cover it yet; the
    consistency proof starts from ``since_size`` (the size of the head a citizen holds), by default from the
    head signed right after the entry."""
    assert event.seq is not None  # only appended events are looked up
    filing_size = event.seq + 1 if since_size is None else since_size
    if not 1 <= filing_size <= _record_size():
        raise ValueError("since_size must be between 1 and the record's size")
    if head.size < max(filing_size, event.seq + 1):
        head = covering_head(max(filing_size, event.seq + 1))
    view = _view_of(head, leaf_index=event.seq, old_size=filing_size)
    try:
        if view.leaf(event.seq) != leaf_hash(entry_bytes(event)):
            raise RecordDamaged(f"entry #{event.seq} as stored now is not the one in the record")
        return EntryProof(
            proof=LogProof(
                leaf_index=event.seq,
                tree_size=head.size,
                inclusion_proof=tuple(view.inclusion_proof(event.seq)),
                consistency_from_size=filing_size,
                consistency_proof=tuple(view.consistency_proof(filing_size)),
            ),
            head=head,
        )
    except TileError as error:
        raise RecordDamaged(str(error)) from error


def _record_size() -> int:
    """How many entries the record holds, read without the append lock (a public GET never waits on appends).

    Sizes asked for in a URL are checked against it before anything is signed: a size the record never had must
    not make an anonymous request take the lock and sign a head."""
    state = db.session.get(LedgerState, STATE_ID)
    return state.size if state is not None else 0


def consistency_to_current(from_size: int) -> tuple[TreeHead, Sequence[bytes]]:
    if not 1 <= from_size <= _record_size():
        raise ValueError("from must be between 1 and the record's size")
    head = current_head()
    if from_size > head.size:
        head = covering_head(from_size)
    if not 1 <= from_size <= head.size:
        raise ValueError(f"from must be between 1 and {head.size}")
    view = _view_of(head, old_size=from_size)
    try:
        return head, view.consistency_proof(from_size)
    except TileError as error:
        raise RecordDamaged(str(error)) from error


def consistency_from(head: TreeHead, old_size: int) -> list[bytes]:
    """The consistency proof from the tree of ``old_size`` entries to ``head``, read from the tiles."""
    if old_size in (0, head.size):
        return []
    view = _view_of(head, old_size=old_size)
    try:
        return view.consistency_proof(old_size)
    except TileError as error:
        raise RecordDamaged(str(error)) from error


def read_tile(level: int, index: int, width: int | None) -> bytes | None:
    """A hash tile as tlog-tiles serves it: full (``width`` None) or its first ``width`` hashes."""
    data = tile_store().read_tiles([(level, index)]).get((level, index))
    wanted = TILE_WIDTH if width is None else width
    if data is None or len(data) < wanted * 32 or (width is None and len(data) != TILE_WIDTH * 32):
        return None
    return data[: wanted * 32]


def read_bundle(index: int, width: int | None) -> bytes | None:
    row = db.session.get(EntryBundle, index)
    if row is None:
        return None
    if width is None:
        return row.data if row.width == TILE_WIDTH else None
    return bundle_prefix(row.data, width) if width <= row.width else None


def received_event(complaint: Complaint) -> Event | None:
    return db.session.scalar(
        select(Event).where(Event.complaint_id == complaint.id, Event.kind == "received").order_by(Event.id)
    )


def verify() -> tuple[VerificationResult, list[int]]:
    """Audit the whole record: every event against its stored leaf hash, every signed head against the events,
    then every stored tile, entry bundle and checkpoint, and the ledger state, against the events.

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
    rows = list(db.session.scalars(select(SignedHead).order_by(SignedHead.size)))
    heads = [_as_tree_head(row) for row in rows]
    state = db.session.get(LedgerState, STATE_ID)
    tiles = tile_store()
    result, problem = audit_record(
        entries,
        stored,
        heads,
        signing_key().public_key(),
        StoredTree(
            size=state.size if state is not None else 0,
            compact_range=[bytes.fromhex(h) for h in state.compact_range] if state is not None else [],
            bundles_from=bundles_start(state.bundles_from or 0) if state is not None else 0,
            tiles=tiles.all_tiles(),
            bundles=tiles.all_bundles(),
            checkpoints=[(head, row.checkpoint) for head, row in zip(heads, rows, strict=True)],
        ),
        origin(),
    )
    if problem is None:
        return result, ids
    return VerificationResult(
        ok=False,
        entries_read=result.entries_read,
        verified_size=result.verified_size,
        heads_checked=result.heads_checked,
        latest_head=result.latest_head,
        first_bad_entry=problem.entry,
        reason=problem.reason,
    ), ids
