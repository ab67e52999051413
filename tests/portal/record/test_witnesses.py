"""Witnesses: the worker pushes checkpoints to a witness written here from C2SP tlog-witness and
tlog-cosignature alone (not importing the portal's record code), served over real HTTP on 127.0.0.1; the
portal stores the cosignature, serves it with the checkpoint, shows it on /ledger, and handles 409, 403,
404 and 422 as the spec says."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import file_via_api

WITNESS_NAME = "witness.test/w1"


# --- a witness, from the spec ---------------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def consistent(old_size: int, new_size: int, proof: list[bytes], old_root: bytes, new_root: bytes) -> bool:
    """RFC 9162 2.1.4.2, for 0 < old_size < new_size."""
    if old_size & (old_size - 1) == 0:
        proof = [old_root, *proof]
    if not proof:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


@dataclass
class SpecWitness:
    log_vkey: str
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    state: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    answers: list[int] = field(default_factory=list)
    force: int | None = None  # answer with this status whatever comes

    @property
    def public(self) -> bytes:
        return self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return sha256(WITNESS_NAME.encode() + b"\n\x04" + self.public)[:4]

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([4]) + self.public).decode()
        return f"{WITNESS_NAME}+{self.key_id.hex()}+{material}"

    def add_checkpoint(self, body: str) -> tuple[int, str, str]:
        head, _, note = body.partition("\n\n")
        lines = head.split("\n")
        old = int(lines[0].removeprefix("old "))
        proof = [base64.b64decode(line) for line in lines[1:]]
        text, _, signatures = note.rpartition("\n\n")
        text += "\n"
        origin, size_line, root_line = text.split("\n")[:3]
        size, root = int(size_line), base64.b64decode(root_line)
        name, key_hash, encoded = self.log_vkey.split("+", 2)
        if origin != name:
            return 404, "text/plain", "unknown origin\n"
        log_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded)[1:])
        verified = False
        for line in signatures.splitlines():
            _, signer, signature = line.split(" ")
            raw = base64.b64decode(signature)
            if signer == name and raw[:4].hex() == key_hash:
                try:
                    log_key.verify(raw[4:], text.encode())
                except InvalidSignature:
                    return 403, "text/plain", "bad signature\n"
                verified = True
        if not verified:
            return 403, "text/plain", "no signature by a trusted key\n"
        if old > size:
            return 400, "text/plain", "old size above the checkpoint\n"
        known_size, known_root = self.state.get(origin, (0, sha256(b"")))
        if old != known_size:
            return 409, "text/x.tlog.size", f"{known_size}\n"
        if size == 0 and root != sha256(b""):
            return 422, "text/plain", "size 0 needs the empty root\n"
        if old == 0 and proof:
            return 422, "text/plain", "no proof from the empty tree\n"
        if old == size and root != known_root:
            return 422, "text/plain", "same size, another root\n"
        if 0 < old < size and not consistent(old, size, proof, known_root, root):
            return 422, "text/plain", "inconsistent\n"
        self.state[origin] = (size, root)
        timestamp = int(time.time())
        signed = self.key.sign(f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode())
        line = base64.b64encode(self.key_id + timestamp.to_bytes(8, "big") + signed).decode()
        return 200, "text/plain", f"\u2014 {WITNESS_NAME} {line}\n"


@pytest.fixture
def witness() -> Iterator[tuple[SpecWitness, str]]:
    spec = SpecWitness(log_vkey="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            if self.path != "/w1/add-checkpoint":
                status, kind, text = 404, "text/plain", "no such endpoint\n"
            elif spec.force is not None:
                status, kind, text = spec.force, "text/plain", "forced\n"
            else:
                status, kind, text = spec.add_checkpoint(body)
            spec.answers.append(status)
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield spec, f"http://127.0.0.1:{server.server_address[1]}/w1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def config_overrides(witness: tuple[SpecWitness, str]) -> dict[str, Any]:
    spec, url = witness
    return {"WITNESSES": ((spec.vkey, url),)}


def run_job(app: Flask) -> None:
    from portal import jobs  # the app side: the job as the worker runs it

    with app.app_context():
        jobs.execute("ledger_witness_checkpoint")


def checkpoint(client: FlaskClient) -> str:
    response = client.get("/record/checkpoint")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def publish(app: Flask) -> None:
    from portal.record import store as record_store
    from portal.unit_of_work import commit

    with app.app_context():
        record_store.publish_head(force=True)
        commit()


def test_the_witness_cosigns_and_the_checkpoint_carries_its_cosignature(
    app: Flask, client: FlaskClient, witness: tuple[SpecWitness, str]
) -> None:
    spec, _ = witness
    file_via_api(client)
    spec.log_vkey = client.get("/api/v1/ledger/head").get_json()["vkey"]
    run_job(app)
    assert spec.answers == [200]
    note = checkpoint(client)
    assert f"\u2014 {WITNESS_NAME} " in note
    # A client holding the witness's key verifies the cosignature from the served note alone.
    text, _, signatures = note.rpartition("\n\n")
    line = next(line for line in signatures.splitlines() if line.split(" ")[1] == WITNESS_NAME)
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == spec.key_id
    Ed25519PublicKey.from_public_bytes(spec.public).verify(
        raw[12:],
        b"cosignature/v1\ntime "
        + str(int.from_bytes(raw[4:12], "big")).encode()
        + b"\n"
        + text.encode()
        + b"\n",
    )
    page = client.get("/ledger", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert WITNESS_NAME in page
    assert "yes" in page
    # The next checkpoint goes with a consistency proof from the one cosigned.
    file_via_api(client)
    publish(app)
    run_job(app)
    assert spec.answers == [200, 200]
    assert spec.state[spec.log_vkey.split("+")[0]][0] == 4
    run_job(app)  # nothing new: the witness is not asked again
    assert spec.answers == [200, 200]


def test_a_409_is_answered_from_the_size_the_witness_has(
    app: Flask, client: FlaskClient, witness: tuple[SpecWitness, str]
) -> None:
    spec, _ = witness
    file_via_api(client)
    spec.log_vkey = client.get("/api/v1/ledger/head").get_json()["vkey"]
    run_job(app)
    file_via_api(client)
    publish(app)
    # The portal forgets what the witness cosigned (a restored backup): the witness says 409 with its size.
    from portal.extensions import db
    from portal.record.models import Witness

    with app.app_context():
        db.session.execute(db.update(Witness).values(size=0, cosigned_size=None))
        db.session.commit()
    run_job(app)
    assert spec.answers == [200, 409, 200]
    assert f"\u2014 {WITNESS_NAME} " in checkpoint(client)


def test_a_rolled_back_record_gets_no_cosignature_and_ledger_says_so(
    app: Flask, client: FlaskClient, witness: tuple[SpecWitness, str]
) -> None:
    """The witness has cosigned 4 entries; the operator restores the database from before: the witness's 409
    names a size above the published one, which the portal reports as the rollback it is."""
    spec, _ = witness
    file_via_api(client)
    spec.log_vkey = client.get("/api/v1/ledger/head").get_json()["vkey"]
    spec.state[spec.log_vkey.split("+")[0]] = (4, bytes(32))  # what it saw before the rollback
    run_job(app)
    assert spec.answers == [409]
    from portal.extensions import db
    from portal.record.models import Witness

    with app.app_context():
        row = db.session.get(Witness, WITNESS_NAME)
        assert row is not None
        assert row.status == "ahead"
    assert f"\u2014 {WITNESS_NAME} " not in checkpoint(client)
    assert "no" in client.get("/ledger", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "recorded"), [(403, "forbidden"), (404, "unknown_log"), (422, "inconsistent")]
)
def test_refusals_are_recorded_and_nothing_is_served(
    app: Flask, client: FlaskClient, witness: tuple[SpecWitness, str], status: int, recorded: str
) -> None:
    spec, _ = witness
    file_via_api(client)
    spec.log_vkey = client.get("/api/v1/ledger/head").get_json()["vkey"]
    spec.force = status
    run_job(app)
    from portal.extensions import db
    from portal.record.models import Witness

    with app.app_context():
        row = db.session.get(Witness, WITNESS_NAME)
        assert row is not None
        assert row.status == recorded
    assert f"\u2014 {WITNESS_NAME} " not in checkpoint(client)


def test_a_fork_is_refused_by_the_witness(
    app: Flask, client: FlaskClient, witness: tuple[SpecWitness, str]
) -> None:
    """The witness saw 2 entries with another root (a fork): our proof from 2 does not verify, 422."""
    spec, _ = witness
    file_via_api(client)
    file_via_api(client)
    spec.log_vkey = client.get("/api/v1/ledger/head").get_json()["vkey"]
    spec.state[spec.log_vkey.split("+")[0]] = (2, bytes(32))
    run_job(app)
    assert spec.answers == [409, 422]
