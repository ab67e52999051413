"""The record's state: where the Merkle log stands, and the tree heads signed so far."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
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


class SignedHead(Model):
    __tablename__ = "tree_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(Integer, unique=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[str] = mapped_column(String(40))  # exactly as signed
    signature: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
