"""Checkpoints and signed notes (C2SP): the spec's own example, round trips, and malformed notes."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portal.record.checkpoint import (
    NoteError,
    check_origin,
    key_id,
    parse_checkpoint,
    sign_checkpoint,
    verifier_key,
)

SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_SIGNATURE = (
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
)


def test_the_key_id_and_vkey_are_those_of_the_signed_note_spec_example() -> None:
    name, _, encoded = SPEC_VKEY.split("+", 2)
    raw = base64.b64decode(encoded)[1:]
    assert key_id(name, raw).hex() == "530d903a"
    public = Ed25519PublicKey.from_public_bytes(raw)
    assert verifier_key(name, public) == SPEC_VKEY
    signature = base64.b64decode(SPEC_SIGNATURE)
    assert signature[:4].hex() == "530d903a"
    public.verify(signature[4:], b"This is an example message.\n")


def test_a_signed_checkpoint_parses_and_verifies() -> None:
    key = Ed25519PrivateKey.generate()
    note = sign_checkpoint("example.org/record", key, 42, bytes(range(32)))
    lines = note.split("\n")
    assert lines[:4] == ["example.org/record", "42", base64.b64encode(bytes(range(32))).decode(), ""]
    assert lines[4].startswith("\u2014 example.org/record ")
    checkpoint = parse_checkpoint(note)
    assert (checkpoint.origin, checkpoint.size, checkpoint.root_hash) == (
        "example.org/record",
        42,
        bytes(range(32)),
    )
    assert checkpoint.signed_by("example.org/record", key.public_key())
    assert not checkpoint.signed_by("example.org/record", Ed25519PrivateKey.generate().public_key())
    assert checkpoint.note() == note
    forged = parse_checkpoint(note.replace("\n42\n", "\n43\n"))
    assert not forged.signed_by("example.org/record", key.public_key())


@pytest.mark.parametrize(
    "note",
    [
        "",
        "example.org/record\n42\nAAAA\n\n\u2014 example.org/record AAAAAAAA\n",  # root not 32 bytes
        "example.org/record\n042\n" + base64.b64encode(bytes(32)).decode() + "\n\n\u2014 a AAAAAAAA\n",
        "example.org/record\n42\n" + base64.b64encode(bytes(32)).decode() + "\n\n",
        "example.org/record\n42\n" + base64.b64encode(bytes(32)).decode() + "\n\n- a AAAAAAAA\n",
        "example.org/record\t\n42\n" + base64.b64encode(bytes(32)).decode() + "\n\n\u2014 a AAAAAAAA\n",
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(note)


@pytest.mark.parametrize("origin", ["", "a b", "a+b", "a\u2014b"])
def test_an_origin_has_no_spaces_or_plus(origin: str) -> None:
    with pytest.raises(NoteError):
        check_origin(origin)
