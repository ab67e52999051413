from __future__ import annotations

import ast
import base64
import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.record import proofs as module
from portal.record.canonical import canonical_bytes
from portal.record.merkle import consistency_proof, inclusion_proof, leaf_hashes, tree_root
from portal.record.proofs import (
    EMPTY_ROOT,
    FormatError,
    LogProof,
    Receipt,
    TreeHead,
    ed25519_verify,
    leaf_hash,
    node_hash,
    parse_public_key,
    tree_head_message,
    verify_consistency,
    verify_inclusion,
)
from portal.record.tree_head import public_key_bytes, public_key_hex, public_key_pem, sign_tree_head
from tests.portal.record import rfc6962_reference as reference
from tests.portal.record import vectors

SCRIPT = Path(module.__file__)
KEY = Ed25519PrivateKey.generate()
PUBLIC_KEY = public_key_bytes(KEY.public_key())
VECTOR_HASHES = [reference.leaf(entry) for entry in vectors.LEAVES]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def _flip(value: bytes, position: int = 0, bit: int = 3) -> bytes:
    changed = bytearray(value)
    changed[position] ^= 1 << bit
    return bytes(changed)


# --- hashing and proof verification -----------------------------------------------------------------------


def test_hashes_are_the_rfc6962_ones() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT


def _inclusion_corruptions(
    index: int, size: int, proof: list[bytes]
) -> list[tuple[int, int, bytes, list[bytes]]]:
    """(index, size, root override or b'', proof) variants that must all fail, after the Go reference tests."""
    root = vectors.ROOTS[size - 1]
    variants = [
        (index - 1, size, root, proof),
        (index + 1, size, root, proof),
        (index ^ 2, size, root, proof),
        (index, size * 2, root, proof),
        (index, size // 2, root, proof),
        (index, size, EMPTY_ROOT, proof),
        (index, size, SOME_HASH, proof),
        (index, size, root, [*proof, b""]),
        (index, size, root, [*proof, root]),
        (index, size, root, [b"", *proof]),
        (index, size, root, [root, *proof]),
    ]
    variants += [
        (index, size, root, [*proof[:position], _flip(proof[position]), *proof[position + 1 :]])
        for position in range(len(proof))
    ]
    if proof:
        variants.append((index, size, root, proof[:-1]))
    if len(proof) > 1:
        variants.append((index, size, root, [proof[0], SOME_HASH, *proof[1:]]))
    return variants


@pytest.mark.parametrize(("index", "size", "proof"), vectors.INCLUSION_PROOFS)
def test_known_inclusion_proofs_verify_and_every_corruption_fails(
    index: int, size: int, proof: list[bytes]
) -> None:
    leaf = VECTOR_HASHES[index]
    assert verify_inclusion(index, size, leaf, proof, vectors.ROOTS[size - 1])
    assert not verify_inclusion(index, size, b"WrongLeaf", proof, vectors.ROOTS[size - 1])
    for bad_index, bad_size, root, bad_proof in _inclusion_corruptions(index, size, proof):
        assert not verify_inclusion(bad_index, bad_size, leaf, bad_proof, root), (
            bad_index,
            bad_size,
            bad_proof,
        )


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (1, 1)])
def test_inclusion_outside_the_tree_never_verifies(index: int, size: int) -> None:
    assert not verify_inclusion(index, size, SOME_HASH, [], SOME_HASH)


def test_a_one_leaf_tree_has_its_leaf_as_root() -> None:
    leaf = leaf_hash(b"data")
    assert verify_inclusion(0, 1, leaf, [], leaf)
    assert not verify_inclusion(0, 1, leaf, [], b"")
    assert not verify_inclusion(0, 1, b"", [], leaf)


def _consistency_corruptions(
    first: int, second: int, proof: list[bytes]
) -> list[tuple[int, int, bytes, bytes, list[bytes]]]:
    root1, root2 = vectors.ROOTS[first - 1], vectors.ROOTS[second - 1]
    variants = [
        (first - 1, second, root1, root2, proof),
        (first + 1, second, root1, root2, proof),
        (first ^ 2, second, root1, root2, proof),
        (first, second * 2, root1, root2, proof),
        (first, second // 2, root1, root2, proof),
        (first, second, b"WrongRoot", root2, proof),
        (first, second, root1, b"WrongRoot", proof),
        (first, second, root2, root1, proof),
        (first, second, root1, root2, []),
        (first, second, root1, root2, [*proof, b""]),
        (first, second, root1, root2, [*proof, root1]),
        (first, second, root1, root2, [*proof, root2]),
        (first, second, root1, root2, [b"", *proof]),
        (first, second, root1, root2, [root1, *proof]),
        (first, second, root1, root2, [root2, *proof]),
        (first, second, root1, root2, [proof[0], *proof]),
        (first, second, root1, root2, proof[:-1]),
    ]
    variants += [
        (
            first,
            second,
            root1,
            root2,
            [*proof[:position], _flip(proof[position], bit=4), *proof[position + 1 :]],
        )
        for position in range(len(proof))
    ]
    return variants


@pytest.mark.parametrize(("first", "second", "proof"), vectors.CONSISTENCY_PROOFS)
def test_known_consistency_proofs_verify_and_every_corruption_fails(
    first: int, second: int, proof: list[bytes]
) -> None:
    assert verify_consistency(first, second, proof, vectors.ROOTS[first - 1], vectors.ROOTS[second - 1])
    if not proof:
        return
    for size1, size2, root1, root2, bad_proof in _consistency_corruptions(first, second, proof):
        assert not verify_consistency(size1, size2, bad_proof, root1, root2), (size1, size2, bad_proof)


def test_consistency_edge_cases() -> None:
    root1, root2 = vectors.ROOTS[0], vectors.ROOTS[1]
    assert verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    assert verify_consistency(0, 5, [], EMPTY_ROOT, root2)
    assert not verify_consistency(0, 5, [], root1, root2), "the empty tree's root is fixed"
    assert not verify_consistency(0, 5, [EMPTY_ROOT], EMPTY_ROOT, root2)
    assert verify_consistency(1, 1, [], root1, root1)
    assert not verify_consistency(1, 1, [], root1, root2)
    assert not verify_consistency(1, 1, [root1], root1, root1)
    assert not verify_consistency(2, 1, [], root1, root2), "time does not run backwards"
    assert not verify_consistency(1, 2, [], root1, root2)
    assert not verify_consistency(0, 0, [], EMPTY_ROOT, root2), "a tree of size 0 has the empty root"


SMALL_ORDER_KEYS = [
    "0100000000000000000000000000000000000000000000000000000000000000",  # the identity (order 1)
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # (0, -1), order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
    "0000000000000000000000000000000000000000000000000000000000000080",  # order 4
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
]
BASE_POINT = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")


def test_small_order_public_keys_are_refused_as_libsodium_does() -> None:
    # Under the identity key, R = B and s = 1 "sign" every message: s·B = R + k·A for any k.
    forged = BASE_POINT + (1).to_bytes(32, "little")
    identity = bytes.fromhex(SMALL_ORDER_KEYS[0])
    assert not ed25519_verify(identity, b"any tree head at all", forged)
    for key in SMALL_ORDER_KEYS:
        assert not ed25519_verify(bytes.fromhex(key), b"message", forged), key
    # Non-canonical encodings: y >= p, and x = 0 with the sign bit set.
    for key in ((2**255 - 19 + 1).to_bytes(32, "little"), bytes.fromhex(SMALL_ORDER_KEYS[0][:-2] + "80")):
        assert not ed25519_verify(key, b"message", forged)


# --- Ed25519 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("secret", "public", "message", "signature"), vectors.ED25519)
def test_rfc8032_vectors_verify(secret: str, public: str, message: str, signature: str) -> None:
    key, text, signed = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
    assert Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret)).sign(text) == signed
    assert ed25519_verify(key, text, signed)
    assert not ed25519_verify(key, text + b"!", signed)
    assert not ed25519_verify(_flip(key, 1), text, signed)
    for position in (0, 31, 32, 63):
        assert not ed25519_verify(key, text, _flip(signed, position, bit=0))


@settings(max_examples=15, deadline=None)
@given(message=st.binary(max_size=300))
def test_signatures_from_cryptography_verify(message: bytes) -> None:
    signature = KEY.sign(message)
    assert ed25519_verify(PUBLIC_KEY, message, signature)
    assert not ed25519_verify(PUBLIC_KEY, message + b"\x00", signature)


def test_malformed_signatures_and_keys_are_rejected_not_raised() -> None:
    message = b"tree head"
    signature = KEY.sign(message)
    order = 2**252 + 27742317777372353535851937790883648493
    s = int.from_bytes(signature[32:], "little")
    assert not ed25519_verify(PUBLIC_KEY, message, signature[:32] + (s + order).to_bytes(32, "little"))
    assert not ed25519_verify(PUBLIC_KEY, message, signature[:63])
    assert not ed25519_verify(PUBLIC_KEY[:31], message, signature)
    not_a_point = (2**255 - 19).to_bytes(32, "little")  # y = p is out of range
    assert not ed25519_verify(not_a_point, message, signature)
    assert not ed25519_verify(PUBLIC_KEY, message, not_a_point + signature[32:])


# --- tree heads and keys ----------------------------------------------------------------------------------


def test_the_signed_bytes_are_exactly_as_documented() -> None:
    root = bytes(range(32))
    assert tree_head_message(42, root, "2025-03-14T09:26:53Z") == (
        b"fire-alarm-tree-head-v1\n42\n" + root.hex().encode() + b"\n2025-03-14T09:26:53Z\n"
    )


@pytest.mark.parametrize(
    "timestamp",
    [
        "2025-03-14 09:26:53Z",
        "2025-03-14T09:26:53",
        "2025-03-14T09:26:53+00:00",
        "2025-02-30T00:00:00Z",
        "x\n1",
        "٢٠٢٥-03-14T09:26:53Z",  # Arabic-Indic digits are digits to Unicode, not to the signed ASCII
    ],
)
def test_tree_heads_need_a_utc_iso8601_timestamp(timestamp: str) -> None:
    with pytest.raises(FormatError, match="timestamp"):
        tree_head_message(1, SOME_HASH, timestamp)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"size": -1}, "size"),
        ({"size": True}, "size"),
        ({"root_hash": b"short"}, "root_hash"),
        ({"signature": b"\x00" * 63}, "signature"),
    ],
)
def test_tree_heads_validate_their_fields(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "size": 1,
        "root_hash": SOME_HASH,
        "timestamp": "2025-03-14T09:26:53.123456Z",
        "signature": b"\x00" * 64,
    }
    with pytest.raises(FormatError, match=message):
        TreeHead(**{**fields, **changes})  # type: ignore[arg-type]


def test_tree_heads_round_trip_through_json_and_verify_in_pure_python() -> None:
    head = sign_tree_head(KEY, 8, vectors.ROOTS[7], "2025-03-14T09:26:53Z")
    decoded = TreeHead.from_json(json.loads(json.dumps(head.to_json())))
    assert decoded == head
    assert decoded.signature_is_valid(PUBLIC_KEY)
    assert not replace(decoded, size=7).signature_is_valid(PUBLIC_KEY)
    assert not replace(decoded, timestamp="2025-03-14T09:26:54Z").signature_is_valid(PUBLIC_KEY)
    assert not replace(decoded, root_hash=vectors.ROOTS[6]).signature_is_valid(PUBLIC_KEY)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        (
            {"size": 1, "root_hash": "00", "timestamp": "2025-03-14T09:26:53Z", "signature": "00" * 64},
            "root_hash",
        ),
        (
            {
                "size": "1",
                "root_hash": "00" * 32,
                "timestamp": "2025-03-14T09:26:53Z",
                "signature": "00" * 64,
            },
            "size",
        ),
        ({"size": 1, "root_hash": "00" * 32, "signature": "00" * 64}, "timestamp"),
    ],
)
def test_malformed_head_json_is_a_format_error(data: object, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        TreeHead.from_json(data)


def test_public_keys_parse_from_hex_base64_and_pem() -> None:
    public = KEY.public_key()
    assert parse_public_key(public_key_hex(public)) == PUBLIC_KEY
    assert parse_public_key(public_key_hex(public).upper()) == PUBLIC_KEY
    assert parse_public_key(base64.b64encode(PUBLIC_KEY).decode()) == PUBLIC_KEY
    assert parse_public_key(public_key_pem(public)) == PUBLIC_KEY
    for bad in ("00" * 31, "not a key!", base64.b64encode(b"\x00" * 31).decode()):
        with pytest.raises(FormatError):
            parse_public_key(bad)
    rsa_like = (
        "-----BEGIN PUBLIC KEY-----\n"
        + base64.b64encode(b"\x30" * 44).decode()
        + "\n-----END PUBLIC KEY-----"
    )
    with pytest.raises(FormatError, match="Ed25519"):
        parse_public_key(rsa_like)


# --- receipts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A signed record, a receipt issued when it held ``receipt_size`` entries, and today's head and proof."""

    entries: list[bytes]
    receipt: Receipt
    head: TreeHead
    proof: LogProof


def _entries(count: int) -> list[bytes]:
    return [
        canonical_bytes(
            {"seq": number, "kind": "received", "complaint": f"FA-TEST-{number:04d}", "note": "已受理"}
        )
        for number in range(count)
    ]


def _scenario(index: int = 5, receipt_size: int = 7, size: int = 13) -> Scenario:
    entries = _entries(size)
    hashes = leaf_hashes(entries)
    then = sign_tree_head(KEY, receipt_size, tree_root(hashes[:receipt_size]), "2025-03-14T09:00:00Z")
    now = sign_tree_head(KEY, size, tree_root(hashes), "2025-03-15T09:00:00Z")
    receipt = Receipt(
        leaf_index=index,
        entry=entries[index].decode("utf-8"),
        leaf_hash=hashes[index],
        tree_head=then,
        inclusion_proof=tuple(inclusion_proof(index, receipt_size, hashes)),
    )
    proof = LogProof(
        leaf_index=index,
        tree_size=size,
        inclusion_proof=tuple(inclusion_proof(index, size, hashes)),
        consistency_from_size=receipt_size,
        consistency_proof=tuple(consistency_proof(receipt_size, size, hashes)),
    )
    return Scenario(entries, receipt, now, proof)


def test_a_genuine_receipt_verifies_on_its_own_and_against_todays_head() -> None:
    scenario = _scenario()
    alone = module.verify_receipt(scenario.receipt, PUBLIC_KEY)
    assert alone.ok
    assert not alone.against_published_head
    published = module.verify_receipt(scenario.receipt, PUBLIC_KEY, scenario.head, scenario.proof)
    assert published.ok, published.reason
    assert published.against_published_head
    assert [check.name for check in published.checks] == [
        "entry",
        "receipt head signature",
        "receipt head covers entry",
        "receipt inclusion",
        "published head signature",
        "proof matches head",
        "inclusion",
        "published head is newer",
        "consistency proof present",
        "consistency",
    ]


def test_a_receipt_with_only_a_leaf_hash_verifies_against_todays_head() -> None:
    scenario = _scenario()
    bare = Receipt(leaf_index=5, leaf_hash=scenario.receipt.leaf_hash)
    assert module.verify_receipt(
        bare, PUBLIC_KEY, scenario.head, replace(scenario.proof, consistency_proof=())
    ).ok
    assert module.verify_receipt(bare, PUBLIC_KEY).reason == (
        "the receipt carries no inclusion proof: fetch the proof from the portal"
    )


def _rewritten_history() -> tuple[TreeHead, LogProof]:
    """Today's head and proofs after entry #2 was rewritten, re-signed with the real key."""
    entries = _entries(13)
    entries[2] = entries[2].replace(b"received", b"rejected")
    hashes = leaf_hashes(entries)
    head = sign_tree_head(KEY, 13, tree_root(hashes), "2025-03-15T09:00:00Z")
    proof = LogProof(5, 13, tuple(inclusion_proof(5, 13, hashes)), 7, tuple(consistency_proof(7, 13, hashes)))
    return head, proof


TAMPERINGS: dict[str, tuple[Callable[[Scenario], tuple[Receipt, TreeHead, LogProof]], str]] = {
    "edited entry": (
        lambda s: (
            replace(s.receipt, entry=s.receipt.entry.replace("received", "resolved")),
            s.head,
            s.proof,
        ),
        "does not hash to the receipt's leaf hash",
    ),
    "edited entry without leaf hash": (
        lambda s: (
            replace(s.receipt, entry=s.receipt.entry.replace("received", "resolved"), leaf_hash=None),
            s.head,
            s.proof,
        ),
        "does not lead from entry #5",
    ),
    "forged receipt head": (
        lambda s: (replace(s.receipt, tree_head=replace(s.receipt.tree_head, size=8)), s.head, s.proof),
        "receipt's head (8 entries) is not signed",
    ),
    "forged published head": (
        lambda s: (s.receipt, replace(s.head, signature=_flip(s.head.signature)), s.proof),
        "published head (13 entries, 2025-03-15T09:00:00Z) is not signed",
    ),
    "proof for another entry": (
        lambda s: (s.receipt, s.head, replace(s.proof, leaf_index=6)),
        "proof file is for entry #6",
    ),
    "altered audit path": (
        lambda s: (
            s.receipt,
            s.head,
            replace(
                s.proof, inclusion_proof=(_flip(s.proof.inclusion_proof[0]), *s.proof.inclusion_proof[1:])
            ),
        ),
        "not in the published record",
    ),
    "rewritten history": (
        lambda s: (s.receipt, *_rewritten_history()),
        "the published record does not extend the 7 entries",
    ),
    "missing consistency proof": (
        lambda s: (s.receipt, s.head, replace(s.proof, consistency_from_size=None)),
        "no consistency proof from the receipt's head",
    ),
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_tampering_fails_with_a_precise_reason(tampering: str) -> None:
    change, reason = TAMPERINGS[tampering]
    receipt, head, proof = change(_scenario())
    result = module.verify_receipt(receipt, PUBLIC_KEY, head, proof)
    assert not result.ok
    assert reason in (result.reason or "")


def test_a_receipt_checked_against_another_key_fails() -> None:
    scenario = _scenario()
    other = public_key_bytes(Ed25519PrivateKey.generate().public_key())
    assert "not signed by the key" in (module.verify_receipt(scenario.receipt, other).reason or "")


def test_receipts_and_proofs_round_trip_through_json() -> None:
    scenario = _scenario()
    assert Receipt.from_json(json.loads(json.dumps(scenario.receipt.to_json()))) == scenario.receipt
    assert LogProof.from_json(json.loads(json.dumps(scenario.proof.to_json()))) == scenario.proof
    bare = Receipt(leaf_index=0, leaf_hash=SOME_HASH)
    assert Receipt.from_json(bare.to_json()) == bare


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "fire-alarm-receipt-v2", "leaf_index": 0, "leaf_hash": "00" * 32}, "format"),
        ({"format": "fire-alarm-receipt-v1", "leaf_index": -1, "leaf_hash": "00" * 32}, "leaf_index"),
        ({"format": "fire-alarm-receipt-v1", "leaf_index": 0}, "entry or its leaf_hash"),
        (
            {"format": "fire-alarm-receipt-v1", "leaf_index": 0, "entry": "{}", "inclusion_proof": []},
            "tree_head",
        ),
        ({"format": "fire-alarm-receipt-v1", "leaf_index": 0, "leaf_hash": "zz" * 32}, "hex digits"),
    ],
)
def test_malformed_receipts_are_format_errors(data: object, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        Receipt.from_json(data)


def test_malformed_proofs_are_format_errors() -> None:
    with pytest.raises(FormatError, match="list of hashes"):
        LogProof.from_json(
            {"format": "fire-alarm-proof-v1", "leaf_index": 0, "tree_size": 1, "inclusion_proof": "00"}
        )


# --- the stand-alone script -------------------------------------------------------------------------------


def test_the_script_imports_only_the_standard_library() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported - {"__future__"} <= sys.stdlib_module_names


def _write(folder: Path, scenario: Scenario) -> dict[str, Path]:
    files = {
        "receipt": (folder / "receipt.json", scenario.receipt.to_json()),
        "head": (folder / "head.json", scenario.head.to_json()),
        "proof": (folder / "proof.json", scenario.proof.to_json()),
    }
    for path, data in files.values():
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    key_file = folder / "record.pub"
    key_file.write_text(public_key_pem(KEY.public_key()), encoding="ascii")
    return {name: path for name, (path, _) in files.items()} | {"key": key_file}


def _run(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a downloaded copy of the script with no site-packages at all, as a citizen would."""
    copy = folder / "verify_receipt.py"
    if not copy.exists():
        shutil.copy(SCRIPT, copy)
    return subprocess.run(
        [sys.executable, "-I", "-S", str(copy), *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=folder,
        timeout=60,
        check=False,
    )


def test_the_script_accepts_a_genuine_receipt(tmp_path: Path) -> None:
    files = _write(tmp_path, _scenario())
    result = _run(
        tmp_path,
        "--receipt", str(files["receipt"]),
        "--proof", str(files["proof"]),
        "--head", str(files["head"]),
        "--public-key", str(files["key"]),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: entry #5 is in the published, signed Fire Alarm record.")

    alone = _run(
        tmp_path, "--receipt", str(files["receipt"]), "--public-key", public_key_hex(KEY.public_key())
    )
    assert alone.returncode == 0, alone.stdout + alone.stderr


def test_the_script_rejects_a_tampered_receipt_and_says_why(tmp_path: Path) -> None:
    files = _write(tmp_path, _scenario())
    receipt = json.loads(files["receipt"].read_text(encoding="utf-8"))
    receipt["entry"] = receipt["entry"].replace("received", "resolved")
    files["receipt"].write_text(json.dumps(receipt, ensure_ascii=False), encoding="utf-8")
    arguments = [
        "--receipt",
        str(files["receipt"]),
        "--proof",
        str(files["proof"]),
        "--head",
        str(files["head"]),
    ]

    text = _run(tmp_path, *arguments, "--public-key", str(files["key"]))
    assert text.returncode == 1
    assert text.stdout.startswith("FAILED: the entry text does not hash to the receipt's leaf hash")

    report = _run(tmp_path, *arguments, "--public-key", base64.b64encode(PUBLIC_KEY).decode(), "--json")
    assert report.returncode == 1
    parsed = json.loads(report.stdout)
    assert parsed["ok"] is False
    assert parsed["checks"][-1] == {"name": "entry", "ok": False, "detail": parsed["reason"]}


def test_the_script_rejects_a_rewritten_history(tmp_path: Path) -> None:
    scenario = _scenario()
    head, proof = _rewritten_history()
    files = _write(tmp_path, replace(scenario, head=head, proof=proof))
    result = _run(
        tmp_path,
        "--receipt", str(files["receipt"]),
        "--proof", str(files["proof"]),
        "--head", str(files["head"]),
        "--public-key", str(files["key"]),
        "--json",
    )  # fmt: skip
    assert result.returncode == 1
    assert json.loads(result.stdout)["checks"][-1]["name"] == "consistency"


def test_the_script_reports_unreadable_input_with_status_2(tmp_path: Path) -> None:
    files = _write(tmp_path, _scenario())
    files["head"].write_text("{not json", encoding="utf-8")
    arguments = [
        "--receipt",
        str(files["receipt"]),
        "--proof",
        str(files["proof"]),
        "--head",
        str(files["head"]),
    ]
    result = _run(tmp_path, *arguments, "--public-key", str(files["key"]))
    assert result.returncode == 2
    assert "is not valid JSON" in result.stderr
    assert _run(tmp_path, "--receipt", str(files["receipt"]), "--public-key", "00").returncode == 2
    without_proof = _run(tmp_path, *arguments[:2], *arguments[4:], "--public-key", str(files["key"]))
    assert without_proof.returncode == 2
    assert "--head and --proof go together" in without_proof.stderr
