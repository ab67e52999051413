from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.record.canonical import canonical_bytes
from portal.record.log_verification import verify_log
from portal.record.merkle import CHUNK_SIZE, consistency_proof, inclusion_proof, leaf_hashes, tree_root
from portal.record.proofs import verify_consistency, verify_inclusion
from portal.record.tree_head import TreeHead, sign_tree_head

KEY = Ed25519PrivateKey.generate()
PUBLIC_KEY = KEY.public_key()
PROPERTY = settings(max_examples=40, deadline=None)


def _entries(count: int) -> list[bytes]:
    return [
        canonical_bytes({"seq": number, "kind": "received", "complaint": f"FA-TEST-{number:04d}"})
        for number in range(count)
    ]


def _heads(entries: list[bytes], sizes: list[int]) -> list[TreeHead]:
    hashes = leaf_hashes(entries)
    return [
        sign_tree_head(KEY, size, tree_root(hashes[:size]), f"2025-03-14T09:{number % 60:02d}:00Z")
        for number, size in enumerate(sizes)
    ]


@dataclass(frozen=True)
class Tampering:
    """A log with signed heads, and a copy altered at ``first_change`` (all earlier entries are unchanged)."""

    kind: str
    original: list[bytes]
    heads: list[TreeHead]
    tampered: list[bytes]
    first_change: int

    def first_head_covering_the_change(self) -> int:
        covering = [number for number, head in enumerate(self.heads) if head.size > self.first_change]
        return min(covering, key=lambda number: self.heads[number].size)


FORGED = canonical_bytes({"seq": -1, "kind": "resolved", "complaint": "FA-FAKE-0000"})


@st.composite
def tamperings(draw: st.DrawFn) -> Tampering:
    size = draw(st.integers(2, 40))
    original = _entries(size)
    head_sizes = sorted(draw(st.sets(st.integers(0, size), max_size=5)) | {size})
    heads = _heads(original, draw(st.permutations(head_sizes)))
    kind = draw(st.sampled_from(["edit", "delete", "insert", "reorder"]))
    tampered = list(original)
    index = draw(st.integers(0, size - 1))
    if kind == "edit":
        tampered[index] = tampered[index].replace(b"received", b"rejected")
    elif kind == "delete":
        del tampered[index]
    elif kind == "insert":
        # Before an existing entry: adding after the newest head is an ordinary append, not tampering.
        tampered.insert(index, FORGED)
    else:
        index = draw(st.integers(0, size - 2))
        other = draw(st.integers(index + 1, size - 1))
        tampered[index], tampered[other] = tampered[other], tampered[index]
    return Tampering(kind, original, heads, tampered, index)


def test_an_intact_log_verifies() -> None:
    entries = _entries(50)
    heads = _heads(entries, [0, 7, 32, 33, 50])
    for stored in (leaf_hashes(entries), None):
        result = verify_log(entries, stored, heads, PUBLIC_KEY)
        assert result.ok, result.reason
        assert (result.entries_read, result.verified_size, result.heads_checked) == (50, 50, 5)
        assert result.latest_head == heads[-1]
        assert result.first_bad_entry is None
        assert result.first_bad_head is None
        assert result.summary().startswith(
            "OK: 50 entries; 5 signed heads check out; latest head: 50 entries"
        )


def test_a_log_without_heads_is_checked_against_its_stored_hashes_only() -> None:
    entries = _entries(5)
    result = verify_log(entries, leaf_hashes(entries), [], PUBLIC_KEY)
    assert result.ok
    assert result.verified_size == 0
    assert result.summary() == "OK: 5 entries match their stored hashes; no signed head yet"
    assert verify_log([], [], [], PUBLIC_KEY).ok


@PROPERTY
@given(case=tamperings())
def test_tampering_is_caught_at_the_entry_when_the_stored_hashes_are_intact(case: Tampering) -> None:
    result = verify_log(case.tampered, leaf_hashes(case.original), case.heads, PUBLIC_KEY)
    assert not result.ok
    assert result.first_bad_entry == case.first_change
    assert result.first_bad_head is None
    assert f"#{case.first_change}" in result.reason


@PROPERTY
@given(case=tamperings(), recompute_hashes=st.booleans())
def test_tampering_is_caught_by_the_first_signed_head_covering_it(
    case: Tampering, recompute_hashes: bool
) -> None:
    """The attacker rewrote the stored leaf hashes too (or the audit has none): the signatures still tell."""
    stored = leaf_hashes(case.tampered) if recompute_hashes else None
    result = verify_log(case.tampered, stored, case.heads, PUBLIC_KEY)
    assert not result.ok
    assert result.first_bad_entry is None
    assert result.first_bad_head == case.first_head_covering_the_change()
    assert result.verified_size <= case.first_change


@PROPERTY
@given(case=tamperings())
def test_after_tampering_no_proof_links_the_signed_past_to_the_new_record(case: Tampering) -> None:
    head = case.heads[case.first_head_covering_the_change()]
    original_hashes, new_hashes = leaf_hashes(case.original), leaf_hashes(case.tampered)
    index, receipt_leaf = case.first_change, original_hashes[case.first_change]
    receipt_path = inclusion_proof(index, head.size, original_hashes)
    assert verify_inclusion(index, head.size, receipt_leaf, receipt_path, head.root_hash)

    new_size = len(case.tampered)
    new_root = tree_root(new_hashes)
    if index < new_size:  # else the last entry was deleted and no proof can even name its position
        new_path = inclusion_proof(index, new_size, new_hashes)
        assert not verify_inclusion(index, new_size, receipt_leaf, new_path, new_root)
    if new_size >= head.size:
        old_root_now = tree_root(new_hashes[: head.size])
        assert not verify_inclusion(index, head.size, receipt_leaf, receipt_path, old_root_now)
        proof = consistency_proof(head.size, new_size, new_hashes)
        assert not verify_consistency(head.size, new_size, proof, head.root_hash, new_root)
    else:
        assert case.kind == "delete", "only a deletion can leave fewer entries than a signed head holds"


def test_a_forged_signature_is_reported_as_the_bad_head() -> None:
    entries = _entries(20)
    heads = _heads(entries, [5, 10, 20])
    forged = replace(heads[1], signature=bytes(64))
    result = verify_log(entries, leaf_hashes(entries), [heads[0], forged, heads[2]], PUBLIC_KEY)
    assert not result.ok
    assert result.first_bad_head == 1
    assert result.reason == "tree head #1 (10 entries, 2025-03-14T09:01:00Z) has an invalid signature"
    assert result.verified_size == 5


def test_heads_signed_with_another_key_are_refused() -> None:
    entries = _entries(3)
    heads = _heads(entries, [3])
    result = verify_log(entries, None, heads, Ed25519PrivateKey.generate().public_key())
    assert result.first_bad_head == 0
    assert "invalid signature" in result.reason


def test_heads_are_checked_in_size_order_and_reported_by_their_position() -> None:
    entries = _entries(12)
    heads = _heads(entries, [10, 3, 7, 3])
    entries[5] = FORGED
    result = verify_log(entries, None, heads, PUBLIC_KEY)
    assert result.first_bad_head == 2
    assert result.heads_checked == 2
    assert "among entries #3..#6" in result.reason


def test_a_truncated_log_is_caught_by_a_head_beyond_its_end() -> None:
    entries = _entries(10)
    heads = _heads(entries, [4, 10])
    result = verify_log(entries[:8], leaf_hashes(entries[:8]), heads, PUBLIC_KEY)
    assert result.first_bad_head == 1
    assert result.reason == (
        "tree head #1 is signed for 10 entries but the log holds only 8: entries were deleted from the end"
    )


def test_missing_and_extra_stored_hashes_are_reported() -> None:
    entries = _entries(6)
    stored = leaf_hashes(entries)
    missing = verify_log(entries, stored[:4], [], PUBLIC_KEY)
    assert missing.first_bad_entry == 4
    assert "entry #4 has no stored leaf hash" in missing.reason
    extra = verify_log(entries[:5], stored, [], PUBLIC_KEY)
    assert extra.first_bad_entry == 5
    assert "the log ends before it" in extra.reason


def test_a_head_of_the_empty_log_must_have_the_empty_root() -> None:
    entries = _entries(2)
    assert verify_log(entries, None, _heads(entries, [0]), PUBLIC_KEY).ok
    wrong = sign_tree_head(KEY, 0, leaf_hashes(entries)[0], "2025-03-14T09:00:00Z")
    assert verify_log(entries, None, [wrong], PUBLIC_KEY).first_bad_head == 0


def test_faults_across_chunk_boundaries_are_located_exactly() -> None:
    entries = [b"entry %d" % number for number in range(2 * CHUNK_SIZE)]
    stored = leaf_hashes(entries)
    heads = _heads(entries, [CHUNK_SIZE, CHUNK_SIZE + 3, 2 * CHUNK_SIZE])
    assert verify_log(entries, stored, heads, PUBLIC_KEY).ok

    edited = list(entries)
    edited[CHUNK_SIZE + 3] = b"edited"
    at_entry = verify_log(edited, stored, heads, PUBLIC_KEY)
    assert at_entry.first_bad_entry == CHUNK_SIZE + 3
    assert at_entry.verified_size == CHUNK_SIZE + 3, "heads before the fault are checked first"
    at_head = verify_log(edited, leaf_hashes(edited), heads, PUBLIC_KEY)
    assert at_head.first_bad_head == 2

    extra = verify_log(entries[:-1], stored, heads[:2], PUBLIC_KEY)
    assert extra.first_bad_entry == 2 * CHUNK_SIZE - 1
    appended = verify_log([*entries, b"new"], [*stored, leaf_hashes([b"new"])[0]], heads, PUBLIC_KEY)
    assert appended.ok
    assert (appended.entries_read, appended.verified_size) == (2 * CHUNK_SIZE + 1, 2 * CHUNK_SIZE)
    assert verify_log(entries, [*stored, stored[0]], heads, PUBLIC_KEY).first_bad_entry == 2 * CHUNK_SIZE


@pytest.mark.parametrize("stored", ["intact", "none"])
def test_entries_can_be_streamed_from_a_generator(stored: str) -> None:
    entries = _entries(30)
    heads = _heads(entries, [30])
    hashes = iter(leaf_hashes(entries)) if stored == "intact" else None
    assert verify_log((entry for entry in entries), hashes, heads, PUBLIC_KEY).ok
