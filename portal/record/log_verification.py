"""Auditing the whole record: every entry against its stored leaf hash, every signed head against the entries.

What is detected, and the assumption it rests on: the portal signs a tree head at least every N appends (and
receipts carry the head of their filing time), and those heads are published or held by others. An edit,
deletion, insertion or reordering of entries that a signed head covers changes the root recomputed at that
head's size, which then differs from the signed root; forging a matching head needs the private key. Entries
appended after the newest head are covered by no signature yet: the stored leaf hashes are checked for them,
but whoever can rewrite the database could rewrite both. :attr:`VerificationResult.verified_size` says how far
signatures reach.

The audit streams: entries are read in chunks, hashed level by level, and roots are computed only at the sizes
of the heads, from a compact range of completed chunks (see :class:`portal.record.merkle.PrefixRoots`). It
costs about two SHA-256 computations per entry (leaf and node) plus one Ed25519 check, about 0.1 ms, per head:
signing a head per append makes the signatures, not the hashing, the bulk of an audit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from portal.record.merkle import CHUNK_SIZE, PrefixRoots, leaf_hashes
from portal.record.tree_head import TreeHead, verify_tree_head


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of :func:`verify_log`; when ``ok`` is false, exactly one of the ``first_bad_*`` is set.

    ``first_bad_head`` indexes the ``heads`` sequence as given. ``entries_read`` counts entries read before
    the audit stopped (all of them when ``ok``); ``verified_size`` is the largest head size that checked out,
    so entries ``[0, verified_size)`` are covered by a valid signature.
    """

    ok: bool
    entries_read: int
    verified_size: int
    heads_checked: int
    latest_head: TreeHead | None
    first_bad_entry: int | None = None
    first_bad_head: int | None = None
    reason: str = ""

    def summary(self) -> str:
        if not self.ok:
            return f"FAILED: {self.reason}"
        if self.latest_head is None:
            return f"OK: {self.entries_read} entries match their stored hashes; no signed head yet"
        head = self.latest_head
        return (
            f"OK: {self.entries_read} entries; {self.heads_checked} signed heads check out; latest head: "
            f"{head.size} entries, root {head.root_hash.hex()}, {head.timestamp}"
        )


def verify_log(
    entries: Iterable[bytes],
    stored_leaf_hashes: Iterable[bytes] | None,
    heads: Sequence[TreeHead],
    public_key: Ed25519PublicKey,
) -> VerificationResult:
    """Recompute the record from ``entries`` (canonical bytes, in order) and check it, stopping at the first fault.

    Faults are reported in log order: a head is checked as soon as the entries it covers have been read, so a
    head that fails is reported before a fault in a later entry and after one in an earlier entry. Heads may
    come in any order; several may share a size.
    """
    audit = _Audit(heads, public_key)
    entry_iterator = iter(entries)
    stored_iterator = None if stored_leaf_hashes is None else iter(stored_leaf_hashes)
    roots = PrefixRoots()
    while True:
        start = roots.size
        hashes = leaf_hashes(islice(entry_iterator, CHUNK_SIZE))
        roots.add_chunk(hashes)
        mismatch = None
        if stored_iterator is not None:
            # One more than the chunk holds when it is the last, to notice hashes stored beyond the log's end.
            wanted = CHUNK_SIZE if len(hashes) == CHUNK_SIZE else len(hashes) + 1
            mismatch = _first_mismatch(start, hashes, list(islice(stored_iterator, wanted)))
        if not audit.check_heads_up_to(roots, roots.size if mismatch is None else mismatch[0]):
            return audit.failure(roots.size)
        if mismatch is not None:
            return audit.failure(roots.size, bad_entry=mismatch)
        if len(hashes) < CHUNK_SIZE:
            return audit.finish(roots.size)


def _first_mismatch(start: int, hashes: list[bytes], stored: list[bytes]) -> tuple[int, str] | None:
    """Where the recomputed leaf hashes of a chunk first disagree with the stored ones, and how."""
    if hashes == stored:
        return None
    for offset, (computed, kept) in enumerate(zip(hashes, stored, strict=False)):
        if computed != kept:
            index = start + offset
            return index, (
                f"entry #{index} does not match its stored leaf hash: the entry or the hash was altered, "
                "or entries were inserted, deleted or reordered here"
            )
    index = start + min(len(hashes), len(stored))
    if len(stored) > len(hashes):
        return (
            index,
            f"a leaf hash is stored for entry #{index} but the log ends before it: entries were deleted",
        )
    return index, f"entry #{index} has no stored leaf hash: the stored hashes end at #{index}"


class _Audit:
    """The signed heads still to check, in size order, and what has been established so far."""

    def __init__(self, heads: Sequence[TreeHead], public_key: Ed25519PublicKey) -> None:
        self._heads = heads
        self._public_key = public_key
        self._pending = deque(sorted(range(len(heads)), key=lambda index: heads[index].size))
        self._checked = 0
        self._verified_size = 0
        self._latest: TreeHead | None = None
        self._bad_head: tuple[int, str] | None = None

    def check_heads_up_to(self, roots: PrefixRoots, size: int) -> bool:
        """Check every pending head of at most ``size`` entries; false at the first that fails."""
        while self._pending and self._heads[self._pending[0]].size <= size:
            index = self._pending.popleft()
            head = self._heads[index]
            problem = self._signature_problem(index, head)
            if problem is None and roots.root(head.size) != head.root_hash:
                problem = (
                    f"tree head #{index} ({head.size} entries, {head.timestamp}) signs a different record: "
                    f"among entries #{self._verified_size}..#{head.size - 1}, one or more were altered, "
                    "inserted, deleted or reordered"
                )
            if problem is not None:
                self._bad_head = index, problem
                return False
            self._checked += 1
            self._verified_size = head.size
            self._latest = head
        return True

    def _signature_problem(self, index: int, head: TreeHead) -> str | None:
        if verify_tree_head(head, self._public_key):
            return None
        return f"tree head #{index} ({head.size} entries, {head.timestamp}) has an invalid signature"

    def finish(self, log_size: int) -> VerificationResult:
        """The result once every entry is read: heads still pending claim more entries than exist."""
        if self._pending:
            index = self._pending[0]
            head = self._heads[index]
            self._bad_head = (
                index,
                self._signature_problem(index, head)
                or (
                    f"tree head #{index} is signed for {head.size} entries but the log holds only {log_size}: "
                    "entries were deleted from the end"
                ),
            )
            return self.failure(log_size)
        return VerificationResult(
            ok=True,
            entries_read=log_size,
            verified_size=self._verified_size,
            heads_checked=self._checked,
            latest_head=self._latest,
        )

    def failure(self, entries_read: int, bad_entry: tuple[int, str] | None = None) -> VerificationResult:
        fault = bad_entry or self._bad_head
        if fault is None:
            raise RuntimeError("failure() called without a fault")
        return VerificationResult(
            ok=False,
            entries_read=entries_read,
            verified_size=self._verified_size,
            heads_checked=self._checked,
            latest_head=self._latest,
            first_bad_entry=bad_entry[0] if bad_entry else None,
            first_bad_head=None if bad_entry else fault[0],
            reason=fault[1],
        )
