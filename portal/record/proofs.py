"""Check a Fire Alarm receipt against the public record, using only the Python standard library.

Anyone can download this one file and run it (Python 3.8 or later, nothing to install) with the receipt file
saved from the receipt page::

    python3 verify_receipt.py receipt.json

It fetches the current signed tree head and the proofs for the entry from the portal the receipt names, then
checks that the entry is in the record at its position, that the tree heads are signed by the record's key
(the one in the receipt file, or --public-key), that the record published today extends the record the receipt
was issued from (nothing was removed or rewritten since), that the text as filed (kept in the receipt file) is
the text the record fingerprinted, and that the text the portal shows now is that text, less personal details
it hid. It answers in the language the complaint was filed in (--lang zh or --lang en to choose). Offline::

    python3 verify_receipt.py receipt.json --offline --proof-file proof.json --status-file status.json

with proof.json saved from /api/v1/ledger/proof/CODE?from=SIZE and status.json from /api/v1/complaints/CODE.
The older split form still works::

    python3 verify_receipt.py --receipt receipt.json --proof proof.json --head head.json --public-key KEY [--json]

Exit status: 0 when every check passes, 1 when one fails (the output names it), 2 when the input cannot be
read or the portal cannot be reached.

It is also a monitor of the whole record, which anyone can run (by hand, or from cron)::

    python3 verify_receipt.py --monitor https://PORTAL/record/ --vkey VKEY --state monitor-state.json

VKEY is the log's verifier key as the /ledger page shows it (``<name>+<key ID>+<base64>``, C2SP signed-note).
Each run fetches the checkpoint (C2SP tlog-checkpoint), checks its signature, fetches the entry bundles and
hash tiles added since the last run (C2SP tlog-tiles), recomputes every leaf hash, tile and the root from the
entries, and checks the tree extends the one checked before. A rollback, a fork or a rewrite is exit status 1
with both signed checkpoints printed (and kept in the state file, whose good checkpoint is never replaced).
``--interval SECONDS`` checks again and again, ``--json`` prints a report, ``--lang zh|en`` chooses the language.

KEY is the record's Ed25519 public key as 64 hex digits, as 44 characters of base64, or the path of a file
holding either or a PEM ``PUBLIC KEY`` block.

The record is a Merkle tree as in RFC 6962 §2.1 (SHA-256; leaf hash = SHA-256(0x00 || entry bytes), node
hash = SHA-256(0x01 || left || right)); proofs are checked with the algorithms of RFC 9162 §2.1.3.2 and
§2.1.4.2. Hashes, signatures and proof elements are lowercase hex in every file.

``head.json``, a signed tree head::

    {"size": 1024, "root_hash": "<64 hex>", "timestamp": "2025-03-14T09:26:53Z", "signature": "<128 hex>"}

The signature is Ed25519 (RFC 8032) over these exact ASCII bytes, each line ending in a line feed::

    fire-alarm-tree-head-v1
    <size in decimal>
    <root_hash in lowercase hex>
    <timestamp exactly as in the JSON>

``receipt.json``, given to the complainant when an event is recorded::

    {
      "format": "fire-alarm-receipt-v1",
      "leaf_index": 41,                      # position of the entry in the record, from 0
      "entry": "<canonical JSON text>",      # the entry; its UTF-8 bytes are what leaf_hash covers
      "leaf_hash": "<64 hex>",               # optional when "entry" is given; must match it when both are
      "tree_head": {head},                   # optional: a signed head covering the entry (size > leaf_index)
      "inclusion_proof": ["<64 hex>", ...],  # optional: audit path of leaf_index under "tree_head"
      # The receipt page's download adds what the one-step check needs:
      "tracking_code": "FA-...", "portal": "https://...", "public_key": "<64 hex>", "language": "zh",
      "content_salt": "<hex>",               # with the text, recomputes the entry's payload.content_sha256
      "filed_text": {"title": "...", "body": "..."}
    }

``proof.json``, fetched from the portal for a published head::

    {
      "format": "fire-alarm-proof-v1",
      "leaf_index": 41,
      "tree_size": 1024,                      # must equal the size of head.json
      "inclusion_proof": ["<64 hex>", ...],   # audit path of leaf_index under head.json
      "consistency_from_size": 42,            # the receipt head's size; null or absent without one
      "consistency_proof": ["<64 hex>", ...]  # from the receipt head to head.json
    }

The portal's own code imports the hashing, proof verification and tree-head format from this module, so the
check you run is the same code the portal runs.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
TREE_HEAD_DOMAIN = b"fire-alarm-tree-head-v1"
RECEIPT_FORMAT = "fire-alarm-receipt-v1"
PROOF_FORMAT = "fire-alarm-proof-v1"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

# Second precision or up to microseconds, always UTC with a literal Z: one spelling per instant keeps the
# signed bytes reproducible from the JSON.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z", re.ASCII)


class FormatError(ValueError):
    """A head, receipt, proof or key that is not well formed (as opposed to one that fails verification)."""


# --- RFC 6962 §2.1 hashing -------------------------------------------------------------------------------


# SHA-256 states already fed the one-byte domain prefix: copying one is cheaper than starting a new hash (with
# OpenSSL 3 a new hash object looks its algorithm up again) and spares concatenating the prefix.
LEAF_PREFIX_STATE = hashlib.sha256(b"\x00")
NODE_PREFIX_STATE = hashlib.sha256(b"\x01")


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry)."""
    state = LEAF_PREFIX_STATE.copy()
    state.update(entry)
    return state.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    state = NODE_PREFIX_STATE.copy()
    state.update(left)
    state.update(right)
    return state.digest()


def _are_hashes(*values: object) -> bool:
    return all(isinstance(value, bytes) and len(value) == HASH_SIZE for value in values)


# --- RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification ----------------------------------------------------


def verify_inclusion(
    leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """Whether ``proof`` (an RFC 6962 audit path) shows ``leaf_hash`` at ``leaf_index`` in the tree."""
    if not 0 <= leaf_index < tree_size or not _are_hashes(leaf_hash, root_hash, *proof):
        return False
    index, last, computed = leaf_index, tree_size - 1, leaf_hash
    for sibling in proof:
        if last == 0:
            return False
        if index & 1 or index == last:
            computed = node_hash(sibling, computed)
            # A rightmost node without a sibling is promoted unchanged: skip the levels it climbs alone.
            while index and not index & 1:
                index >>= 1
                last >>= 1
        else:
            computed = node_hash(computed, sibling)
        index >>= 1
        last >>= 1
    return last == 0 and computed == root_hash


def verify_consistency(
    first_size: int, second_size: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """Whether ``proof`` (an RFC 6962 consistency proof) shows the first tree is a prefix of the second."""
    if not 0 <= first_size <= second_size or not _are_hashes(first_root, second_root, *proof):
        return False
    if first_size == 0:
        # The empty tree is a prefix of every tree; a second tree of size 0 is the empty tree too.
        return not proof and first_root == EMPTY_ROOT and (second_size > 0 or second_root == EMPTY_ROOT)
    if first_size == second_size:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first_size & (first_size - 1) == 0:
        # The old tree is a perfect subtree of the new one, so the proof leaves out its root.
        path.insert(0, first_root)
    index, last = first_size - 1, second_size - 1
    while index & 1:
        index >>= 1
        last >>= 1
    first_computed = second_computed = path[0]
    for sibling in path[1:]:
        if last == 0:
            return False
        if index & 1 or index == last:
            first_computed = node_hash(sibling, first_computed)
            second_computed = node_hash(sibling, second_computed)
            while index and not index & 1:
                index >>= 1
                last >>= 1
        else:
            second_computed = node_hash(second_computed, sibling)
        index >>= 1
        last >>= 1
    return last == 0 and first_computed == first_root and second_computed == second_root


# --- RFC 8032 Ed25519 verification --------------------------------------------------------------------------
# Verification only, in extended twisted Edwards coordinates (RFC 8032 §5.1.4, §5.1.7; the structure follows
# the illustration in §6). It handles public data only, so constant time does not matter here.

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

if TYPE_CHECKING:  # a runtime alias would need Python 3.9; the verifier runs on 3.8
    _Point = tuple[int, int, int, int]


def _point_add(first: _Point, second: _Point) -> _Point:
    x1, y1, z1, t1 = first
    x2, y2, z2, t2 = second
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _point_multiply(scalar: int, point: _Point) -> _Point:
    result: _Point = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _point_add(result, point)
        point = _point_add(point, point)
        scalar >>= 1
    return result


def _points_equal(first: _Point, second: _Point) -> bool:
    x1, y1, z1, _ = first
    x2, y2, z2, _ = second
    return (x1 * z2 - x2 * z1) % _P == 0 and (y1 * z2 - y2 * z1) % _P == 0


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x_squared = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x_squared == 0:
        return None if sign else 0
    x = pow(x_squared, (_P + 3) // 8, _P)
    if (x * x - x_squared) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x_squared) % _P:
        return None
    return _P - x if x & 1 != sign else x


def _decode_point(encoded: bytes) -> _Point | None:
    value = int.from_bytes(encoded, "little")
    y = value & ((1 << 255) - 1)
    x = _recover_x(y, value >> 255)
    return None if x is None else (x, y, 1, x * y % _P)


def _base_point() -> _Point:
    y = 4 * pow(5, _P - 2, _P) % _P
    x = _recover_x(y, 0)
    if x is None:
        raise ArithmeticError("the Ed25519 base point does not decode")
    return x, y, 1, x * y % _P


_BASE = _base_point()


_IDENTITY: _Point = (0, 1, 1, 0)


def _has_small_order(point: _Point) -> bool:
    """Whether ``point`` is one of the 8 points of order dividing 8 (a key any signature may verify under)."""
    eight_times = _point_add(point, point)
    eight_times = _point_add(eight_times, eight_times)
    eight_times = _point_add(eight_times, eight_times)
    return _points_equal(eight_times, _IDENTITY)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``message`` under the 32-byte ``public_key``.

    As libsodium does, a public key that is not canonically encoded (y not below p, or x = 0 with the sign
    bit set) or has small order is refused: under a small-order key, forged signatures verify.
    """
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode_point(public_key)
    r = _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L or _has_small_order(a):
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _points_equal(_point_multiply(s, _BASE), _point_add(r, _point_multiply(k, a)))


# --- Tree heads and keys ----------------------------------------------------------------------------------


def tree_head_message(size: int, root_hash: bytes, timestamp: str) -> bytes:
    """The bytes a tree head's signature covers (see the module docstring)."""
    # Checked here too, not only in TreeHead, so that no caller can sign bytes that read two ways.
    _as_count(size, "size")
    if not _are_hashes(root_hash):
        raise FormatError("root_hash must be 32 bytes")
    check_timestamp(timestamp)
    return TREE_HEAD_DOMAIN + f"\n{size}\n{root_hash.hex()}\n{timestamp}\n".encode("ascii")


def check_timestamp(timestamp: str) -> None:
    """Raise :class:`FormatError` unless ``timestamp`` is ISO-8601 UTC spelt as tree heads require."""
    if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
        raise FormatError(f"timestamp {timestamp!r} is not ISO-8601 UTC like 2025-03-14T09:26:53Z")
    try:
        # Before Python 3.11 fromisoformat reads no "Z": the shape is checked above, so this is only the date.
        datetime.fromisoformat(timestamp[:-1] + "+00:00")
    except ValueError as error:
        raise FormatError(f"timestamp {timestamp!r} is not a real date and time") from error


@dataclass(frozen=True)
class TreeHead:
    """A signed statement that the record held ``size`` entries with Merkle root ``root_hash`` at a time."""

    size: int
    root_hash: bytes
    timestamp: str
    signature: bytes

    def __post_init__(self) -> None:
        tree_head_message(self.size, self.root_hash, self.timestamp)  # validates the three fields
        if not isinstance(self.signature, bytes) or len(self.signature) != 64:
            raise FormatError("signature must be 64 bytes")

    def signed_message(self) -> bytes:
        return tree_head_message(self.size, self.root_hash, self.timestamp)

    def signature_is_valid(self, public_key: bytes) -> bool:
        """Pure-Python check; the portal uses :mod:`cryptography` for speed (same message, same result)."""
        return ed25519_verify(public_key, self.signed_message(), self.signature)

    def to_json(self) -> dict[str, object]:
        return {
            "size": self.size,
            "root_hash": self.root_hash.hex(),
            "timestamp": self.timestamp,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: object) -> TreeHead:
        fields = _object(data, "tree head")
        return cls(
            size=_count(fields, "size"),
            root_hash=_hex(fields, "root_hash", HASH_SIZE),
            timestamp=_text(fields, "timestamp"),
            signature=_hex(fields, "signature", 64),
        )


_ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def parse_public_key(text: str) -> bytes:
    """The raw 32-byte Ed25519 key from 64 hex digits, base64, or a PEM ``PUBLIC KEY`` block."""
    text = text.strip()
    if text.startswith("-----BEGIN PUBLIC KEY-----"):
        body = "".join(line for line in text.splitlines() if not line.startswith("-----"))
        der = _base64(body, "PEM public key")
        if len(der) != 44 or not der.startswith(_ED25519_SPKI_PREFIX):
            raise FormatError("the PEM block is not an Ed25519 public key")
        return der[len(_ED25519_SPKI_PREFIX) :]
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text)
    raw = _base64(text, "public key")
    if len(raw) != 32:
        raise FormatError("a public key is 32 bytes: 64 hex digits or 44 base64 characters")
    return raw


# --- Receipts and proofs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """What a complainant keeps: their entry, its position, and optionally the head and proof at filing."""

    leaf_index: int
    entry: str | None = None
    leaf_hash: bytes | None = None
    tree_head: TreeHead | None = None
    inclusion_proof: tuple[bytes, ...] | None = None

    def __post_init__(self) -> None:
        _as_count(self.leaf_index, "leaf_index")
        if self.entry is None and self.leaf_hash is None:
            raise FormatError("a receipt needs the entry or its leaf_hash")
        if self.leaf_hash is not None and not _are_hashes(self.leaf_hash):
            raise FormatError("leaf_hash must be 32 bytes")
        if self.inclusion_proof is not None and self.tree_head is None:
            raise FormatError("an inclusion_proof in a receipt needs the tree_head it leads to")

    def entry_leaf_hash(self) -> bytes:
        """The leaf hash to look for: computed from the entry when the receipt carries it."""
        if self.entry is not None:
            return leaf_hash(self.entry.encode("utf-8"))
        if self.leaf_hash is None:
            raise FormatError("a receipt needs the entry or its leaf_hash")
        return self.leaf_hash

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"format": RECEIPT_FORMAT, "leaf_index": self.leaf_index}
        if self.entry is not None:
            data["entry"] = self.entry
        if self.leaf_hash is not None:
            data["leaf_hash"] = self.leaf_hash.hex()
        if self.tree_head is not None:
            data["tree_head"] = self.tree_head.to_json()
        if self.inclusion_proof is not None:
            data["inclusion_proof"] = [element.hex() for element in self.inclusion_proof]
        return data

    @classmethod
    def from_json(cls, data: object) -> Receipt:
        fields = _object(data, "receipt")
        _check_format(fields, RECEIPT_FORMAT)
        return cls(
            leaf_index=_count(fields, "leaf_index"),
            entry=_text(fields, "entry") if fields.get("entry") is not None else None,
            leaf_hash=_hex(fields, "leaf_hash", HASH_SIZE) if fields.get("leaf_hash") is not None else None,
            tree_head=None if fields.get("tree_head") is None else TreeHead.from_json(fields["tree_head"]),
            inclusion_proof=(
                _hashes(fields, "inclusion_proof") if fields.get("inclusion_proof") is not None else None
            ),
        )


@dataclass(frozen=True)
class LogProof:
    """Proofs relating a receipt to a published head: inclusion under it, consistency from the receipt's."""

    leaf_index: int
    tree_size: int
    inclusion_proof: tuple[bytes, ...]
    consistency_from_size: int | None = None
    consistency_proof: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        _as_count(self.leaf_index, "leaf_index")
        _as_count(self.tree_size, "tree_size")
        if self.consistency_from_size is not None:
            _as_count(self.consistency_from_size, "consistency_from_size")

    def to_json(self) -> dict[str, object]:
        return {
            "format": PROOF_FORMAT,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "inclusion_proof": [element.hex() for element in self.inclusion_proof],
            "consistency_from_size": self.consistency_from_size,
            "consistency_proof": [element.hex() for element in self.consistency_proof],
        }

    @classmethod
    def from_json(cls, data: object) -> LogProof:
        fields = _object(data, "proof")
        _check_format(fields, PROOF_FORMAT)
        from_size = fields.get("consistency_from_size")
        return cls(
            leaf_index=_count(fields, "leaf_index"),
            tree_size=_count(fields, "tree_size"),
            inclusion_proof=_hashes(fields, "inclusion_proof"),
            consistency_from_size=None if from_size is None else _count(fields, "consistency_from_size"),
            consistency_proof=_hashes(fields, "consistency_proof") if "consistency_proof" in fields else (),
        )


@dataclass(frozen=True)
class Check:
    """One check and what it found, in English (``detail``) and in Chinese (``detail_zh``)."""

    name: str
    ok: bool
    detail: str
    detail_zh: str = ""

    def text(self, language: str) -> str:
        return self.detail_zh if language == "zh" and self.detail_zh else self.detail


@dataclass(frozen=True)
class ReceiptVerification:
    """The checks run, in order; verification stops at the first that fails."""

    checks: tuple[Check, ...]
    against_published_head: bool

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failed(self) -> Check | None:
        return next((check for check in self.checks if not check.ok), None)

    @property
    def reason(self) -> str | None:
        failed = self.failed
        return None if failed is None else failed.detail

    def extended(self, checks: Sequence[Check]) -> ReceiptVerification:
        return ReceiptVerification(self.checks + tuple(checks), self.against_published_head)


class _Checks:
    """Collects checks; each is recorded with the message for its outcome in both languages."""

    def __init__(self) -> None:
        self.done: list[Check] = []

    def passed(self, name: str, ok: bool, success: tuple[str, str], failure: tuple[str, str]) -> bool:
        english, chinese = success if ok else failure
        self.done.append(Check(name, ok, english, chinese))
        return ok


def verify_receipt(
    receipt: Receipt, public_key: bytes, head: TreeHead | None = None, proof: LogProof | None = None
) -> ReceiptVerification:
    """Check ``receipt`` on its own, and against a published ``head`` with its ``proof`` when both given."""
    checks = _Checks()
    passed = checks.passed
    published = head is not None and proof is not None

    def result() -> ReceiptVerification:
        return ReceiptVerification(tuple(checks.done), against_published_head=published)

    index = receipt.leaf_index
    entry_hash = receipt.entry_leaf_hash()
    if (
        receipt.entry is not None
        and receipt.leaf_hash is not None
        and not passed(
            "entry",
            receipt.leaf_hash == entry_hash,
            (
                f"the entry text hashes to the receipt's leaf hash {entry_hash.hex()}",
                f"条目文本的哈希与回执中的叶哈希 {entry_hash.hex()} 一致",
            ),
            (
                "the entry text does not hash to the receipt's leaf hash: one of them was altered",
                "条目文本的哈希与回执中的叶哈希不符：其中之一被改动过",
            ),
        )
    ):
        return result()

    own_head = receipt.tree_head
    if own_head is not None:
        if not (
            passed(
                "receipt head signature",
                own_head.signature_is_valid(public_key),
                (
                    f"the receipt's head ({own_head.size} entries, {own_head.timestamp}) is signed by the key",
                    f"回执中的树头（{own_head.size} 条，{own_head.timestamp}）由该密钥签名",
                ),
                (
                    f"the receipt's head ({own_head.size} entries) is not signed by the key",
                    f"回执中的树头（{own_head.size} 条）不是该密钥签名的",
                ),
            )
            and passed(
                "receipt head covers entry",
                index < own_head.size,
                (f"the receipt's head covers entry #{index}", f"回执中的树头包含第 {index} 号条目"),
                (
                    f"the receipt's head holds {own_head.size} entries, so it cannot contain entry #{index}",
                    f"回执中的树头只有 {own_head.size} 条，不可能包含第 {index} 号条目",
                ),
            )
        ):
            return result()
        if receipt.inclusion_proof is not None and not passed(
            "receipt inclusion",
            verify_inclusion(index, own_head.size, entry_hash, receipt.inclusion_proof, own_head.root_hash),
            (
                f"entry #{index} is in the record of {own_head.size} entries signed in the receipt",
                f"第 {index} 号条目在回执所签名的 {own_head.size} 条记录之中",
            ),
            (
                f"the receipt's inclusion proof does not lead from entry #{index} to its head's root",
                f"回执中的包含证明无法从第 {index} 号条目推出其树头的根哈希",
            ),
        ):
            return result()

    if head is None or proof is None:
        if receipt.inclusion_proof is None:
            passed(
                "inclusion",
                False,
                ("", ""),
                (
                    "the receipt carries no inclusion proof: fetch the proof from the portal",
                    "回执中没有包含证明：请从平台获取证明",
                ),
            )
        return result()

    if not (
        passed(
            "published head signature",
            head.signature_is_valid(public_key),
            (
                f"the published head ({head.size} entries, {head.timestamp}) is signed by the key",
                f"平台现在公布的树头（{head.size} 条，{head.timestamp}）由该密钥签名",
            ),
            (
                f"the published head ({head.size} entries, {head.timestamp}) is not signed by the key",
                f"平台现在公布的树头（{head.size} 条，{head.timestamp}）不是该密钥签名的",
            ),
        )
        and passed(
            "proof matches head",
            proof.tree_size == head.size and proof.leaf_index == index,
            ("the proof file is for this entry and this head", "证明针对的正是这一条目和这一树头"),
            (
                f"the proof file is for entry #{proof.leaf_index} in {proof.tree_size} entries, "
                f"not entry #{index} in the published head's {head.size}",
                f"证明针对的是 {proof.tree_size} 条中的第 {proof.leaf_index} 号条目，"
                f"而不是公布树头 {head.size} 条中的第 {index} 号",
            ),
        )
        and passed(
            "inclusion",
            verify_inclusion(index, head.size, entry_hash, proof.inclusion_proof, head.root_hash),
            (
                f"entry #{index} is in the published record of {head.size} entries",
                f"第 {index} 号条目在公布的 {head.size} 条记录之中",
            ),
            (
                f"the inclusion proof does not lead from entry #{index} to the published head's root: "
                "the entry is not in the published record at that position",
                f"包含证明无法从第 {index} 号条目推出公布树头的根哈希：该条目不在公布记录的这一位置",
            ),
        )
    ):
        return result()

    if own_head is not None and (
        passed(
            "published head is newer",
            own_head.size <= head.size,
            (
                f"the published head ({head.size} entries) is at least as large as the receipt's head",
                f"公布的树头（{head.size} 条）不小于回执中的树头",
            ),
            (
                f"the published head ({head.size} entries) is older than the receipt's head ({own_head.size} "
                "entries): fetch the current head",
                f"公布的树头（{head.size} 条）比回执中的树头（{own_head.size} 条）还旧：请获取当前树头",
            ),
        )
        and passed(
            "consistency proof present",
            proof.consistency_from_size == own_head.size,
            (
                f"the proof file relates the receipt's head ({own_head.size} entries) to the published head",
                f"证明把回执中的树头（{own_head.size} 条）与公布的树头联系起来",
            ),
            (
                f"the proof file has no consistency proof from the receipt's head ({own_head.size} entries)",
                f"证明中没有从回执树头（{own_head.size} 条）出发的一致性证明",
            ),
        )
    ):
        passed(
            "consistency",
            verify_consistency(
                own_head.size, head.size, proof.consistency_proof, own_head.root_hash, head.root_hash
            ),
            (
                f"the published record extends the {own_head.size} entries signed in the receipt unchanged",
                f"公布的记录原样延续了回执所签名的 {own_head.size} 条记录，未删未改",
            ),
            (
                f"the consistency proof fails: the published record does not extend the {own_head.size} "
                "entries signed in the receipt, so the record was rewritten or the proof is wrong",
                f"一致性证明不成立：公布的记录没有延续回执所签名的 {own_head.size} 条记录，"
                "记录被改写过，或者证明有误",
            ),
        )
    return result()


# --- The complaint's text -----------------------------------------------------------------------------------

# What the portal puts where it hid personal data from the public text: a bracketed label without digits, such
# as [电话已隐去] or [phone hidden].
_REDACTION_LABEL = re.compile(r"(\[[^\[\]0-9０-９]+\])")
# What one label may stand for: a phone number, an ID or card number, an address of mail, a name or a detail staff
# hid. Never a line break, never a paragraph.
_HIDDEN_SPAN = "[^\n]{1,80}?"


def content_fingerprint(salt: str, title: str, body: str) -> str:
    """The salted SHA-256 of a complaint's text that its "received" entry records as ``content_sha256``."""
    return hashlib.sha256(f"{salt}\n{title}\n{body}".encode()).hexdigest()


def shown_as_redacted(public: str, filed: str) -> bool:
    """Whether ``public`` is ``filed`` with nothing changed except spans replaced by redaction labels."""
    parts = _REDACTION_LABEL.split(public)  # text, label, text, label, ..., text
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?:{re.escape(part)}|{_HIDDEN_SPAN})"
        for index, part in enumerate(parts)
    )
    return re.fullmatch(pattern, filed, flags=re.DOTALL) is not None


def _recorded_fingerprint(entry: str | None) -> str | None:
    try:
        payload = json.loads(entry or "").get("payload")
    except (ValueError, AttributeError):
        return None
    value = payload.get("content_sha256") if isinstance(payload, dict) else None
    return value if isinstance(value, str) else None


def verify_text(
    receipt: Receipt,
    salt: str | None,
    filed: tuple[str, str] | None,
    public: tuple[str, str] | None,
) -> tuple[Check, ...]:
    """Check the complaint's text against the fingerprint its entry records: the text as filed (kept in the
    receipt file) when there is one, and the text the portal shows publicly now (``public``, title and body)."""
    checks = _Checks()
    recorded = _recorded_fingerprint(receipt.entry)
    if recorded is None or salt is None:
        checks.passed(
            "text fingerprint",
            False,
            ("", ""),
            (
                "the receipt has no text fingerprint and salt to check the text with",
                "回执中没有可用来核对文本的指纹和盐值",
            ),
        )
        return tuple(checks.done)
    if filed is not None and not checks.passed(
        "text fingerprint",
        content_fingerprint(salt, *filed) == recorded,
        (
            "the text as filed (kept in the receipt file) is the text the record fingerprinted at filing",
            "回执文件中保存的原文，正是提交时记录所留指纹对应的文本",
        ),
        (
            "the text in the receipt file is not the text the record fingerprinted at filing",
            "回执文件中的文本与提交时记录所留的指纹不符",
        ),
    ):
        return tuple(checks.done)
    if public is None:
        return tuple(checks.done)
    if filed is None:
        checks.passed(
            "public text",
            content_fingerprint(salt, *public) == recorded,
            (
                "the text the portal shows is the text fingerprinted at filing",
                "平台公开显示的文本，正是提交时留下指纹的文本",
            ),
            (
                "the text the portal shows is not the text fingerprinted at filing (or the portal hid details "
                "in it; a receipt file saved from the receipt page holds the text as filed to compare)",
                "平台公开显示的文本与提交时的指纹不符（也可能是平台隐去了其中的个人信息；"
                "从回执页保存的回执文件含有原文，可用来比对）",
            ),
        )
        return tuple(checks.done)
    if public == filed:
        checks.passed(
            "public text",
            True,
            ("the portal shows your text unchanged", "平台公开显示的正是您的原文，未被改动"),
            ("", ""),
        )
    else:
        checks.passed(
            "public text",
            shown_as_redacted(public[0], filed[0]) and shown_as_redacted(public[1], filed[1]),
            (
                "the portal shows your text unchanged, except personal details it hid (marked like [电话已隐去])",
                "平台公开显示的是您的原文，只隐去了个人信息（标为 [电话已隐去] 之类）",
            ),
            (
                "the portal shows a text that is not yours: it differs from the text you filed by more than "
                "hidden personal details",
                "平台公开显示的文本不是您提交的：与原文的差别不止于隐去的个人信息",
            ),
        )
    return tuple(checks.done)


# --- JSON field helpers -----------------------------------------------------------------------------------


def _as_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError(f"{name} must be a non-negative integer")
    return value


def _object(data: object, what: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise FormatError(f"the {what} must be a JSON object")
    return data


def _check_format(fields: Mapping[str, object], expected: str) -> None:
    if fields.get("format") != expected:
        raise FormatError(f'"format" must be "{expected}", found {fields.get("format")!r}')


def _required(fields: Mapping[str, object], name: str) -> object:
    if name not in fields:
        raise FormatError(f'missing "{name}"')
    return fields[name]


def _count(fields: Mapping[str, object], name: str) -> int:
    return _as_count(_required(fields, name), f'"{name}"')


def _text(fields: Mapping[str, object], name: str) -> str:
    value = _required(fields, name)
    if not isinstance(value, str):
        raise FormatError(f'"{name}" must be a string')
    return value


def _decode_hex(value: object, what: str, size: int) -> bytes:
    if not isinstance(value, str) or not re.fullmatch(f"[0-9a-fA-F]{{{2 * size}}}", value):
        raise FormatError(f"{what} must be {2 * size} hex digits")
    return bytes.fromhex(value)


def _hex(fields: Mapping[str, object], name: str, size: int) -> bytes:
    return _decode_hex(_required(fields, name), f'"{name}"', size)


def _hashes(fields: Mapping[str, object], name: str) -> tuple[bytes, ...]:
    value = _required(fields, name)
    if not isinstance(value, list):
        raise FormatError(f'"{name}" must be a list of hashes')
    return tuple(_decode_hex(element, f'each element of "{name}"', HASH_SIZE) for element in value)


def _base64(text: str, what: str, expected: str = "neither 64 hex digits nor valid base64") -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise FormatError(f"{what} is {expected}") from error


# --- Command line -----------------------------------------------------------------------------------------


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FormatError(f"cannot read {path}: {error.strerror or error}") from error
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise FormatError(f"{path} is not valid JSON: {error}") from error


def _read_public_key(value: str) -> bytes:
    path = Path(value)
    if path.is_file():
        try:
            value = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise FormatError(f"cannot read the public key file {path}: {error}") from error
    return parse_public_key(value)


class PortalRefused(Exception):
    """The portal answered that the record or the complaint's row is damaged: a failed check, not bad input."""

    def __init__(self, english: str, chinese: str) -> None:
        super().__init__(english)
        self.said = (english, chinese)


# What the portal's refusals mean to the citizen checking a receipt.
_REFUSALS = {
    "record_damaged": (
        "the portal says its stored record no longer matches its signed heads: entries were removed or altered",
        "平台答复：其存储的记录与已签名的树头不再一致，有条目被删除或改动",
    ),
    "row_altered": (
        "the portal refuses to show this complaint: its stored data was changed outside the portal",
        "平台拒绝显示这件投诉：其存储的数据在平台之外被改动过",
    ),
}


# Asked for a proof from the head in the receipt, the portal answers 422 when its record is smaller than that head.
_ROLLED_BACK = (
    422,
    (
        "the portal's record is now smaller than the head signed in your receipt: it was rolled back",
        "平台现在的记录比您回执中签名的树头还小：记录被回滚过",
    ),
)


def _refusal_code(error: urllib.error.HTTPError) -> str | None:
    try:
        body = json.loads(error.read(65536).decode("utf-8"))
    except (ValueError, OSError):
        return None
    found = body.get("error") if isinstance(body, dict) else None
    code = found.get("code") if isinstance(found, dict) else None
    return code if isinstance(code, str) else None


def _fetch_json(url: str, language: str, refused: tuple[int, tuple[str, str]] | None = None) -> object:
    """The JSON the portal answers; ``refused`` names an HTTP status that means a failed check, and what it says."""
    try:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _portal_url
            url,
            headers={
                "Accept": "application/json",
                "Accept-Language": language,
                "User-Agent": "fire-alarm-verify-receipt",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        code = _refusal_code(error)
        if code in _REFUSALS:
            raise PortalRefused(*_REFUSALS[code]) from error
        if refused is not None and error.code == refused[0]:
            raise PortalRefused(*refused[1]) from error
        raise FormatError(f"{url} answered HTTP {error.code}" + (f" ({code})" if code else "")) from error
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise FormatError(f"cannot reach {url}: {getattr(error, 'reason', error)}") from error
    except ValueError as error:  # a malformed address, or an answer that is not JSON
        raise FormatError(f"{url}: {error}") from error


def _portal_url(value: object) -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^\s/]+", value):
        raise FormatError('the receipt names no portal ("portal": "https://..."): pass --portal or --offline')
    return value.rstrip("/")


def _language(requested: str | None, fields: Mapping[str, object]) -> str:
    if requested:
        return requested
    if fields.get("language") in ("zh", "en"):
        return str(fields["language"])
    environment = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if environment.lower().startswith("zh") else "en"


@dataclass(frozen=True)
class _Inputs:
    """Everything a verification reads, from files or from the portal named in the receipt."""

    receipt: Receipt
    public_key: bytes
    key_source: tuple[str, str]
    head: TreeHead | None
    proof: LogProof | None
    salt: str | None
    filed: tuple[str, str] | None
    public: tuple[str, str] | None


def _title_and_body(data: object, what: str) -> tuple[str, str]:
    fields = _object(data, what)
    return _text(fields, "title"), _text(fields, "body")


def _gather(arguments: argparse.Namespace, fields: Mapping[str, object], language: str) -> _Inputs:
    receipt = Receipt.from_json(fields)
    online = not arguments.offline and arguments.head is None and arguments.proof_file is None
    code = fields.get("tracking_code")
    portal = None
    if online and (arguments.portal or fields.get("portal") is not None):
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z0-9-]{4,40}", code):
            raise FormatError('the receipt has no "tracking_code" to ask the portal about')
        portal = _portal_url(arguments.portal or fields.get("portal"))

    head = proof = None
    document: Mapping[str, object] | None = None
    if arguments.head is not None:
        head = TreeHead.from_json(_read_json(arguments.head))
        proof = LogProof.from_json(_read_json(arguments.proof))
    elif arguments.proof_file is not None:
        document = _object(_read_json(arguments.proof_file), "proof document")
    elif portal is not None:
        since = "" if receipt.tree_head is None else f"?from={receipt.tree_head.size}"
        document = _object(
            _fetch_json(
                f"{portal}/api/v1/ledger/proof/{code}{since}", language, _ROLLED_BACK if since else None
            ),
            "proof document",
        )
    if document is not None:
        head = TreeHead.from_json(_required(document, "tree_head"))
        proof = LogProof.from_json(_required(document, "proof"))

    if arguments.public_key is not None:
        key, source = (
            _read_public_key(arguments.public_key),
            ("given with --public-key", "由 --public-key 给出"),
        )
    elif isinstance(fields.get("public_key"), str):
        key, source = (
            parse_public_key(str(fields["public_key"])),
            (
                "from the receipt file: compare it with the key the portal publishes on /ledger",
                "取自回执文件：请与平台在 /ledger 页公布的公钥比对",
            ),
        )
    elif document is not None and isinstance(document.get("public_key"), str):
        key = parse_public_key(str(document["public_key"]))
        source = (
            "as the portal gives it now (compare it with one published elsewhere)",
            "取自平台现在给出的密钥（请与别处公布的密钥比对）",
        )
    else:
        raise FormatError("no public key: the receipt file has none, so pass --public-key")

    salt = fields.get("content_salt")
    filed_data = fields.get("filed_text")
    filed = None if filed_data is None else _title_and_body(filed_data, "filed_text")
    public = None
    if arguments.status_file is not None:
        public = _title_and_body(_read_json(arguments.status_file), "status document")
    elif portal is not None and isinstance(salt, str):
        public = _title_and_body(
            _fetch_json(f"{portal}/api/v1/complaints/{code}", language), "status document"
        )
    return _Inputs(
        receipt=receipt,
        public_key=key,
        key_source=source,
        head=head,
        proof=proof,
        salt=salt if isinstance(salt, str) else None,
        filed=filed,
        public=public,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Check a Fire Alarm receipt against the signed public record (standard library only). "
        "Run it with the receipt file saved from the receipt page: python3 verify_receipt.py receipt.json",
        epilog="To monitor the whole record instead: python3 verify_receipt.py --monitor https://PORTAL/record/ "
        "--vkey VKEY --state monitor-state.json (add --help for its options).",
    )
    parser.add_argument("receipt", nargs="?", type=Path, help="receipt.json saved from the receipt page")
    parser.add_argument("--receipt", dest="receipt_option", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--offline", action="store_true", help="fetch nothing: check only the receipt and the files given"
    )
    parser.add_argument("--portal", help="the portal to ask, instead of the one named in the receipt")
    parser.add_argument(
        "--proof-file", type=Path, help="the proof document saved from /api/v1/ledger/proof/CODE (offline)"
    )
    parser.add_argument(
        "--status-file", type=Path, help="the complaint as saved from /api/v1/complaints/CODE (offline)"
    )
    parser.add_argument("--proof", type=Path, help="proof.json: the proof part of a proof document")
    parser.add_argument("--head", type=Path, help="head.json: a signed tree head the proof is for")
    parser.add_argument("--public-key", help="the record's Ed25519 key: hex, base64, or a file (PEM too)")
    parser.add_argument("--lang", dest="language", choices=("zh", "en"), help="answer in Chinese or English")
    parser.add_argument("--json", action="store_true", help="print a JSON report instead of text")
    return parser


_HEADLINES = {
    "published": (
        "OK: entry #{index} is in the published, signed Fire Alarm record.",
        "通过：第 {index} 号条目在已公布、已签名的火警记录之中。",
    ),
    "receipt only": (
        "OK: entry #{index} is in the record as signed in the receipt (run it online, or pass --proof-file, "
        "to check it against the record published now).",
        "通过：第 {index} 号条目在回执所签名的记录之中（联网运行，或用 --proof-file 给出证明，"
        "即可与平台现在公布的记录核对）。",
    ),
    "failed": ("FAILED: {reason}", "未通过：{reason}"),
    "error": ("ERROR: {reason}", "无法检查：{reason}"),
    "key": ("the record's key {key}, {source}", "记录的公钥 {key}，{source}"),
    # The monitor (--monitor): its answers, its alarms (exit 1) and what stops it from checking (exit 2).
    "monitor first": (
        "OK: first check of {url}: {size} entries, the checkpoint signed by the log's key; every entry "
        "matches its leaf in the tiles and the tiles give the signed root. Kept in {state} for the next run.",
        "通过：首次检查 {url}：共 {size} 条记录，检查点由该记录的密钥签名；每个条目都与哈希分块中的叶子相符，"
        "分块算出的根正是签名的根。已保存到 {state}，供下次核对。",
    ),
    "monitor extends": (
        "OK: {url} now holds {size} entries and extends the {old} checked before: the {new} new entries "
        "match their tiles and give the signed root.",
        "通过：{url} 现有 {size} 条记录，延续了此前核验过的 {old} 条：新增的 {new} 条与哈希分块相符，"
        "算出的根正是签名的根。",
    ),
    "monitor unchanged": (
        "OK: {url} still holds the {size} entries checked before, under the same root.",
        "通过：{url} 仍是此前核验过的 {size} 条记录，根未变。",
    ),
    "monitor unpublished": (
        "{count} of the entries are not served as entry bundles (pruned, or recorded before the log kept "
        "bundles): their leaf hashes are the tiles', which give the signed root, but the entries were not seen",
        "其中 {count} 条没有以条目包的形式提供（已修剪，或早于记录开始保存条目包）：它们的叶子哈希取自哈希分块，"
        "分块算出的仍是签名的根，但这些条目本身未能核对",
    ),
    "monitor earlier alarms": (
        'the state file {path} keeps the evidence of {count} earlier alarm(s): see its "alarms"',
        '状态文件 {path} 中保存着此前 {count} 次警报的证据（见其中的 "alarms"）',
    ),
    "monitor rollback": (
        "the record was rolled back: it now signs {size} entries, fewer than the {old} it signed before",
        "记录被回滚：平台现在签名的只有 {size} 条，少于它此前签名的 {old} 条",
    ),
    "monitor fork": (
        "the record forked: it signs another root for the same {size} entries",
        "记录出现分叉：同样 {size} 条记录，平台却签了另一个根",
    ),
    "monitor rewrite": (
        "the record was rewritten: the new checkpoint does not extend the one checked before ({detail})",
        "记录被改写：新的检查点并未延续此前核验过的检查点（{detail}）",
    ),
    "monitor entry changed": (
        "entry #{index} is no longer the one checked before",
        "第 {index} 号条目已不是此前核验过的那一条",
    ),
    "monitor tile changed": (
        "tile {path} no longer holds the hashes checked before",
        "哈希分块 {path} 中的哈希已不同于此前核验过的",
    ),
    "monitor root differs": (
        "the {old} entries checked before and the new ones do not give the root signed for {size}",
        "此前核验过的 {old} 条加上新条目，算不出 {size} 条所签名的根",
    ),
    "monitor tile": (
        "tile {path} does not match the entries: it does not hold the hashes of the entries published",
        "哈希分块 {path} 与条目不符：其中不是所公布条目的哈希",
    ),
    "monitor bundle": (
        "entry bundle {path} is malformed or does not hold as many entries as the checkpoint says",
        "条目包 {path} 格式有误，或所含条目数与检查点不符",
    ),
    "monitor root": (
        "the entries and tiles do not give the root the checkpoint signs for {size} entries",
        "由条目和哈希分块算出的根，与检查点为 {size} 条记录签名的根不符",
    ),
    "monitor signature": (
        "the checkpoint is not signed by the key {key} (check the --vkey, from the portal's /ledger page)",
        "检查点没有密钥 {key} 的有效签名（请核对 --vkey，可在平台的 /ledger 页面找到）",
    ),
    "monitor origin": (
        "the checkpoint names the log {origin}, not {name} as its key does",
        "检查点所称的记录是 {origin}，而不是密钥所属的 {name}",
    ),
    "monitor previous note": (
        "The checkpoint verified before (kept in the state file):",
        "此前核验过的检查点（保存在状态文件中）：",
    ),
    "monitor served note": ("The checkpoint the portal serves now:", "平台现在提供的检查点："),
    "monitor bad url": ("{url} is not an http(s) URL of a record", "{url} 不是记录的 http(s) 地址"),
    "monitor http": ("{url} answered HTTP {status}", "{url} 返回了 HTTP {status}"),
    "monitor unreachable": ("cannot reach {url}: {reason}", "无法连接 {url}：{reason}"),
    "monitor too large": ("{url} answered more than a record serves", "{url} 返回的数据超出了记录应有的大小"),
    "monitor bad note": (
        "{url} did not answer with a signed checkpoint: {reason}",
        "{url} 返回的不是签名的检查点：{reason}",
    ),
    "monitor bad vkey": ("not a usable verifier key: {reason}", "验证密钥不可用：{reason}"),
    "monitor bad state": ("the state file {path} is damaged: {reason}", "状态文件 {path} 已损坏：{reason}"),
    "monitor other key": (
        "the state file {path} was written for another key: give another --state",
        "状态文件 {path} 属于另一个密钥：请另指定 --state",
    ),
    "monitor other record": (
        "the state file {path} is for the record at {record}: give another --state",
        "状态文件 {path} 属于 {record} 的记录：请另指定 --state",
    ),
    "monitor cannot save": (
        "cannot write the state file {path}: {reason}",
        "无法写入状态文件 {path}：{reason}",
    ),
}


def _say(language: str, what: str, **fields: object) -> str:
    english, chinese = _HEADLINES[what]
    return (chinese if language == "zh" else english).format(**fields)


def _verify(inputs: _Inputs) -> ReceiptVerification:
    verification = verify_receipt(inputs.receipt, inputs.public_key, inputs.head, inputs.proof)
    if not verification.ok or inputs.salt is None:
        return verification  # a bare record receipt (as the API's "record" member) has no text to check
    return verification.extended(verify_text(inputs.receipt, inputs.salt, inputs.filed, inputs.public))


def main(argv: Sequence[str] | None = None) -> int:
    arguments_given = list(sys.argv[1:] if argv is None else argv)
    if any(argument == "--monitor" or argument.startswith("--monitor=") for argument in arguments_given):
        return monitor_main(arguments_given)
    parser = _parser()
    arguments = parser.parse_args(argv)
    if (arguments.head is None) != (arguments.proof is None):
        parser.error("--head and --proof go together")
    if (arguments.receipt is None) == (arguments.receipt_option is None):
        parser.error("give one receipt file: python3 verify_receipt.py receipt.json")
    language = arguments.language or "en"
    try:
        fields = _object(_read_json(arguments.receipt or arguments.receipt_option), "receipt")
        language = _language(arguments.language, fields)
        inputs = _gather(arguments, fields, language)
    except FormatError as error:
        if arguments.json:
            print(json.dumps({"ok": False, "error": str(error)}))
        else:
            print(_say(language, "error", reason=error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except PortalRefused as refusal:
        refused = refusal.said[1] if language == "zh" else refusal.said[0]
        if arguments.json:
            print(json.dumps({"ok": False, "reason": refused, "checks": []}, ensure_ascii=False))
        else:
            print(_say(language, "failed", reason=refused))
        return EXIT_FAILED

    verification = _verify(inputs)
    failed = verification.failed
    reason = None if failed is None else failed.text(language)
    if arguments.json:
        report = {
            "ok": verification.ok,
            "leaf_index": inputs.receipt.leaf_index,
            "against_published_head": verification.against_published_head,
            "reason": reason,
            "checks": [
                {"name": check.name, "ok": check.ok, "detail": check.text(language)}
                for check in verification.checks
            ],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        if not verification.ok:
            print(_say(language, "failed", reason=reason))
        else:
            headline = "published" if verification.against_published_head else "receipt only"
            print(_say(language, headline, index=inputs.receipt.leaf_index))
        english, chinese = inputs.key_source
        key_line = _say(
            language, "key", key=inputs.public_key.hex(), source=chinese if language == "zh" else english
        )
        print(f"  {key_line}")
        for check in verification.checks:
            mark = ("ok", "通过") if check.ok else ("FAILED", "未通过")
            print(f"  [{mark[1] if language == 'zh' else mark[0]}] {check.name}: {check.text(language)}")
    return EXIT_OK if verification.ok else EXIT_FAILED


# --- Monitoring the record (C2SP tlog-checkpoint, signed-note and tlog-tiles) ------------------------------
# ``python3 verify_receipt.py --monitor https://portal.example/record/ --vkey VKEY --state monitor-state.json``
# fetches the signed checkpoint, checks its note signature with the log's verifier key, fetches the entry
# bundles and hash tiles the checkpoint adds to the tree it checked before, recomputes every leaf hash, tile
# and the root from the entries, and checks the new tree extends the old one. The state file keeps the last
# checkpoint verified and the right edge of its tree (the partial tile of each level: O(log n) hashes), so a
# later run fetches only what was added. A rollback, a fork or a rewrite is reported with both signed
# checkpoints as evidence, and the good checkpoint is never replaced.

MONITOR_STATE_FORMAT = "fire-alarm-monitor-state-v1"
TILE_WIDTH = 256
_ED25519_NOTE_TYPE = b"\x01"
_MAX_NOTE_BYTES = 1 << 20
_MAX_BUNDLE_BYTES = TILE_WIDTH * (2 + 0xFFFF)
_NOTE_NAME = re.compile(r"[^\s+\u2014]+")


class MonitorError(Exception):
    """What the monitor cannot check (bad input, state file or network): exit status 2, one line."""

    def __init__(self, what: str, **fields: object) -> None:
        super().__init__(_say("en", what, **fields))
        self.what = what
        self.fields = fields

    def text(self, language: str) -> str:
        return _say(language, self.what, **self.fields)


class MonitorAlarm(Exception):
    """What the monitor found wrong with the record (exit status 1): ``kind`` is rollback, fork or rewrite
    (the record is not the one seen before, extended), tile, bundle or root (what is served does not give the
    signed root), signature or origin (the checkpoint is not the log's)."""

    def __init__(self, kind: str, **fields: object) -> None:
        super().__init__(_say("en", "monitor " + kind, **fields))
        self.kind = kind
        self.fields = fields

    def text(self, language: str) -> str:
        fields = dict(self.fields)
        detail = fields.pop("detail", None)
        if isinstance(detail, tuple):  # (key, fields) of a nested message
            fields["detail"] = _say(language, detail[0], **detail[1])
        return _say(language, "monitor " + self.kind, **fields)


@dataclass(frozen=True)
class NoteVerifier:
    """A signed-note verifier key for Ed25519: ``<name>+<hex key ID>+base64(0x01 || public key)``."""

    name: str
    key_id: bytes
    public_key: bytes

    def vkey(self) -> str:
        encoded = base64.b64encode(_ED25519_NOTE_TYPE + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


def note_key_id(name: str, public_key: bytes) -> bytes:
    """The signed-note key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _ED25519_NOTE_TYPE + public_key).digest()[:4]


def parse_vkey(text: str) -> NoteVerifier:
    """The Ed25519 verifier key ``text``; :class:`FormatError` unless well formed and a usable key."""
    parts = text.strip().split("+", 2)  # the base64 may hold '+'
    if len(parts) != 3 or not _NOTE_NAME.fullmatch(parts[0]) or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise FormatError("a verifier key is <name>+<8 hex digits of key ID>+<base64 key>")
    material = _note_base64(parts[2], "the verifier key's key")
    if len(material) != 33 or material[:1] != _ED25519_NOTE_TYPE:
        raise FormatError("only Ed25519 verifier keys (type 0x01, 32 bytes) can sign a checkpoint")
    public_key = material[1:]
    point = _decode_point(public_key)
    if point is None or _has_small_order(point):
        raise FormatError("the verifier key is not a canonical Ed25519 key of large order")
    if note_key_id(parts[0], public_key).hex() != parts[1]:
        raise FormatError("the verifier key's ID does not match its name and key")
    return NoteVerifier(parts[0], bytes.fromhex(parts[1]), public_key)


@dataclass(frozen=True)
class SignedCheckpoint:
    """A C2SP checkpoint (origin, size, root, extension lines) in a signed note, not yet verified."""

    note: str
    text: str
    origin: str
    size: int
    root_hash: bytes
    signatures: tuple[tuple[str, bytes, bytes], ...]  # (key name, key ID, signature)

    def signed_by(self, verifier: NoteVerifier) -> bool:
        """Whether a signature of the key verifies; a line with its name and ID that does not refuses all."""
        found = False
        for name, key_id, signature in self.signatures:
            if name == verifier.name and key_id == verifier.key_id:
                if not ed25519_verify(verifier.public_key, self.text.encode("utf-8"), signature):
                    return False
                found = True
        return found


def _note_base64(text: str, what: str) -> bytes:
    return _base64(text, what, "not valid base64")


def parse_checkpoint_note(note: str) -> SignedCheckpoint:
    """Split a signed note into its checkpoint text and signature lines (signed-note, tlog-checkpoint)."""
    if len(note.encode("utf-8")) > _MAX_NOTE_BYTES:
        raise FormatError("the signed note is too large")
    if any(ord(character) < 0x20 and character != "\n" for character in note):
        raise FormatError("a signed note holds no control characters but line feeds")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise FormatError("a signed note is text, a blank line, then signature lines")
    text = note[: split + 1]
    signatures = []
    for line in note[split + 2 :].split("\n")[:-1]:
        match = re.fullmatch(r"\u2014 ([^\s+\u2014]+) ([A-Za-z0-9+/]+=*)", line)
        if match is None:
            raise FormatError(f"not a signature line: {line!r}")
        raw = _note_base64(match.group(2), "a signature")
        if len(raw) < 5:
            raise FormatError("a signature is a 4-byte key ID and the signature")
        signatures.append((match.group(1), raw[:4], raw[4:]))
    if not signatures:
        raise FormatError("a signed note has at least one signature line")
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not lines[0] or not re.fullmatch(r"0|[1-9][0-9]{0,18}", lines[1]):
        raise FormatError("a checkpoint is the origin, the tree size and the root hash, one a line")
    if int(lines[1]) >= 1 << 63:
        raise FormatError("a checkpoint's tree size is below 2**63")
    root = _note_base64(lines[2], "the checkpoint's root hash")
    if len(root) != HASH_SIZE:
        raise FormatError("the checkpoint's root hash is not 32 bytes")
    return SignedCheckpoint(note, text, lines[0], int(lines[1]), root, tuple(signatures))


def encode_index(index: int) -> str:
    """``N`` as tlog-tiles spells it in a path: 3-digit groups, all but the last prefixed ``x``."""
    if index < 0:
        raise ValueError("a tile index is non-negative")
    groups = []
    while True:
        index, group = divmod(index, 1000)
        groups.append(f"{group:03d}")
        if not index:
            break
    groups.reverse()
    return "/".join([*("x" + group for group in groups[:-1]), groups[-1]])


def tile_path(level: object, index: int, width: int = TILE_WIDTH) -> str:
    """A tile's path under ``<prefix>/tile/`` as tlog-tiles spells it: ``0/x001/234``, ``1/005.p/17``."""
    return f"{level}/{encode_index(index)}" + ("" if width == TILE_WIDTH else f".p/{width}")


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two number of hashes."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def edge_root(edge: Sequence[Sequence[bytes]]) -> bytes:
    """The root of a tree from its right edge: the hashes of the partial tile of each level, level 0 first.

    The partial tile of level L holds ``(size >> 8L) % 256`` roots of subtrees of 256**L entries; split into
    powers of two from the left, every level from the top, they are the tree's compact range.
    """
    pieces = []
    for hashes in reversed(edge):
        rest = list(hashes)
        while rest:
            count = 1 << (len(rest).bit_length() - 1)
            pieces.append(perfect_root(rest[:count]))
            rest = rest[count:]
    if not pieces:
        return EMPTY_ROOT
    root = pieces[-1]
    for left in reversed(pieces[:-1]):
        root = node_hash(left, root)
    return root


def _edge_widths(size: int) -> list[int]:
    widths, count = [], size
    while count:
        widths.append(count % TILE_WIDTH)
        count //= TILE_WIDTH
    return widths


def _bundle_entries(data: bytes, path: str) -> list[bytes]:
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise MonitorAlarm("bundle", path=path)
        length = int.from_bytes(data[offset : offset + 2], "big")
        if offset + 2 + length > len(data):
            raise MonitorAlarm("bundle", path=path)
        entries.append(data[offset + 2 : offset + 2 + length])
        offset += 2 + length
    return entries


class RecordClient:
    """Fetches the record's checkpoint, tiles and bundles over HTTP(S), remembering which paths it read."""

    def __init__(self, url: str, language: str) -> None:
        if not re.match(r"https?://[^\s/]+", url):
            raise MonitorError("monitor bad url", url=url)
        self.prefix = url if url.endswith("/") else url + "/"
        self.language = language
        self.fetched: list[str] = []
        self.served_note: str | None = None  # the checkpoint as served, kept as evidence

    def get(self, path: str, limit: int) -> bytes:
        url = self.prefix + path
        try:
            request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
                url,
                headers={
                    "Accept-Encoding": "gzip, identity",  # as tlog-tiles asks of clients
                    "Accept-Language": self.language,
                    "User-Agent": "fire-alarm-monitor",
                },
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                data = bytes(response.read(limit + 1))
                if response.headers.get("Content-Encoding", "").strip().lower() == "gzip":
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    data = inflater.decompress(data, limit + 1)
        except urllib.error.HTTPError as error:
            raise MonitorError("monitor http", url=url, status=error.code) from error
        except (urllib.error.URLError, OSError, ValueError, zlib.error, http.client.HTTPException) as error:
            raise MonitorError(
                "monitor unreachable", url=url, reason=getattr(error, "reason", error)
            ) from error
        if len(data) > limit:
            raise MonitorError("monitor too large", url=url)
        self.fetched.append(path)
        return data

    def get_tile(self, level: object, index: int, width: int, limit: int) -> bytes | None:
        """A hash tile or entry bundle (``level`` "entries"); when a partial one is gone, the full one, which
        tlog-tiles lets a log serve instead once it filled (the caller keeps the first ``width``). None when
        neither is served."""
        widths = (width, TILE_WIDTH) if width < TILE_WIDTH else (width,)
        for each in widths:
            try:
                return self.get("tile/" + tile_path(level, index, each), limit)
            except MonitorError as error:
                if error.what != "monitor http" or error.fields.get("status") != 404:
                    raise
        return None


@dataclass(frozen=True)
class MonitorState:
    """What a monitor keeps between runs: the last checkpoint verified and its tree's right edge."""

    record: str
    vkey: str
    checkpoint: SignedCheckpoint
    edge: tuple[tuple[bytes, ...], ...]
    checked_at: str
    alarms: tuple[Mapping[str, object], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "format": MONITOR_STATE_FORMAT,
            "record": self.record,
            "vkey": self.vkey,
            "size": self.checkpoint.size,
            "root_hash": self.checkpoint.root_hash.hex(),
            "checkpoint": self.checkpoint.note,
            "right_edge": [[value.hex() for value in level] for level in self.edge],
            "checked_at": self.checked_at,
            "alarms": list(self.alarms),
        }


def _load_state(path: Path, verifier: NoteVerifier) -> MonitorState | None:
    """The state file, checked: its checkpoint signed by the key, its right edge giving that root."""
    if not path.exists():
        return None
    try:
        fields = _object(_read_json(path), "state file")
        _check_format(fields, MONITOR_STATE_FORMAT)
        checkpoint = parse_checkpoint_note(_text(fields, "checkpoint"))
        edge_data = _required(fields, "right_edge")
        if not isinstance(edge_data, list):
            raise FormatError('"right_edge" must be a list of lists of hashes')
        edge = tuple(_hashes({"level": level}, "level") for level in edge_data)
        alarms = fields.get("alarms", [])
        if not isinstance(alarms, list) or not all(isinstance(alarm, Mapping) for alarm in alarms):
            raise FormatError('"alarms" must be a list of objects')
        state = MonitorState(
            record=_text(fields, "record"),
            vkey=_text(fields, "vkey"),
            checkpoint=checkpoint,
            edge=edge,
            checked_at=_text(fields, "checked_at"),
            alarms=tuple(alarms),
        )
    except FormatError as error:
        raise MonitorError("monitor bad state", path=path, reason=error) from error
    if state.vkey != verifier.vkey() or not checkpoint.signed_by(verifier):
        raise MonitorError("monitor other key", path=path)
    widths = _edge_widths(checkpoint.size)
    if [len(level) for level in edge] != widths or edge_root(edge) != checkpoint.root_hash:
        raise MonitorError("monitor bad state", path=path, reason="its right edge does not give its root")
    return state


def _save_state(path: Path, state: MonitorState) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(state.to_json(), indent=1, ensure_ascii=False) + "\n", "utf-8")
        os.replace(temporary, path)
    except OSError as error:
        raise MonitorError("monitor cannot save", path=path, reason=error.strerror or error) from error


def fetch_checkpoint(client: RecordClient, verifier: NoteVerifier) -> SignedCheckpoint:
    """The record's checkpoint, its note signed by ``verifier`` and its origin the key's name."""
    data = client.get("checkpoint", _MAX_NOTE_BYTES)
    try:
        client.served_note = data.decode("utf-8")
        checkpoint = parse_checkpoint_note(client.served_note)
    except (UnicodeDecodeError, FormatError) as error:
        raise MonitorError("monitor bad note", url=client.prefix + "checkpoint", reason=error) from error
    if not checkpoint.signed_by(verifier):
        raise MonitorAlarm("signature", key=f"{verifier.name}+{verifier.key_id.hex()}")
    if checkpoint.origin != verifier.name:
        raise MonitorAlarm("origin", origin=checkpoint.origin, name=verifier.name)
    return checkpoint


def extend_tree(
    client: RecordClient, old_size: int, old_edge: Sequence[Sequence[bytes]], new_size: int
) -> tuple[tuple[tuple[bytes, ...], ...], int]:
    """The right edge of the tree of ``new_size`` entries, from the one of ``old_size`` and what was added, and
    how many new entries the log serves no bundle for.

    Fetches the entry bundles from the one holding entry ``old_size`` and, at each level that grew, the tiles
    from the old partial one: every new leaf hash is recomputed from its entry, every hash above from the
    level below, and each must be in the tile served; the entries and hashes verified before must be there
    unchanged. Raises :class:`MonitorAlarm` (kind rewrite, tile or bundle) otherwise. An entry bundle the log
    does not serve (pruned, or older than the log's bundles) leaves its leaves to the level-0 tile.
    """
    base = old_size - old_size % TILE_WIDTH
    leaves: list[bytes | None] = []
    for index in range(base // TILE_WIDTH, -(-new_size // TILE_WIDTH)):
        width = min(TILE_WIDTH, new_size - index * TILE_WIDTH)
        name = tile_path("entries", index, width)
        data = client.get_tile("entries", index, width, _MAX_BUNDLE_BYTES)
        if data is None:
            leaves += [None] * width
            continue
        entries = _bundle_entries(data, name)[:width]
        if len(entries) != width:
            raise MonitorAlarm("bundle", path=name)
        leaves += [leaf_hash(entry) for entry in entries]
    old_level = list(old_edge[0]) if old_edge else []
    for position, was in enumerate(old_level):
        if leaves[position] not in (None, was):
            raise MonitorAlarm("rewrite", detail=("monitor entry changed", {"index": base + position}))
    hashes: list[bytes | None] = [*old_level, *leaves[len(old_level) :]]
    unpublished = hashes.count(None)

    edge: list[tuple[bytes, ...]] = []
    level = 0
    while new_size >> (8 * level):
        old_count, new_count = old_size >> (8 * level), new_size >> (8 * level)
        base = old_count - old_count % TILE_WIDTH
        for index in range(base // TILE_WIDTH, -(-new_count // TILE_WIDTH)) if new_count > old_count else ():
            width = min(TILE_WIDTH, new_count - index * TILE_WIDTH)
            name = tile_path(level, index, width)
            data = client.get_tile(level, index, width, TILE_WIDTH * HASH_SIZE)
            if data is None:
                raise MonitorError("monitor http", url=client.prefix + "tile/" + name, status=404)
            if len(data) < width * HASH_SIZE or len(data) % HASH_SIZE:
                raise MonitorAlarm("tile", path=name)
            start = index * TILE_WIDTH - base
            for offset in range(width):
                served = data[offset * HASH_SIZE : (offset + 1) * HASH_SIZE]
                expected = hashes[start + offset]
                if expected is None:  # an entry without a bundle: its leaf as the tile has it
                    hashes[start + offset] = served
                elif served != expected:
                    if index * TILE_WIDTH + offset < old_count:
                        raise MonitorAlarm("rewrite", detail=("monitor tile changed", {"path": name}))
                    raise MonitorAlarm("tile", path=name)
        known = [value for value in hashes if value is not None]
        if len(known) != len(hashes):  # only at level 0, whose tiles always grow with the bundles
            raise MonitorError("monitor http", url=client.prefix + "tile/0", status=404)
        edge.append(tuple(known[len(known) - new_count % TILE_WIDTH :] if new_count % TILE_WIDTH else ()))
        full = len(known) - len(known) % TILE_WIDTH
        roots = [perfect_root(known[i : i + TILE_WIDTH]) for i in range(0, full, TILE_WIDTH)]
        level += 1
        hashes = [*(old_edge[level] if level < len(old_edge) else ()), *roots]
    return tuple(edge), unpublished


@dataclass(frozen=True)
class MonitorRun:
    """What one run found: the checkpoint verified now and the one before (None on a first run)."""

    checkpoint: SignedCheckpoint
    previous: SignedCheckpoint | None
    edge: tuple[tuple[bytes, ...], ...]
    unpublished: int = 0  # new entries the log serves no bundle for: their leaves taken from the tiles


def monitor_once(client: RecordClient, verifier: NoteVerifier, state: MonitorState | None) -> MonitorRun:
    """Check the record now against ``state``; :class:`MonitorAlarm` when it is not the record seen before
    extended (its ``fields`` say how), :class:`MonitorError` when it cannot be checked."""
    checkpoint = fetch_checkpoint(client, verifier)
    previous = None if state is None else state.checkpoint
    if previous is None or state is None:
        edge, unpublished = extend_tree(client, 0, (), checkpoint.size)
        if edge_root(edge) != checkpoint.root_hash:
            raise MonitorAlarm("root", size=checkpoint.size)
        return MonitorRun(checkpoint, None, edge, unpublished)
    if checkpoint.size < previous.size:
        raise MonitorAlarm("rollback", size=checkpoint.size, old=previous.size)
    if checkpoint.size == previous.size:
        if checkpoint.root_hash != previous.root_hash:
            raise MonitorAlarm("fork", size=checkpoint.size)
        return MonitorRun(checkpoint, previous, state.edge)
    edge, unpublished = extend_tree(client, previous.size, state.edge, checkpoint.size)
    if edge_root(edge) != checkpoint.root_hash:
        raise MonitorAlarm(
            "rewrite", detail=("monitor root differs", {"size": checkpoint.size, "old": previous.size})
        )
    return MonitorRun(checkpoint, previous, edge, unpublished)


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _monitor_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verify_receipt.py",
        description="Monitor a Fire Alarm record (C2SP tlog-tiles): check each new signed checkpoint, "
        "recompute the tree from the entries and alarm on any rollback, fork or rewrite.",
    )
    parser.add_argument("--monitor", required=True, metavar="URL", help="the record: https://PORTAL/record/")
    parser.add_argument(
        "--vkey", required=True, help="the log's verifier key <name>+<key ID>+<base64>, or a file holding it"
    )
    parser.add_argument(
        "--state", type=Path, default=Path("monitor-state.json"), help="where to keep what was verified"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="check once and exit (the default)")
    mode.add_argument("--interval", type=float, metavar="SECONDS", help="check again every SECONDS")
    parser.add_argument("--lang", dest="language", choices=("zh", "en"), help="answer in Chinese or English")
    parser.add_argument("--json", action="store_true", help="print a JSON report instead of text")
    return parser


def _read_vkey(value: str) -> NoteVerifier:
    path = Path(value)
    if "+" not in value and path.is_file():
        try:
            value = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise MonitorError("monitor bad vkey", reason=error) from error
    try:
        return parse_vkey(value)
    except FormatError as error:
        raise MonitorError("monitor bad vkey", reason=error) from error


def _monitor_round(arguments: argparse.Namespace, verifier: NoteVerifier, language: str) -> int:
    client = RecordClient(arguments.monitor, language)
    report: dict[str, object] = {"record": client.prefix}
    state = None
    try:
        state = _load_state(arguments.state, verifier)
        if state is not None and state.record.rstrip("/") != client.prefix.rstrip("/"):
            raise MonitorError("monitor other record", path=arguments.state, record=state.record)
        run = monitor_once(client, verifier, state)
        _save_state(
            arguments.state,
            MonitorState(
                record=client.prefix,
                vkey=verifier.vkey(),
                checkpoint=run.checkpoint,
                edge=run.edge,
                checked_at=_utc_now(),
                alarms=() if state is None else state.alarms,
            ),
        )
    except MonitorError as error:
        report.update(ok=False, error=error.text(language), fetched=client.fetched)
        _print_monitor(arguments, report, _say(language, "error", reason=error.text(language)))
        return EXIT_BAD_INPUT
    except MonitorAlarm as alarm:
        previous = None if state is None else state.checkpoint.note
        served = client.served_note
        report.update(
            ok=False,
            problem=alarm.kind,
            reason=alarm.text(language),
            previous_checkpoint=previous,
            checkpoint=served,
            fetched=client.fetched,
        )
        seen = state is not None and any(
            (alarm.kind, served) == (kept.get("problem"), kept.get("checkpoint")) for kept in state.alarms
        )
        if state is not None and not seen:  # the evidence is kept (once); the good checkpoint is not replaced
            evidence = {
                "at": _utc_now(),
                "problem": alarm.kind,
                "reason": alarm.text("en"),
                "checkpoint": served,
            }
            try:
                _save_state(arguments.state, _replace_alarms(state, (*state.alarms, evidence)))
            except MonitorError as error:  # the alarm still stands, printed below
                report["state_error"] = error.text(language)
        lines = [_say(language, "failed", reason=alarm.text(language))]
        if previous is not None:
            lines += [_say(language, "monitor previous note"), previous]
        if served is not None:
            lines += [_say(language, "monitor served note"), served]
        if "state_error" in report:
            lines.append(_say(language, "error", reason=report["state_error"]))
        _print_monitor(arguments, report, "\n".join(lines).rstrip("\n"))
        return EXIT_FAILED

    checkpoint, previous_checkpoint = run.checkpoint, run.previous
    fields: dict[str, object] = {"url": client.prefix, "size": checkpoint.size, "state": arguments.state}
    if previous_checkpoint is None:
        headline = "monitor first"
    elif previous_checkpoint.size == checkpoint.size:
        headline = "monitor unchanged"
    else:
        headline = "monitor extends"
        fields.update(old=previous_checkpoint.size, new=checkpoint.size - previous_checkpoint.size)
    report.update(
        ok=True,
        size=checkpoint.size,
        root_hash=checkpoint.root_hash.hex(),
        previous_size=None if previous_checkpoint is None else previous_checkpoint.size,
        entries_without_bundle=run.unpublished,
        checkpoint=checkpoint.note,
        fetched=client.fetched,
    )
    text = _say(language, headline, **fields)
    if run.unpublished:
        text += "\n  " + _say(language, "monitor unpublished", count=run.unpublished)
    alarms = 0 if state is None else len(state.alarms)
    report["earlier_alarms"] = alarms
    if alarms:
        text += "\n  " + _say(language, "monitor earlier alarms", count=alarms, path=arguments.state)
    _print_monitor(arguments, report, text)
    return EXIT_OK


def _replace_alarms(state: MonitorState, alarms: tuple[Mapping[str, object], ...]) -> MonitorState:
    return MonitorState(state.record, state.vkey, state.checkpoint, state.edge, state.checked_at, alarms)


def _print_monitor(arguments: argparse.Namespace, report: Mapping[str, object], text: str) -> None:
    if arguments.json:
        print(json.dumps(report, indent=2, ensure_ascii=False), flush=True)
    elif report.get("error"):
        print(text, file=sys.stderr, flush=True)
    else:
        print(text, flush=True)


def monitor_main(argv: Sequence[str] | None = None) -> int:
    """``verify_receipt.py --monitor URL --vkey VKEY [--state FILE] [--once | --interval S] [--json]``."""
    arguments = _monitor_parser().parse_args(argv)
    language = arguments.language or _language(None, {})
    try:
        verifier = _read_vkey(arguments.vkey)
        RecordClient(arguments.monitor, language)  # the URL is checked once, before any round
    except MonitorError as error:
        reason = error.text(language)
        _print_monitor(arguments, {"ok": False, "error": reason}, _say(language, "error", reason=reason))
        return EXIT_BAD_INPUT
    if arguments.interval is None:
        return _monitor_round(arguments, verifier, language)
    if arguments.interval <= 0:
        _monitor_parser().error("--interval must be positive")
    try:
        while True:
            status = _monitor_round(arguments, verifier, language)
            if status == EXIT_FAILED:
                return (
                    status  # an alarm stops the monitor: its evidence is printed and kept in the state file
                )
            time.sleep(arguments.interval)  # a portal out of reach is tried again next time
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
