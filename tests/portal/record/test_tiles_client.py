"""A tiles client written from the C2SP specs alone (tlog-tiles, tlog-checkpoint, signed-note), importing nothing
of the portal's record code: it fetches the checkpoint, checks its note signature with the published vkey,
rebuilds the root from the tiles, checks every entry against its leaf, and proves consistency between two
checkpoints from tiles alone."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import file_via_api

# --- the client (spec only) ---------------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def path_of(index: int) -> str:
    """tlog-tiles: 3-digit groups, all but the last prefixed with x."""
    text = f"{index:03d}"
    text = "0" * (-len(text) % 3) + text
    groups = [text[i : i + 3] for i in range(0, len(text), 3)]
    return "/".join([*("x" + group for group in groups[:-1]), groups[-1]])


def verify_note(note: str, vkey: str) -> tuple[str, int, bytes]:
    """signed-note + tlog-checkpoint: (origin, size, root) once the signature of the vkey's key verifies."""
    name, key_hash, encoded = vkey.split("+", 2)  # base64 may hold "+"
    key_material = base64.b64decode(encoded)
    assert key_material[0] == 1, "Ed25519"
    key = key_material[1:]
    assert sha256(name.encode() + b"\n" + b"\x01" + key)[:4].hex() == key_hash
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    verified = False
    for line in signatures.splitlines():
        dash, signer, signature = line.split(" ")
        assert dash == "\u2014"
        raw = base64.b64decode(signature)
        if signer == name and raw[:4].hex() == key_hash:
            Ed25519PublicKey.from_public_bytes(key).verify(raw[4:], text.encode())  # raises when forged
            verified = True
    assert verified, "no signature by the log's key"
    origin, size, root = text.splitlines()[:3]
    assert origin == name
    return origin, int(size), base64.b64decode(root)


def mth(hashes: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash over already-hashed leaves."""
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)
    return sha256(b"\x01" + mth(hashes[:split]) + mth(hashes[split:]))


class TilesClient:
    def __init__(self, client: FlaskClient, prefix: str = "/record/") -> None:
        self.client = client
        self.prefix = prefix
        self.fetched: list[str] = []

    def get(self, path: str) -> bytes:
        response = self.client.get(self.prefix + path)
        assert response.status_code == 200, (path, response.status_code)
        self.fetched.append(path)
        return response.get_data()

    def tile(self, level: int, index: int, width: int) -> list[bytes]:
        path = f"tile/{level}/{path_of(index)}" + ("" if width == 256 else f".p/{width}")
        data = self.get(path)
        assert len(data) == 32 * width
        return [data[i : i + 32] for i in range(0, len(data), 32)]

    def level_hashes(self, level: int, size: int) -> list[bytes]:
        """All hashes at tile level ``level`` of the tree of ``size`` entries (full subtrees of 256**level)."""
        count = size // 256**level
        hashes: list[bytes] = []
        for index in range(0, -(-count // 256)):
            hashes += self.tile(level, index, min(256, count - 256 * index))
        return hashes

    def root(self, size: int) -> bytes:
        """The tree's root from the tiles: each level's hashes cover full subtrees; the rest from lower levels."""
        pieces: list[bytes] = []  # roots of the perfect subtrees, left to right
        level = 0
        while 256**level <= size:
            level += 1
        covered = 0
        for current in range(level - 1, -1, -1):
            span = 256**current
            hashes = self.level_hashes(current, size)[covered // span :]
            # Split the remaining complete hashes of this level into perfect subtrees, largest first.
            while hashes:
                chunk = 1 << (len(hashes).bit_length() - 1)
                pieces.append(mth(hashes[:chunk]))
                hashes = hashes[chunk:]
                covered += chunk * span
        root = pieces[-1]
        for left in reversed(pieces[:-1]):
            root = sha256(b"\x01" + left + root)
        return root

    def entries(self, size: int) -> list[bytes]:
        found: list[bytes] = []
        for index in range(-(-size // 256)):
            width = min(256, size - 256 * index)
            data = self.get(f"tile/entries/{path_of(index)}" + ("" if width == 256 else f".p/{width}"))
            offset = 0
            while offset < len(data):
                length = int.from_bytes(data[offset : offset + 2], "big")
                found.append(data[offset + 2 : offset + 2 + length])
                offset += 2 + length
        return found


# --- the tests ---------------------------------------------------------------------------------------------


def test_path_encoding_of_the_client() -> None:
    assert path_of(1234067) == "x001/x234/067"
    assert path_of(5) == "005"


def record_entries(app: Flask, count: int) -> None:
    from portal.record import events  # the app side only: makes the log grow
    from portal.unit_of_work import commit

    with app.app_context():
        for number in range(count):
            events.record("test_note", complaint=None, actor="system", payload={"n": number})
        commit()


@pytest.mark.parametrize("extra", [0, 300])
def test_a_spec_only_client_rebuilds_the_checkpoint_root_from_tiles(
    app: Flask, client: FlaskClient, extra: int
) -> None:
    file_via_api(client)
    vkey = client.get("/api/v1/ledger/head").get_json()["vkey"]
    _, first_size, first_root = verify_note(client.get("/record/checkpoint").get_data(as_text=True), vkey)
    record_entries(app, extra)
    from portal.record import store as record_store
    from portal.unit_of_work import commit

    with app.app_context():
        record_store.publish_head(force=True)
        commit()
    head = client.get("/api/v1/ledger/head").get_json()
    vkey = head["vkey"]
    assert vkey in client.get("/ledger").get_data(as_text=True)
    response = client.get("/record/checkpoint")
    assert response.content_type == "text/plain; charset=utf-8"
    assert "max-age=5" in response.headers["Cache-Control"]
    origin, size, root = verify_note(response.get_data(as_text=True), vkey)
    assert size == head["tree_head"]["size"] == 2 + extra
    assert origin == head["origin"]
    assert root.hex() == head["tree_head"]["root_hash"]

    tiles = TilesClient(client)
    assert tiles.root(size) == root
    entries = tiles.entries(size)
    assert [sha256(b"\x00" + entry) for entry in entries] == tiles.level_hashes(0, size)
    assert json.loads(entries[0])["kind"] == "received"
    # The earlier checkpoint is a prefix of this one: its root rebuilt from today's tiles is the one signed.
    assert TilesClient(client).root(first_size) == first_root

    # A forged signature under the same vkey is refused.
    note = response.get_data(as_text=True)
    forged = note.replace(f"\n{size}\n", f"\n{size + 1}\n")
    with pytest.raises(InvalidSignature):
        verify_note(forged, vkey)


def test_full_tiles_are_immutable_and_paths_follow_the_spec(app: Flask, client: FlaskClient) -> None:
    record_entries(app, 256 + 3)
    full = client.get("/record/tile/0/000")
    assert full.status_code == 200
    assert full.content_type == "application/octet-stream"
    assert "immutable" in full.headers["Cache-Control"]
    assert len(full.get_data()) == 8192
    assert client.get("/record/tile/0/001.p/3").get_data() == client.get("/record/tile/0/001.p/3").get_data()
    assert (
        client.get("/record/tile/0/001.p/2").get_data()
        == client.get("/record/tile/0/001.p/3").get_data()[:64]
    )
    assert len(client.get("/record/tile/1/000.p/1").get_data()) == 32
    assert client.get("/record/tile/entries/000").status_code == 200
    for missing in (
        "tile/0/001",  # not full yet
        "tile/0/001.p/4",  # wider than the log
        "tile/0/1",  # not three digits
        "tile/00/000",  # leading zero in the level
        "tile/64/000",
        "tile/0/x000/001",
        "tile/0/000.p/0",
        "tile/entries/001",
        "tile/entries/002.p/1",
    ):
        response = client.get("/record/" + missing)
        assert response.status_code == 404, missing
        assert response.content_type.startswith("text/plain")
