from __future__ import annotations

import base64
import stat
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.record.tree_head import (
    KEY_FILE_NAME,
    load_or_create_signing_key,
    load_public_key,
    public_key_base64,
    public_key_bytes,
    public_key_hex,
    public_key_pem,
    sign_tree_head,
    utc_timestamp,
    verify_tree_head,
)
from tests.portal.record import vectors

KEY = Ed25519PrivateKey.generate()


def test_the_signing_key_is_created_private_and_then_reused(tmp_path: Path) -> None:
    folder = tmp_path / "instance"
    key = load_or_create_signing_key(folder)
    path = folder / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(folder.iterdir()) == [path], "no temporary file is left behind"
    again = load_or_create_signing_key(folder)
    assert public_key_bytes(again.public_key()) == public_key_bytes(key.public_key())


def test_an_existing_key_file_is_never_replaced(tmp_path: Path) -> None:
    pem = KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / KEY_FILE_NAME).write_bytes(pem)
    loaded = load_or_create_signing_key(tmp_path)
    assert public_key_bytes(loaded.public_key()) == public_key_bytes(KEY.public_key())


def test_a_key_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    other = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / KEY_FILE_NAME).write_bytes(other)
    with pytest.raises(ValueError, match="Ed25519"):
        load_or_create_signing_key(tmp_path)


def test_the_public_key_exports_in_every_published_form() -> None:
    public = KEY.public_key()
    raw = public_key_bytes(public)
    assert len(raw) == 32
    assert bytes.fromhex(public_key_hex(public)) == raw
    assert base64.b64decode(public_key_base64(public)) == raw
    for text in (public_key_hex(public), public_key_base64(public), public_key_pem(public)):
        assert public_key_bytes(load_public_key(text)) == raw


def test_a_signed_head_verifies_and_any_change_is_detected() -> None:
    head = sign_tree_head(KEY, 8, vectors.ROOTS[7], "2025-03-14T09:26:53Z")
    public = KEY.public_key()
    assert verify_tree_head(head, public)
    assert head.signature_is_valid(public_key_bytes(public)), "the pure-Python check agrees"
    for forged in (
        replace(head, size=9),
        replace(head, root_hash=vectors.ROOTS[6]),
        replace(head, timestamp="2025-03-14T09:26:54Z"),
        replace(head, signature=bytes(64)),
    ):
        assert not verify_tree_head(forged, public)
    assert not verify_tree_head(head, Ed25519PrivateKey.generate().public_key())


def test_signing_refuses_fields_that_could_read_two_ways() -> None:
    with pytest.raises(ValueError, match="timestamp"):
        sign_tree_head(KEY, 1, vectors.ROOTS[0], "2025-03-14T09:26:53Z\n2")
    with pytest.raises(ValueError, match="root_hash"):
        sign_tree_head(KEY, 1, b"short", "2025-03-14T09:26:53Z")


def test_timestamps_are_utc_to_the_second() -> None:
    beijing = timezone(timedelta(hours=8))
    assert utc_timestamp(datetime(2025, 3, 14, 17, 26, 53, 999, tzinfo=beijing)) == "2025-03-14T09:26:53Z"
    assert utc_timestamp(datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)) == "2025-03-14T09:26:53Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_timestamp(datetime(2025, 3, 14, 9, 26, 53))
