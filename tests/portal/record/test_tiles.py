"""The stored tree (tlog-tiles): paths, appends, and proofs read from tiles agree with proofs from the leaves."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping

import pytest

from portal.record.merkle import consistency_proof, inclusion_proof, tree_root
from portal.record.proofs import EMPTY_ROOT, verify_consistency, verify_inclusion
from portal.record.tiles import (
    TileError,
    TileKey,
    TreeView,
    append_leaf,
    bundle_append,
    bundle_entries,
    bundle_prefix,
    encode_index,
    parse_index_path,
    right_edge,
    tile_path,
    tiles_for,
)


class Memory:
    def __init__(self, tiles: Mapping[TileKey, bytes]) -> None:
        self.tiles = dict(tiles)
        self.queries = 0

    def read_tiles(self, keys: Iterable[TileKey]) -> dict[TileKey, bytes]:
        self.queries += 1
        return {key: self.tiles[key] for key in keys if key in self.tiles}


def leaves(count: int, seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(32) for _ in range(count)]


def grown(hashes: list[bytes]) -> dict[TileKey, bytes]:
    tiles: dict[TileKey, bytes] = {}
    for size, value in enumerate(hashes):
        current = {key: tiles[key] for key in right_edge(size) if key in tiles}
        for write in append_leaf(size, value, current):
            tiles[(write.level, write.index)] = write.data
    return tiles


@pytest.mark.parametrize(
    ("index", "path"),
    [(0, "000"), (67, "067"), (1000, "x001/000"), (1234067, "x001/x234/067"), (999, "999")],
)
def test_index_paths_are_spelt_as_the_spec_says(index: int, path: str) -> None:
    assert encode_index(index) == path
    assert parse_index_path(path) == (index, None)
    assert parse_index_path(path + ".p/17") == (index, 17)


@pytest.mark.parametrize(
    "bad", ["1", "0067", "x000/067", "x1/067", "067.p/0", "067.p/256", "067.p/017", "067/", "a67", "x001"]
)
def test_other_spellings_of_an_index_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"tile index|partial tile|leading zero"):
        parse_index_path(bad)


def test_tile_paths() -> None:
    assert tile_path(0, 1234067) == "0/x001/x234/067"
    assert tile_path(1, 5, 17) == "1/005.p/17"
    assert tile_path("entries", 42) == "entries/042"


def test_a_tree_of_70000_has_the_tiles_the_spec_lists() -> None:
    tiles = tiles_for(leaves(70_000))
    widths = {key: len(data) // 32 for key, data in tiles.items()}
    assert sum(1 for (level, _), w in widths.items() if level == 0 and w == 256) == 273
    assert widths[(0, 273)] == 112
    assert (widths[(1, 0)], widths[(1, 1)], widths[(2, 0)]) == (256, 17, 1)
    assert len(widths) == 273 + 4


@pytest.mark.parametrize("size", [1, 2, 255, 256, 257, 511, 512, 65535, 65536, 65537, 70_000])
def test_tiles_grown_one_append_at_a_time_equal_tiles_built_at_once(size: int) -> None:
    hashes = leaves(size)
    assert grown(hashes) == tiles_for(hashes)


def test_an_append_refuses_a_tile_that_does_not_fit_the_size() -> None:
    hashes = leaves(300)
    tiles = tiles_for(hashes[:299])
    with pytest.raises(TileError):
        append_leaf(300, hashes[299], {key: tiles[key] for key in right_edge(300) if key in tiles})


def test_proofs_from_tiles_match_proofs_from_the_leaves() -> None:
    rng = random.Random(7)
    hashes = leaves(70_000)
    store = Memory(tiles_for(hashes))
    sizes = [1, 2, 3, 255, 256, 257, 1000, 65535, 65536, 65537, 70_000, *rng.sample(range(1, 70_000), 20)]
    for size in sizes:
        view = TreeView(store, size)
        root = tree_root(hashes[:size])
        assert view.root() == root
        for index in {0, size - 1, rng.randrange(size)}:
            proof = TreeView(store, size).inclusion_proof(index)
            assert proof == inclusion_proof(index, size, hashes)
            assert verify_inclusion(index, size, hashes[index], proof, root)
        for old in {1, size, rng.randrange(1, size + 1)}:
            proof = TreeView(store, size).consistency_proof(old)
            assert proof == consistency_proof(old, size, hashes)
            assert verify_consistency(old, size, proof, tree_root(hashes[:old]), root)
    assert TreeView(store, 0).root() == EMPTY_ROOT


def test_a_proof_reads_its_tiles_in_one_query_and_few_of_them() -> None:
    store = Memory(tiles_for(leaves(70_000)))
    view = TreeView(store, 70_000)
    view.prefetch_for(leaf_index=12_345, old_size=33_333)
    view.root()
    view.inclusion_proof(12_345)
    view.consistency_proof(33_333)
    assert store.queries == 1
    assert view.tiles_read <= 8


def test_a_missing_or_short_tile_is_named() -> None:
    tiles = tiles_for(leaves(1000))
    del tiles[(0, 1)]
    with pytest.raises(TileError, match="0/001"):
        TreeView(Memory(tiles), 1000).inclusion_proof(300)


def test_entry_bundles() -> None:
    entries = [b"", b"a", "火警".encode(), bytes(300)]
    bundle = b""
    for entry in entries:
        bundle = bundle_append(bundle, entry)
    assert bundle_entries(bundle) == entries
    assert bundle_prefix(bundle, 2) == bundle_append(bundle_append(b"", b""), b"a")
    assert bundle_prefix(bundle, 5) is None
    with pytest.raises(ValueError, match="does not fit"):
        bundle_append(b"", bytes(70_000))
    with pytest.raises(TileError):
        bundle_entries(bundle[:-1])
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
