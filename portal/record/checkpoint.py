"""Checkpoints as the transparency ecosystem writes them: C2SP tlog-checkpoint in a C2SP signed note.

A checkpoint's text is three lines: the origin (the log's name, a scheme-less URL), the tree size in decimal,
and the RFC 6962 root in base64. The signed note adds a blank line and one line per signature,
``— <key name> base64(key ID || Ed25519 signature of the text)``, with the key ID the first four bytes of
SHA-256(key name || 0x0A || 0x01 || public key). The verifier key is ``<name>+<hex key ID>+base64(0x01 ||
public key)``. Witnesses add their own signature lines to the same note (https://c2sp.org/tlog-witness).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from portal.record.proofs import HASH_SIZE, note_key_id
from portal.record.tree_head import public_key_bytes

ED25519_TYPE = b"\x01"
_NAME = re.compile(r"[^\s+]+")


class NoteError(ValueError):
    """Not a well-formed checkpoint or signed note."""


def check_origin(origin: str) -> str:
    if not isinstance(origin, str) or not _NAME.fullmatch(origin) or "\u2014" in origin:
        raise NoteError(f"a checkpoint origin (and key name) has no spaces or '+': {origin!r}")
    return origin


# The key ID is the stand-alone verifier's, as the hashing is: the monitor and the portal name keys alike.
key_id = note_key_id


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    raw = public_key_bytes(public_key)
    return f"{check_origin(name)}+{key_id(name, raw).hex()}+{base64.b64encode(ED25519_TYPE + raw).decode()}"


def checkpoint_text(origin: str, size: int, root_hash: bytes) -> str:
    if size < 0 or len(root_hash) != HASH_SIZE:
        raise NoteError("a checkpoint has a non-negative size and a 32-byte root")
    return f"{check_origin(origin)}\n{size}\n{base64.b64encode(root_hash).decode()}\n"


def signature_line(name: str, private_key: Ed25519PrivateKey, text: str) -> str:
    raw = public_key_bytes(private_key.public_key())
    signature = private_key.sign(text.encode("utf-8"))
    return f"\u2014 {name} {base64.b64encode(key_id(name, raw) + signature).decode()}\n"


def sign_checkpoint(origin: str, private_key: Ed25519PrivateKey, size: int, root_hash: bytes) -> str:
    """The signed note of the checkpoint, signed by the log under its origin as key name."""
    text = checkpoint_text(origin, size, root_hash)
    return f"{text}\n{signature_line(origin, private_key, text)}"


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"\u2014 {self.name} {base64.b64encode(self.key_id + self.signature).decode()}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    text: str
    signatures: tuple[Signature, ...]

    def note(self) -> str:
        return self.text + "\n" + "".join(signature.line() for signature in self.signatures)

    def signed_by(self, name: str, public_key: Ed25519PublicKey) -> bool:
        """Whether a signature line of ``name`` with the key's ID verifies (and none of them fails)."""
        wanted = key_id(name, public_key_bytes(public_key))
        found = False
        for signature in self.signatures:
            if signature.name == name and signature.key_id == wanted:
                try:
                    public_key.verify(signature.signature, self.text.encode("utf-8"))
                except InvalidSignature:
                    return False
                found = True
        return found


def parse_checkpoint(note: str) -> Checkpoint:
    """A signed checkpoint note, split into its text and its signature lines (not verified here)."""
    if any(ord(character) < 0x20 and character != "\n" for character in note):
        raise NoteError("a signed note holds no control characters but newlines")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise NoteError("a signed note is text, a blank line, and signature lines")
    text, lines = note[: split + 1], note[split + 2 :].splitlines()
    signatures = []
    for line in lines:
        match = re.fullmatch(r"\u2014 ([^\s+]+) ([A-Za-z0-9+/=]+)", line)
        if match is None:
            raise NoteError(f"not a signature line: {line!r}")
        try:
            raw = base64.b64decode(match.group(2), validate=True)
        except binascii.Error as error:
            raise NoteError("a signature is not valid base64") from error
        if len(raw) < 5:
            raise NoteError("a signature is a 4-byte key ID and the signature")
        signatures.append(Signature(match.group(1), raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("a signed note has at least one signature")
    body = text.split("\n")[:-1]
    if len(body) < 3 or not re.fullmatch(r"0|[1-9]\d*", body[1]):
        raise NoteError("a checkpoint is origin, tree size and root hash, one a line")
    try:
        root = base64.b64decode(body[2], validate=True)
    except binascii.Error as error:
        raise NoteError("a checkpoint's root is not valid base64") from error
    if len(root) != HASH_SIZE:
        raise NoteError("a checkpoint's root is 32 bytes")
    return Checkpoint(body[0], int(body[1]), root, text, tuple(signatures))


# --- Witness cosignatures (C2SP tlog-cosignature, Ed25519: signature type 0x04) --------------------------------

COSIGNATURE_TYPE = b"\x04"


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    signature_type: bytes
    public_key: bytes


def parse_vkey(vkey: str) -> VerifierKey:
    """``<name>+<hex key ID>+<base64(type || key)>``, its key ID checked against the name and key."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise NoteError(f"not a verifier key (<name>+<hex key ID>+<base64>): {vkey!r}")
    name = check_origin(parts[0])
    try:
        material = base64.b64decode(parts[2], validate=True)
    except binascii.Error as error:
        raise NoteError("a verifier key's key is not valid base64") from error
    if len(material) != 33 or material[:1] not in (ED25519_TYPE, COSIGNATURE_TYPE):
        raise NoteError("only Ed25519 verifier keys (type 0x01 or 0x04) are supported")
    expected = hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]
    if expected.hex() != parts[1]:
        raise NoteError("the verifier key's ID does not match its name and key")
    return VerifierKey(name, expected, material[:1], material[1:])


def cosignature_message(text: str, timestamp: int) -> bytes:
    """What an Ed25519 witness cosignature (cosignature/v1) signs for the checkpoint ``text``."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def verify_cosignature(signature: Signature, text: str, witness: VerifierKey) -> int | None:
    """The cosignature's timestamp when it is the witness's valid cosignature of ``text``, else None."""
    if (
        witness.signature_type != COSIGNATURE_TYPE
        or signature.name != witness.name
        or signature.key_id != witness.key_id
        or len(signature.signature) != 8 + 64
    ):
        return None
    timestamp = int.from_bytes(signature.signature[:8], "big")
    if not 0 < timestamp < 2**63:
        return None
    try:
        Ed25519PublicKey.from_public_bytes(witness.public_key).verify(
            signature.signature[8:], cosignature_message(text, timestamp)
        )
    except (InvalidSignature, ValueError):
        return None
    return timestamp


def parse_signature_lines(body: str) -> list[Signature]:
    """Signature lines as a witness answers them (each ``— <name> <base64>``); malformed ones are skipped."""
    found = []
    for line in body.splitlines():
        match = re.fullmatch(r"\u2014 ([^\s+]+) ([A-Za-z0-9+/=]+)", line)
        if match is None:
            continue
        try:
            raw = base64.b64decode(match.group(2), validate=True)
        except binascii.Error:
            continue
        if len(raw) > 4:
            found.append(Signature(match.group(1), raw[:4], raw[4:]))
    return found
