"""The record's Merkle tree kept as C2SP tlog-tiles does: hash tiles and entry bundles (pure, no database).

A tile at level ``L`` and index ``N`` holds up to 256 consecutive hashes at tree height ``8 * L``: at level 0
the leaf hashes, above it the root of each *full* tile of the level below (https://c2sp.org/tlog-tiles). A
partial tile (the rightmost of a level) holds fewer; its first ``W`` hashes never change as it fills, so a
partial tile of width ``W`` is a prefix of the tile as stored now, and one stored tile per ``(L, N)`` serves
every width. Entry bundles hold the entries themselves, each prefixed by its length (big-endian uint16).

Every node a proof needs is the root of an aligned perfect subtree of the tree, which lies inside one tile:
a node at height ``h`` is ``h mod 8`` levels of hashing above ``2 ** (h mod 8)`` hashes of one tile at level
``h // 8``. So a proof reads O(log n) tiles, never the leaves, and :class:`TreeView` finds which tiles first,
so that a store can fetch them in one query.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from portal.record.merkle import _consistency_ranges, _inclusion_ranges, _perfect_levels
from portal.record.proofs import EMPTY_ROOT, HASH_SIZE, NODE_PREFIX_STATE, encode_index, node_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
MAX_ENTRY_BYTES = 0xFFFF
MAX_LEVEL = 63

TileKey = tuple[int, int]  # (level, index)
_LENGTH = struct.Struct(">H")


class TileError(ValueError):
    """A tile is missing, too narrow or malformed: the stored tree does not hold what the log's size says."""


# --- Paths (the encoding itself is the stand-alone verifier's: proofs.encode_index) -----------------------

_INDEX_PATH = re.compile(r"((?:x\d{3}/)*)(\d{3})(?:\.p/([1-9]\d{0,2}))?", re.ASCII)


def parse_index_path(path: str) -> tuple[int, int | None]:
    """``x001/x234/067[.p/W]`` → ``(1234067, W or None)``; :class:`ValueError` for any other spelling."""
    match = _INDEX_PATH.fullmatch(path)
    if match is None:
        raise ValueError(f"{path!r} is not a tile index path")
    groups = [part[1:] for part in match.group(1).split("/") if part] + [match.group(2)]
    if len(groups) > 1 and groups[0] == "000":
        raise ValueError("a tile index path has no leading zero groups")
    width = None if match.group(3) is None else int(match.group(3))
    if width is not None and not 1 <= width < TILE_WIDTH:
        raise ValueError("a partial tile is 1 to 255 wide")
    return int("".join(groups)), width


def tile_path(level: int | str, index: int, width: int = TILE_WIDTH) -> str:
    """The path of a tile under ``<prefix>/tile/``: ``0/x001/234``, ``1/005.p/17``, ``entries/042``."""
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"{level}/{encode_index(index)}{suffix}"


# --- Reading the tree --------------------------------------------------------------------------------------


class TileReader(Protocol):
    def read_tiles(self, keys: Iterable[TileKey]) -> Mapping[TileKey, bytes]:
        """The stored hash tiles among ``keys`` (each as wide as stored); missing ones are left out."""
        ...


def hashes_of(data: bytes) -> list[bytes]:
    if len(data) % HASH_SIZE:
        raise TileError("a tile's length is not a multiple of 32 bytes")
    return [data[offset : offset + HASH_SIZE] for offset in range(0, len(data), HASH_SIZE)]


def subtree_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two number of hashes (a perfect subtree)."""
    level = list(hashes)
    new = NODE_PREFIX_STATE.copy
    while len(level) > 1:
        parents = []
        for position in range(0, len(level), 2):
            state = new()
            state.update(level[position])
            state.update(level[position + 1])
            parents.append(state.digest())
        level = parents
    return level[0]


def _perfect_pieces(start: int, end: int) -> list[tuple[int, int]]:
    """``D[start:end]`` as aligned perfect subtrees ``(height, index)``, left to right, each smaller than the
    one before (``start`` is a multiple of a power of two at least ``end - start``, as in every proof)."""
    pieces = []
    while start < end:
        height = (end - start).bit_length() - 1
        pieces.append((height, start >> height))
        start += 1 << height
    return pieces


def _tile_of(height: int, index: int) -> tuple[TileKey, int, int]:
    """The tile holding node ``(height, index)``'s hashes: its key, first position and count in it."""
    level, above = divmod(height, TILE_HEIGHT)
    first = index << above
    return (level, first >> TILE_HEIGHT), first & (TILE_WIDTH - 1), 1 << above


class TreeView:
    """Node hashes of the tree of ``size`` leaves, read from tiles; each tile fetched once."""

    def __init__(self, reader: TileReader, size: int) -> None:
        self._reader = reader
        self.size = size
        self._tiles: dict[TileKey, bytes] = {}
        self._levels: dict[TileKey, list[list[bytes]]] = {}
        self.tiles_read = 0

    def _fetch(self, nodes: Iterable[tuple[int, int]]) -> None:
        wanted = {_tile_of(height, index)[0] for height, index in nodes} - self._tiles.keys()
        if wanted:
            found = self._reader.read_tiles(sorted(wanted))
            self.tiles_read += len(found)
            self._tiles.update(found)

    def node(self, height: int, index: int) -> bytes:
        """The root of the perfect subtree ``(height, index)``. The levels inside a tile are hashed once, when
        the tile is first used: the root and both proofs share most of them."""
        key, first, _ = _tile_of(height, index)
        levels = self._levels.get(key)
        if levels is None:
            if key not in self._tiles:
                self._fetch([(height, index)])
            levels = self._levels[key] = _perfect_levels(hashes_of(self._tiles.get(key, b"")))
        above, position = height % TILE_HEIGHT, first >> (height % TILE_HEIGHT)
        if above >= len(levels) or position >= len(levels[above]):
            raise TileError(
                f"tile {tile_path(key[0], key[1])} holds {len(levels[0])} hashes; the tree of "
                f"{self.size} entries needs at least {first + (1 << above)}"
            )
        return levels[above][position]

    def _range_roots(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        pieces = [_perfect_pieces(start, end) for start, end in ranges]
        self._fetch(piece for group in pieces for piece in group)
        roots = []
        for group in pieces:
            hashes = [self.node(height, index) for height, index in group]
            root = hashes[-1]
            for left in reversed(hashes[:-1]):
                root = node_hash(left, root)
            roots.append(root)
        return roots

    def root(self, size: int | None = None) -> bytes:
        """The root of the tree, or of its first ``size`` entries (every earlier tree is a prefix of it)."""
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"no tree of {size} entries in a tree of {self.size}")
        return EMPTY_ROOT if size == 0 else self._range_roots([(0, size)])[0]

    def leaf(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise ValueError(f"no leaf {index} in a tree of {self.size}")
        return self.node(0, index)

    def inclusion_proof(self, leaf_index: int) -> list[bytes]:
        if not 0 <= leaf_index < self.size:
            raise ValueError(f"need 0 <= leaf_index ({leaf_index}) < tree_size ({self.size})")
        return self._range_roots(_inclusion_ranges(leaf_index, self.size))

    def consistency_proof(self, old_size: int) -> list[bytes]:
        if not 0 <= old_size <= self.size:
            raise ValueError(f"need 0 <= old_size ({old_size}) <= tree_size ({self.size})")
        if old_size in (0, self.size):
            return []
        return self._range_roots(_consistency_ranges(old_size, self.size))

    def prefetch_for(self, leaf_index: int | None = None, old_size: int | None = None) -> None:
        """Fetch in one read every tile the root and the given proofs need."""
        ranges = [(0, self.size)] if self.size else []
        if leaf_index is not None and 0 <= leaf_index < self.size:
            ranges += _inclusion_ranges(leaf_index, self.size)
            ranges.append((leaf_index, leaf_index + 1))
        if old_size is not None and 0 < old_size < self.size:
            ranges += _consistency_ranges(old_size, self.size)
        self._fetch(piece for start, end in ranges for piece in _perfect_pieces(start, end))


# --- Writing the tree --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TileWrite:
    level: int
    index: int
    data: bytes


def right_edge(size: int) -> list[TileKey]:
    """The tiles an append to a tree of ``size`` leaves may change: the rightmost of each level it reaches."""
    keys = [(0, size >> TILE_HEIGHT)]
    level, count = 0, size
    while (count + 1) % TILE_WIDTH == 0:
        level += 1
        count >>= TILE_HEIGHT
        keys.append((level, count >> TILE_HEIGHT))
    return keys


def append_leaf(size: int, leaf_hash: bytes, current: Mapping[TileKey, bytes]) -> list[TileWrite]:
    """The tiles as they become when ``leaf_hash`` is appended to a tree of ``size`` leaves.

    ``current`` holds the tiles of :func:`right_edge` as stored (a tile not begun yet is absent). A tile
    completed by the append passes its root up to the level above, like a carry.
    """
    writes: list[TileWrite] = []
    value, level, count = leaf_hash, 0, size  # count: hashes at this level before the append
    while True:
        key = (level, count >> TILE_HEIGHT)
        data = current.get(key, b"")
        if len(data) != (count % TILE_WIDTH) * HASH_SIZE:
            raise TileError(
                f"tile {tile_path(*key)} holds {len(data) // HASH_SIZE} hashes, but a tree of {size} "
                f"entries has {count % TILE_WIDTH} there"
            )
        data += value
        writes.append(TileWrite(level, key[1], data))
        if len(data) < FULL_TILE_BYTES:
            return writes
        value = subtree_root(hashes_of(data))
        level += 1
        count >>= TILE_HEIGHT


def tiles_for(leaf_hashes: Sequence[bytes]) -> dict[TileKey, bytes]:
    """Every tile of the tree over ``leaf_hashes`` (full and partial), built from scratch."""
    tiles: dict[TileKey, bytes] = {}
    level, hashes = 0, list(leaf_hashes)
    while hashes:
        parents = []
        for index in range(0, len(hashes), TILE_WIDTH):
            chunk = hashes[index : index + TILE_WIDTH]
            tiles[(level, index >> TILE_HEIGHT)] = b"".join(chunk)
            if len(chunk) == TILE_WIDTH:
                parents.append(subtree_root(chunk))
        level += 1
        hashes = parents
    return tiles


def bundle_append(bundle: bytes, entry: bytes) -> bytes:
    if len(entry) > MAX_ENTRY_BYTES:
        raise ValueError(f"an entry of {len(entry)} bytes does not fit an entry bundle (at most 65535)")
    return bundle + len(entry).to_bytes(2, "big") + entry


def bundle_of(entries: Iterable[bytes]) -> bytes:
    """The entry bundle of ``entries``, built in one pass."""
    parts: list[bytes] = []
    append, prefix = parts.append, _LENGTH.pack
    try:
        for entry in entries:
            append(prefix(len(entry)))
            append(entry)
    except struct.error as error:
        raise ValueError("an entry longer than 65535 bytes does not fit an entry bundle") from error
    return b"".join(parts)


def bundle_entries(bundle: bytes) -> list[bytes]:
    """The entries of an entry bundle, in order."""
    entries, offset = [], 0
    while offset < len(bundle):
        if offset + 2 > len(bundle):
            raise TileError("an entry bundle ends inside a length prefix")
        length = int.from_bytes(bundle[offset : offset + 2], "big")
        offset += 2
        if offset + length > len(bundle):
            raise TileError("an entry bundle ends inside an entry")
        entries.append(bundle[offset : offset + length])
        offset += length
    return entries


def bundle_prefix(bundle: bytes, width: int) -> bytes | None:
    """The first ``width`` entries of ``bundle`` (a partial bundle), or None when it holds fewer."""
    offset = 0
    for _ in range(width):
        if offset + 2 > len(bundle):
            return None
        offset += 2 + int.from_bytes(bundle[offset : offset + 2], "big")
    return bundle[:offset] if offset <= len(bundle) else None
