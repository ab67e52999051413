"""Auditing the stored tree against the entries (pure): ledger state, every hash tile, every entry bundle and
every checkpoint note, after :func:`portal.record.log_verification.verify_log` has checked the entries against
their stored leaf hashes and the signed heads.

Whoever can write the database can rewrite an entry and recompute its leaf hash, the ledger state and even the
tiles; what they cannot recompute is a signature. So the audit names every disagreement between what is stored
and what the entries give, and the signed heads and checkpoints (and the witnesses' copies of them) make a
consistent rewrite of anything they cover visible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from portal.record.checkpoint import NoteError, parse_checkpoint
from portal.record.log_verification import VerificationResult, verify_log
from portal.record.merkle import leaf_hashes, root_from_subtrees
from portal.record.proofs import HASH_SIZE, TreeHead
from portal.record.tiles import TILE_WIDTH, TileKey, TreeView, bundle_of, tile_path, tiles_for
from portal.record.tree_head import verify_tree_head


@dataclass(frozen=True)
class StoredTree:
    size: int  # ledger_state.size
    compact_range: Sequence[bytes]
    bundles_from: int  # the first leaf whose bundle is kept (a multiple of 256)
    tiles: Mapping[TileKey, bytes]
    bundles: Mapping[int, tuple[int, bytes]]  # index -> (width, data)
    checkpoints: Sequence[tuple[TreeHead, str | None]]


@dataclass(frozen=True)
class Problem:
    reason: str
    entry: int | None = None


class _Tiles:
    def __init__(self, tiles: Mapping[TileKey, bytes]) -> None:
        self._tiles = tiles

    def read_tiles(self, keys: Iterable[TileKey]) -> dict[TileKey, bytes]:
        return {key: self._tiles[key] for key in keys if key in self._tiles}


def merkle_audit(
    entries: Sequence[bytes],
    stored_leaf_hashes: Sequence[bytes],
    heads: Sequence[TreeHead],
    public_key: Ed25519PublicKey,
) -> tuple[list[bytes], dict[TileKey, bytes], bool]:
    """The leaf hashes and tiles of ``entries``, and whether they match the stored leaf hashes and every head
    (signature and root). One view over the final tiles serves every head: a subtree inside an earlier tree is
    the same node in the final one, so each tile's inner levels are hashed once for all heads."""
    leaves = leaf_hashes(entries)
    tiles = tiles_for(leaves)
    view = TreeView(_Tiles(tiles), len(leaves))
    intact = leaves == list(stored_leaf_hashes) and all(
        head.size <= len(leaves)
        and verify_tree_head(head, public_key)
        and view.root(head.size) == head.root_hash
        for head in heads
    )
    return leaves, tiles, intact


def audit_record(
    entries: Sequence[bytes],
    stored_leaf_hashes: Sequence[bytes],
    heads: Sequence[TreeHead],
    public_key: Ed25519PublicKey,
    stored: StoredTree,
    origin: str,
) -> tuple[VerificationResult, Problem | None]:
    """The whole audit: entries against their stored leaf hashes and the signed heads (as
    :func:`~portal.record.log_verification.verify_log`), then :func:`audit_store`.

    Each entry is hashed once and the tree above the leaves is built once, as tiles: the heads' roots come from
    those tiles (O(log n) each) and the same tiles are compared with the stored ones. Only when something
    disagrees does :func:`verify_log` run again, to name the first fault in log order.
    """
    leaves, tiles, intact = merkle_audit(entries, stored_leaf_hashes, heads, public_key)
    ordered = sorted(heads, key=lambda head: head.size)
    if not intact:
        result = verify_log(entries, stored_leaf_hashes, heads, public_key)
        if not result.ok:
            return result, None
        raise RuntimeError("the fast audit and verify_log disagree")  # pragma: no cover - a bug, not damage
    result = VerificationResult(
        ok=True,
        entries_read=len(leaves),
        verified_size=ordered[-1].size if ordered else 0,
        heads_checked=len(ordered),
        latest_head=ordered[-1] if ordered else None,
    )
    return result, audit_store(entries, leaves, stored, origin, public_key, expected=tiles)


def audit_store(
    entries: Sequence[bytes],
    leaf_hashes: Sequence[bytes],
    stored: StoredTree,
    origin: str,
    public_key: Ed25519PublicKey,
    expected: Mapping[TileKey, bytes] | None = None,
) -> Problem | None:
    """The first disagreement between the stored tree and ``entries`` (whose ``leaf_hashes`` are checked);
    ``expected`` are the tiles of ``leaf_hashes`` when already built."""
    size = len(entries)
    expected = tiles_for(leaf_hashes) if expected is None else expected
    return (
        _state_problem(size, expected, stored)
        or _tile_problem(expected, stored.tiles)
        or _bundle_problem(entries, stored)
        or _checkpoint_problem(stored.checkpoints, origin, public_key)
    )


def _state_problem(size: int, expected: Mapping[TileKey, bytes], stored: StoredTree) -> Problem | None:
    if stored.size != size:
        what = (
            "the newest entries were deleted" if stored.size > size else "entries were added behind its back"
        )
        return Problem(
            f"the ledger state says the log holds {stored.size} entries, but the events hold {size}: {what}",
            min(stored.size, size),
        )
    if (
        len(stored.compact_range) != size.bit_count()
        or root_from_subtrees(list(stored.compact_range)) != TreeView(_Tiles(expected), size).root()
    ):
        return Problem(f"the ledger state's compact range does not give the root of the {size} entries")
    return None


def _tile_problem(expected: Mapping[TileKey, bytes], tiles: Mapping[TileKey, bytes]) -> Problem | None:
    if expected == tiles:
        return None
    for key in sorted(expected.keys() | tiles.keys(), key=lambda key: (key[1] << (8 * key[0]), key[0])):
        level, index = key
        path = tile_path(level, index)
        want, have = expected.get(key), tiles.get(key)
        span = TILE_WIDTH**level
        if want is None:
            return Problem(
                f"tile {path} is stored but the entries give no such tile: entries were deleted from the end",
                index * TILE_WIDTH * span,
            )
        if have is None:
            return Problem(f"tile {path} is missing from the stored tree", index * TILE_WIDTH * span)
        if want != have:
            position = next(
                (
                    offset // HASH_SIZE
                    for offset in range(0, min(len(want), len(have)), HASH_SIZE)
                    if want[offset : offset + HASH_SIZE] != have[offset : offset + HASH_SIZE]
                ),
                min(len(want), len(have)) // HASH_SIZE,
            )
            first = (index * TILE_WIDTH + position) * span
            return Problem(
                f"tile {path} (level {level}) differs from the entries at hash #{position} "
                f"(entries #{first}..#{first + span - 1}), stored {len(have) // HASH_SIZE} hashes wide, "
                f"expected {len(want) // HASH_SIZE}: the tile or the entries were altered",
                first,
            )
    return None


def _bundle_problem(entries: Sequence[bytes], stored: StoredTree) -> Problem | None:
    first_kept = stored.bundles_from // TILE_WIDTH
    wanted = range(first_kept, -(-len(entries) // TILE_WIDTH))
    for index in sorted(set(wanted) | stored.bundles.keys()):
        path = tile_path("entries", index)
        start = index * TILE_WIDTH
        if index not in wanted:
            if index >= first_kept:
                return Problem(
                    f"entry bundle {path} is stored but the log ends before it: entries were deleted", start
                )
            continue
        chunk = entries[start : start + TILE_WIDTH]
        data = bundle_of(chunk)
        if index not in stored.bundles:
            return Problem(f"entry bundle {path} is missing from the stored tree", start)
        width, have = stored.bundles[index]
        if (width, have) != (len(chunk), data):
            return Problem(
                f"entry bundle {path} ({width} entries stored) differs from the {len(chunk)} entries "
                f"#{start}..#{start + len(chunk) - 1}: the bundle or the entries were altered",
                start,
            )
    return None


def _checkpoint_problem(
    checkpoints: Sequence[tuple[TreeHead, str | None]], origin: str, public_key: Ed25519PublicKey
) -> Problem | None:
    for number, (head, note) in enumerate(checkpoints):
        if note is None:
            continue  # a head published before checkpoints existed; its own signature is checked
        try:
            checkpoint = parse_checkpoint(note)
        except NoteError as error:
            return Problem(
                f"the checkpoint of tree head #{number} ({head.size} entries) is malformed: {error}"
            )
        if (checkpoint.size, checkpoint.root_hash) != (head.size, head.root_hash):
            return Problem(
                f"the checkpoint of tree head #{number} says {checkpoint.size} entries with another root than "
                f"the head it belongs to ({head.size} entries): one of them was altered"
            )
        if not checkpoint.signed_by(checkpoint.origin, public_key):
            return Problem(
                f"the checkpoint of tree head #{number} ({head.size} entries) is not signed by the log's key"
                + ("" if checkpoint.origin == origin else f" under its origin {checkpoint.origin}")
            )
    return None
