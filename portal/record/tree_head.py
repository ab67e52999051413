"""Signing tree heads with the record's Ed25519 key, and keeping that key.

The signed bytes and the JSON shape of a head are defined once, in :mod:`portal.record.proofs`
(``TreeHead``, ``tree_head_message``), so that citizens' verifier and the portal cannot drift apart. This module
adds what needs :mod:`cryptography`: the private key, signing, and fast signature checks for whole-log audits.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portal.keyfiles import create_once
from portal.record.proofs import TreeHead, parse_public_key, tree_head_message

__all__ = [
    "KEY_FILE_NAME",
    "TreeHead",
    "load_or_create_signing_key",
    "load_public_key",
    "public_key_base64",
    "public_key_bytes",
    "public_key_hex",
    "public_key_pem",
    "sign_tree_head",
    "utc_timestamp",
    "verify_tree_head",
]

KEY_FILE_NAME = "record-signing-key.pem"


def load_or_create_signing_key(folder: Path) -> Ed25519PrivateKey:
    """The key in ``folder/record-signing-key.pem``, created (mode 0600, unencrypted PKCS#8) if absent.

    Creation is atomic: the key is written to a private temporary file and hard-linked into place, so a
    concurrent first start never reads a half-written key and exactly one key wins.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE_NAME
    if not path.exists():
        _create_key_file(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def _create_key_file(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    create_once(path, pem)


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_hex(public_key: Ed25519PublicKey) -> str:
    return public_key_bytes(public_key).hex()


def public_key_base64(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key_bytes(public_key)).decode("ascii")


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    """A published key given as hex, base64 or PEM (what the stand-alone verifier accepts)."""
    return Ed25519PublicKey.from_public_bytes(parse_public_key(text))


def utc_timestamp(moment: datetime) -> str:
    """``moment`` as a tree-head timestamp: ISO-8601 UTC to the second, like ``2025-03-14T09:26:53Z``."""
    if moment.tzinfo is None:
        raise ValueError("a tree head timestamp needs a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_tree_head(private_key: Ed25519PrivateKey, size: int, root_hash: bytes, timestamp: str) -> TreeHead:
    """Sign that the record held ``size`` entries with root ``root_hash`` at ``timestamp``."""
    signature = private_key.sign(tree_head_message(size, root_hash, timestamp))
    return TreeHead(size=size, root_hash=root_hash, timestamp=timestamp, signature=signature)


def verify_tree_head(head: TreeHead, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(head.signature, head.signed_message())
    except InvalidSignature:
        return False
    return True
