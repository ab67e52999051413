"""The record's Merkle tree (RFC 6962 §2.1): roots, the append-friendly frontier, and proofs.

Hashing and proof *verification* live in :mod:`portal.record.proofs`, the stand-alone file citizens
run, so that there is one implementation of them; this module builds roots and proofs.

Speed matters here because a full audit rehashes every entry (see ``bench/ledger_verify.py``): whole levels
are hashed in one loop each, with :func:`leaf_hash` and :func:`node_hash` inlined (same prefixed states, same
results), rather than node by node through recursive calls.

Every subtree a proof needs starts at a multiple of a power of two at least as large as itself, so it splits
into aligned perfect subtrees: complete chunks of ``CHUNK_SIZE`` leaves (whose roots can be cached, see
:func:`chunk_roots`) and the perfect subtrees of at most one partial chunk, hashed level by level. Without a
cache each leaf hash is read once per proof.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from portal.record.proofs import EMPTY_ROOT, HASH_SIZE, LEAF_PREFIX_STATE, NODE_PREFIX_STATE, node_hash

CHUNK_SIZE = 1 << 14


def leaf_hashes(entries: Iterable[bytes]) -> list[bytes]:
    """``[leaf_hash(entry) for entry in entries]``, faster."""
    new = LEAF_PREFIX_STATE.copy
    hashes: list[bytes] = []
    append = hashes.append
    for entry in entries:
        state = new()
        state.update(entry)
        append(state.digest())
    return hashes


def _parent_level(level: Sequence[bytes]) -> list[bytes]:
    """The node hashes over consecutive pairs of ``level``; an unpaired last hash is left out."""
    new = NODE_PREFIX_STATE.copy
    parents: list[bytes] = []
    append = parents.append
    pairs = iter(level)
    for left, right in zip(pairs, pairs, strict=False):
        state = new()
        state.update(left)
        state.update(right)
        append(state.digest())
    return parents


def _perfect_levels(hashes: Sequence[bytes]) -> list[list[bytes]]:
    """``levels[h][i]`` is the root of the perfect subtree of ``2**h`` hashes starting at ``i * 2**h``."""
    levels = [list(hashes)]
    while len(levels[-1]) > 1:
        levels.append(_parent_level(levels[-1]))
    return levels


def _prefix_subtrees(levels: list[list[bytes]], count: int) -> list[bytes]:
    """Roots of the perfect subtrees that make up the first ``count`` hashes of level 0, left to right."""
    roots: list[bytes] = []
    offset = 0
    for height in range(len(levels) - 1, -1, -1):
        if count >> height & 1:
            roots.append(levels[height][offset >> height])
            offset += 1 << height
    return roots


def root_from_subtrees(subtree_roots: Sequence[bytes]) -> bytes:
    """The tree root over perfect subtrees given left to right, each smaller than the one before.

    That is how RFC 6962 splits a tree of any size: MTH(D[n]) hashes the largest power-of-two subtree on the
    left with the (recursively split) rest on the right, so the fold runs from the right.
    """
    if not subtree_roots:
        return EMPTY_ROOT
    root = subtree_roots[-1]
    for left in reversed(subtree_roots[:-1]):
        root = node_hash(left, root)
    return root


class CompactRange:
    """The frontier of a growing tree: what is needed to append a leaf and get the new root in O(log n).

    ``hashes`` are the roots of the perfect subtrees that make up the first ``size`` leaves, left to right
    (one per set bit of ``size``); ``(size, hashes)`` is the whole state, so persisting it lets the next append
    skip reading old leaves. Appending merges equal-height subtrees like a binary counter carries.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(
                f"a compact range of {size} leaves has {size.bit_count()} hashes, not {len(hashes)}"
            )
        if any(not isinstance(value, bytes) or len(value) != HASH_SIZE for value in hashes):
            raise ValueError("compact range hashes must be 32 bytes each")
        self._size = size
        self._hashes = list(hashes)

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        merged = leaf_hash
        carry = self._size
        while carry & 1:
            merged = node_hash(self._hashes.pop(), merged)
            carry >>= 1
        self._hashes.append(merged)
        self._size += 1

    def root(self) -> bytes:
        return root_from_subtrees(self._hashes)


class PrefixRoots:
    """Roots of every prefix of a log whose leaf hashes arrive in chunks, each read once.

    Chunks hold ``chunk_size`` hashes (a power of two) except the last, which may be shorter. Completed chunks
    are aligned perfect subtrees, kept as a :class:`CompactRange` of chunk roots; a prefix ending inside the
    current chunk adds that chunk's own perfect subtrees, so :meth:`root` costs O(log n) hashes.
    """

    def __init__(self, chunk_size: int = CHUNK_SIZE) -> None:
        if chunk_size < 1 or chunk_size & (chunk_size - 1):
            raise ValueError("chunk_size must be a power of two")
        self._chunk_size = chunk_size
        self._completed = CompactRange()
        self._levels: list[list[bytes]] = [[]]
        self._start = 0

    @property
    def size(self) -> int:
        """How many leaf hashes have been added."""
        return self._start + len(self._levels[0])

    def add_chunk(self, leaf_hashes: Sequence[bytes]) -> None:
        if len(leaf_hashes) > self._chunk_size:
            raise ValueError(f"a chunk holds at most {self._chunk_size} leaf hashes")
        self._close_current_chunk()
        self._levels = _perfect_levels(leaf_hashes)

    def add_chunk_root(self, root: bytes) -> None:
        """Add a whole chunk by its root, already known (see :func:`chunk_roots`), instead of its leaves."""
        self._close_current_chunk()
        self._completed.append(root)
        self._start += self._chunk_size

    def _close_current_chunk(self) -> None:
        current = len(self._levels[0])
        if current:
            if current != self._chunk_size:
                raise ValueError("only the last chunk may be shorter than chunk_size")
            self._completed.append(self._levels[-1][0])
            self._start += current
            self._levels = [[]]

    def root(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves; ``size`` must lie in the current chunk or at its start."""
        count = size - self._start
        if not 0 <= count <= len(self._levels[0]):
            raise ValueError(f"size {size} is outside the current chunk [{self._start}, {self.size}]")
        return root_from_subtrees([*self._completed.hashes, *_prefix_subtrees(self._levels, count)])


def tree_root(leaf_hashes: Iterable[bytes]) -> bytes:
    """MTH over all of ``leaf_hashes`` (RFC 6962 §2.1), for any number of leaves."""
    roots = PrefixRoots()
    hashes = iter(leaf_hashes)
    while True:
        chunk = list(islice(hashes, CHUNK_SIZE))
        roots.add_chunk(chunk)
        if len(chunk) < CHUNK_SIZE:
            return roots.root(roots.size)


def chunk_roots(leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Roots of the complete, aligned chunks of ``CHUNK_SIZE`` leaves: ``[MTH(D[0:C]), MTH(D[C:2C]), ...]``.

    They never change once a chunk is complete, so they can be kept (in memory or stored) and passed to the
    proof functions, which then read at most two chunks of leaf hashes instead of the whole tree.
    """
    complete = len(leaf_hashes) - len(leaf_hashes) % CHUNK_SIZE
    return [tree_root(leaf_hashes[start : start + CHUNK_SIZE]) for start in range(0, complete, CHUNK_SIZE)]


def _range_root(
    leaf_hashes: Sequence[bytes], start: int, end: int, known_chunk_roots: Sequence[bytes]
) -> bytes:
    """MTH(D[start:end]), from known chunk roots where they apply, else one chunk of leaf hashes at a time."""
    roots = PrefixRoots()
    for offset in range(start, end, CHUNK_SIZE):
        stop = min(offset + CHUNK_SIZE, end)
        chunk, misalignment = divmod(offset, CHUNK_SIZE)
        if not misalignment and stop - offset == CHUNK_SIZE and chunk < len(known_chunk_roots):
            roots.add_chunk_root(known_chunk_roots[chunk])
        else:
            roots.add_chunk(leaf_hashes[offset:stop])
    return roots.root(end - start)


def _largest_power_of_two_below(count: int) -> int:
    return 1 << ((count - 1).bit_length() - 1)


def _inclusion_ranges(leaf_index: int, tree_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots form PATH(leaf_index, D[tree_size]) (RFC 6962 §2.1.1), in proof order."""
    ranges: list[tuple[int, int]] = []
    start, end = 0, tree_size
    while end - start > 1:
        split = start + _largest_power_of_two_below(end - start)
        if leaf_index < split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
    # The walk goes from the root down; the proof lists siblings from the leaf up.
    return ranges[::-1]


def _consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots form PROOF(old_size, D[new_size]) (RFC 6962 §2.1.2), in proof order."""
    ranges: list[tuple[int, int]] = []
    start, end = 0, new_size
    old_end = old_size
    # SUBPROOF's flag b: whether the old tree is the whole of the subtree being split, so its root is known.
    old_root_known = True
    while old_end != end:
        split = start + _largest_power_of_two_below(end - start)
        if old_end <= split:
            ranges.append((split, end))
            end = split
        else:
            ranges.append((start, split))
            start = split
            old_root_known = False
    if not old_root_known:
        ranges.append((start, end))
    return ranges[::-1]


def inclusion_proof(
    leaf_index: int, tree_size: int, leaf_hashes: Sequence[bytes], known_chunk_roots: Sequence[bytes] = ()
) -> list[bytes]:
    """PATH(leaf_index, D[tree_size]): the audit path of one leaf (RFC 6962 §2.1.1).

    ``leaf_hashes`` is any sequence whose slices are cheap (a list, or an accessor over stored hashes); at
    most ``tree_size`` of them are read, far fewer with ``known_chunk_roots`` (a prefix of :func:`chunk_roots`).
    """
    if not 0 <= leaf_index < tree_size <= len(leaf_hashes):
        raise ValueError(
            f"need 0 <= leaf_index ({leaf_index}) < tree_size ({tree_size}) <= leaves ({len(leaf_hashes)})"
        )
    return [
        _range_root(leaf_hashes, start, end, known_chunk_roots)
        for start, end in _inclusion_ranges(leaf_index, tree_size)
    ]


def consistency_proof(
    old_size: int, new_size: int, leaf_hashes: Sequence[bytes], known_chunk_roots: Sequence[bytes] = ()
) -> list[bytes]:
    """PROOF(old_size, D[new_size]) (RFC 6962 §2.1.2); empty when ``old_size`` is 0 or equals ``new_size``.

    ``leaf_hashes`` and ``known_chunk_roots`` as for :func:`inclusion_proof`.
    """
    if not 0 <= old_size <= new_size <= len(leaf_hashes):
        raise ValueError(
            f"need 0 <= old_size ({old_size}) <= new_size ({new_size}) <= leaves ({len(leaf_hashes)})"
        )
    if old_size in (0, new_size):
        return []
    return [
        _range_root(leaf_hashes, start, end, known_chunk_roots)
        for start, end in _consistency_ranges(old_size, new_size)
    ]
