from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.record.merkle import (
    CHUNK_SIZE,
    CompactRange,
    PrefixRoots,
    chunk_roots,
    consistency_proof,
    inclusion_proof,
    leaf_hashes,
    root_from_subtrees,
    tree_root,
)
from portal.record.proofs import verify_consistency, verify_inclusion
from tests.portal.record import rfc6962_reference as reference
from tests.portal.record import vectors

FAST = settings(max_examples=60, deadline=None)


def _random_hashes(count: int, seed: int) -> list[bytes]:
    generator = random.Random(seed)
    return [generator.randbytes(32) for _ in range(count)]


VECTOR_HASHES = [reference.leaf(entry) for entry in vectors.LEAVES]


def test_leaf_hashes_are_rfc6962_leaf_hashes() -> None:
    entries = [*vectors.LEAVES, "火警".encode(), b"x" * 5000]
    assert leaf_hashes(entries) == [hashlib.sha256(b"\x00" + entry).digest() for entry in entries]


def test_roots_match_the_known_vectors() -> None:
    assert tree_root([]) == vectors.EMPTY_ROOT
    for size, expected in enumerate(vectors.ROOTS, start=1):
        assert tree_root(VECTOR_HASHES[:size]) == expected


@pytest.mark.parametrize(("leaf_index", "tree_size", "expected"), vectors.INCLUSION_PROOFS)
def test_inclusion_proofs_match_the_known_vectors(
    leaf_index: int, tree_size: int, expected: list[bytes]
) -> None:
    assert inclusion_proof(leaf_index, tree_size, VECTOR_HASHES) == expected


@pytest.mark.parametrize(("old_size", "new_size", "expected"), vectors.CONSISTENCY_PROOFS)
def test_consistency_proofs_match_the_known_vectors(
    old_size: int, new_size: int, expected: list[bytes]
) -> None:
    assert consistency_proof(old_size, new_size, VECTOR_HASHES) == expected


@FAST
@given(size=st.integers(0, 300), seed=st.integers())
def test_root_equals_the_recursive_definition(size: int, seed: int) -> None:
    hashes = _random_hashes(size, seed)
    assert tree_root(hashes) == reference.mth(hashes)


@FAST
@given(data=st.data(), size=st.integers(1, 200), seed=st.integers())
def test_every_inclusion_proof_is_rfc6962_path_and_verifies(
    data: st.DataObject, size: int, seed: int
) -> None:
    hashes = _random_hashes(size, seed)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, size, hashes)
    assert proof == reference.path(index, hashes)
    assert verify_inclusion(index, size, hashes[index], proof, reference.mth(hashes))


@FAST
@given(data=st.data(), size=st.integers(0, 200), seed=st.integers())
def test_every_consistency_proof_is_rfc6962_proof_and_verifies(
    data: st.DataObject, size: int, seed: int
) -> None:
    hashes = _random_hashes(size, seed)
    old_size = data.draw(st.integers(0, size))
    proof = consistency_proof(old_size, size, hashes)
    assert proof == (reference.proof(old_size, hashes) if 0 < old_size < size else [])
    assert verify_consistency(old_size, size, proof, reference.mth(hashes[:old_size]), reference.mth(hashes))


class CountingAccessor(Sequence[bytes]):
    """Stored leaf hashes behind a sequence-like accessor (not a list) that counts the hashes it hands out."""

    def __init__(self, hashes: list[bytes]) -> None:
        self._hashes = hashes
        self.reads = 0

    def __len__(self) -> int:
        return len(self._hashes)

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        value = self._hashes[index]
        self.reads += len(value) if isinstance(index, slice) else 1
        return value


def test_proofs_over_several_chunks_match_the_recursive_definition_with_or_without_chunk_roots() -> None:
    size = 3 * CHUNK_SIZE + 37
    hashes = _random_hashes(size, 7)
    stored = CountingAccessor(hashes)
    known = chunk_roots(stored)
    assert known == [
        reference.mth(hashes[start : start + CHUNK_SIZE]) for start in range(0, size - 37, CHUNK_SIZE)
    ]
    for index in (0, CHUNK_SIZE - 1, CHUNK_SIZE, 2 * CHUNK_SIZE + 5, size - 1):
        expected = reference.path(index, hashes)
        assert inclusion_proof(index, size, stored) == expected
        assert inclusion_proof(index, size, stored, known[:1]) == expected
        stored.reads = 0
        assert inclusion_proof(index, size, stored, known) == expected
        assert stored.reads <= 2 * CHUNK_SIZE, "only the leaf's chunk and the tree's tail are read"
    for old_size in (1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, size - 1):
        expected = reference.proof(old_size, hashes)
        assert consistency_proof(old_size, size, stored) == expected
        stored.reads = 0
        assert consistency_proof(old_size, size, stored, known) == expected
        assert stored.reads <= 2 * CHUNK_SIZE
    assert tree_root(hashes) == reference.mth(hashes)


def test_proofs_read_only_the_leaves_of_the_tree_asked_for() -> None:
    hashes = _random_hashes(12, 3)
    assert inclusion_proof(2, 5, hashes) == reference.path(2, hashes[:5])
    assert consistency_proof(3, 5, hashes) == reference.proof(3, hashes[:5])


@pytest.mark.parametrize(
    ("leaf_index", "tree_size", "available"), [(-1, 3, 3), (3, 3, 3), (0, 4, 3), (0, 0, 0)]
)
def test_inclusion_proof_rejects_impossible_arguments(
    leaf_index: int, tree_size: int, available: int
) -> None:
    with pytest.raises(ValueError, match="leaf_index"):
        inclusion_proof(leaf_index, tree_size, _random_hashes(available, 1))


@pytest.mark.parametrize(("old_size", "new_size", "available"), [(-1, 3, 3), (4, 3, 5), (0, 4, 3)])
def test_consistency_proof_rejects_impossible_arguments(old_size: int, new_size: int, available: int) -> None:
    with pytest.raises(ValueError, match="old_size"):
        consistency_proof(old_size, new_size, _random_hashes(available, 1))


@FAST
@given(size=st.integers(0, 150), seed=st.integers())
def test_compact_range_gives_every_prefix_root(size: int, seed: int) -> None:
    hashes = _random_hashes(size, seed)
    frontier = CompactRange()
    assert frontier.root() == vectors.EMPTY_ROOT
    for count, leaf in enumerate(hashes, start=1):
        frontier.append(leaf)
        assert frontier.size == count
        assert len(frontier.hashes) == count.bit_count()
        assert frontier.root() == reference.mth(hashes[:count])


@FAST
@given(split=st.integers(0, 80), more=st.integers(0, 80), seed=st.integers())
def test_compact_range_resumes_from_its_persisted_state(split: int, more: int, seed: int) -> None:
    hashes = _random_hashes(split + more, seed)
    before = CompactRange()
    for leaf in hashes[:split]:
        before.append(leaf)
    resumed = CompactRange(before.size, before.hashes)
    for leaf in hashes[split:]:
        resumed.append(leaf)
    assert resumed.root() == reference.mth(hashes)


@pytest.mark.parametrize(("size", "count"), [(3, 1), (4, 2), (-1, 0), (0, 1)])
def test_compact_range_rejects_a_state_of_the_wrong_shape(size: int, count: int) -> None:
    with pytest.raises(ValueError, match="hashes"):
        CompactRange(size, _random_hashes(count, 2))


def test_compact_range_rejects_hashes_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        CompactRange(1, [b"short"])


def test_root_from_subtrees_folds_from_the_right() -> None:
    a, b, c = _random_hashes(3, 4)
    assert root_from_subtrees([]) == vectors.EMPTY_ROOT
    assert root_from_subtrees([a]) == a
    assert root_from_subtrees([a, b, c]) == reference.node(a, reference.node(b, c))


@FAST
@given(chunk_bits=st.integers(0, 4), size=st.integers(0, 70), seed=st.integers())
def test_prefix_roots_give_every_prefix_root_chunk_by_chunk(chunk_bits: int, size: int, seed: int) -> None:
    chunk_size = 1 << chunk_bits
    hashes = _random_hashes(size, seed)
    roots = PrefixRoots(chunk_size)
    for start in range(0, size, chunk_size):
        chunk = hashes[start : start + chunk_size]
        roots.add_chunk(chunk)
        for prefix in range(start, start + len(chunk) + 1):
            assert roots.root(prefix) == reference.mth(hashes[:prefix])
    assert roots.size == size


def test_prefix_roots_take_whole_chunks_by_their_root() -> None:
    hashes = _random_hashes(11, 8)
    roots = PrefixRoots(4)
    roots.add_chunk(hashes[:4])
    roots.add_chunk_root(reference.mth(hashes[4:8]))
    assert roots.root(8) == reference.mth(hashes[:8])
    roots.add_chunk(hashes[8:])
    assert [roots.root(size) for size in (8, 9, 11)] == [reference.mth(hashes[:size]) for size in (8, 9, 11)]
    with pytest.raises(ValueError, match="last chunk"):
        roots.add_chunk_root(hashes[0])


def test_prefix_roots_refuse_sizes_outside_the_current_chunk() -> None:
    roots = PrefixRoots(4)
    roots.add_chunk(_random_hashes(4, 5))
    roots.add_chunk(_random_hashes(2, 6))
    with pytest.raises(ValueError, match="outside the current chunk"):
        roots.root(3)
    with pytest.raises(ValueError, match="outside the current chunk"):
        roots.root(7)


def test_prefix_roots_accept_only_a_short_last_chunk() -> None:
    roots = PrefixRoots(4)
    roots.add_chunk(_random_hashes(3, 5))
    with pytest.raises(ValueError, match="last chunk"):
        roots.add_chunk(_random_hashes(1, 6))
    with pytest.raises(ValueError, match="at most 4"):
        PrefixRoots(4).add_chunk(_random_hashes(5, 6))
    with pytest.raises(ValueError, match="power of two"):
        PrefixRoots(6)
