"""The record's state: where the Merkle log stands, and the tree heads signed so far."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime, utcnow


class LedgerState(Model):
    """One row: the log's size and its compact range (the roots of its perfect subtrees), so an append costs
    O(log n) and a head can be signed without reading the log. Its row lock serialises appends."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    compact_range: Mapped[list[str]] = mapped_column(JSON, default=list)  # hex, largest subtree first
    # Entry bundles are kept from this entry on (the size of the log when they began to be kept, rounded up to
    # a whole bundle): earlier bundles would publish private events in full (see store.entry_of).
    bundles_from: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SignedHead(Model):
    __tablename__ = "tree_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(Integer, unique=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[str] = mapped_column(String(40))  # exactly as signed
    signature: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The same head as a C2SP checkpoint, the signed note exactly as served at /record/checkpoint. NULL for
    # heads published before checkpoints existed: it is signed on first use, after the head's own signature
    # is checked.
    checkpoint: Mapped[str | None] = mapped_column(Text)


class RecordTile(Model):
    """One hash tile of the stored tree (C2SP tlog-tiles): up to 256 hashes at height 8 * level, as wide as
    the log has filled it (a partial tile of width W is its first W hashes)."""

    __tablename__ = "record_tiles"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tile_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EntryBundle(Model):
    """One entry bundle: the entries of leaves ``256 * bundle_index`` on, each prefixed by its length."""

    __tablename__ = "record_entry_bundles"

    bundle_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    width: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Witness(Model):
    """What one configured witness last told the log (C2SP tlog-witness): the size it has cosigned (also learnt
    from a 409), its latest cosignature of one of our checkpoints, and how the last exchange went."""

    __tablename__ = "record_witnesses"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, default=0)  # the witness's latest cosigned size for this log
    cosigned_size: Mapped[int | None] = mapped_column(Integer)
    cosigned_root: Mapped[str | None] = mapped_column(String(64))  # hex
    cosigned_at: Mapped[int | None] = mapped_column(BigInteger)  # the cosignature's POSIX timestamp
    signature: Mapped[str | None] = mapped_column(Text)  # the cosignature line, as the witness sent it
    status: Mapped[str] = mapped_column(String(40), default="new")
    detail: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
