"""The monitor in the stand-alone verifier (``verify_receipt.py --monitor``): downloaded from /ledger and run with
the standard library only, on this Python and on the oldest supported, against the portal over real HTTP. It
checks each checkpoint's note signature, rebuilds the tree from the entries and the tiles, extends it
incrementally on later runs, and raises the alarm with both signed checkpoints on a rollback, a fork or a
rewrite, which a hostile operator holding the portal's key is simulated to serve."""

from __future__ import annotations

import gzip
import html
import http.server
import json
import os
import re
import shlex
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.models import utcnow
from portal.record import events, proofs
from portal.record import store as record_store
from portal.record.checkpoint import sign_checkpoint, verifier_key
from portal.record.merkle import tree_root
from portal.record.models import SignedHead
from portal.record.tiles import TreeView, bundle_of, parse_index_path, tiles_for
from portal.record.tree_head import sign_tree_head, utc_timestamp
from portal.unit_of_work import commit
from tests.factories import file_via_api
from tests.portal.record.rfc6962_reference import mth
from tests.portal.record.standalone import download_verifier, run_verifier
from tests.portal.record.test_tamper import rewrite


def grow(app: Flask, count: int) -> int:
    """Record ``count`` entries and have the portal publish a head over them; the log's size."""
    with app.app_context():
        for number in range(count):
            events.record("test_note", complaint=None, actor="system", payload={"n": number})
        commit()
        head = record_store.publish_head(force=True)
        commit()
        assert head is not None
        return head.size


def served_note(client: FlaskClient) -> str:
    response = client.get("/record/checkpoint")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sign_as_the_operator(app: Flask, size: int, root: bytes) -> str:
    """A hostile operator with the portal's key publishes a head of its choosing (the portal itself refuses to
    sign a history inconsistent with its own): the head at ``size`` and above replaced by one over ``root``."""
    with app.app_context():
        key = record_store.signing_key()
        head = sign_tree_head(key, size, root, utc_timestamp(utcnow()))
        note = sign_checkpoint(record_store.origin(), key, size, root)
        db.session.execute(sa.delete(SignedHead).where(SignedHead.size >= size))
        db.session.add(
            SignedHead(
                size=size,
                root_hash=root.hex(),
                timestamp=head.timestamp,
                signature=head.signature.hex(),
                checkpoint=note,
            )
        )
        db.session.commit()
        return note


class Monitor:
    def __init__(self, python: str, script: Path, portal: str, vkey: str) -> None:
        self.python, self.script, self.portal, self.vkey = python, script, portal, vkey
        self.state = script.parent / "monitor-state.json"

    def run(self, *extra: str, vkey: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_verifier(
            self.python,
            self.script,
            "--monitor",
            f"{self.portal}/record/",
            "--vkey",
            self.vkey if vkey is None else vkey,
            "--state",
            str(self.state.relative_to(self.script.parent)),
            *extra,
        )

    def report(self, *extra: str, status: int = 0) -> dict[str, Any]:
        result = self.run("--json", *extra)
        assert result.returncode == status, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def saved(self) -> dict[str, Any]:
        state: dict[str, Any] = json.loads(self.state.read_text(encoding="utf-8"))
        return state


@pytest.fixture
def monitor(app: Flask, live_server: str, client: FlaskClient, tmp_path: Path, python: str) -> Monitor:
    with app.app_context():
        vkey = record_store.vkey()  # as /ledger publishes it
    return Monitor(python, download_verifier(client, tmp_path), live_server, vkey)


def test_first_run_then_only_what_was_added_is_fetched(
    app: Flask, client: FlaskClient, monitor: Monitor
) -> None:
    file_via_api(client)
    size = grow(app, 256)  # a full level-0 tile, a partial one and a level-1 tile
    first = monitor.report()
    assert first["ok"] is True
    assert first["size"] == size
    assert first["previous_size"] is None
    partial = size - 256
    assert first["fetched"] == [
        "checkpoint",
        "tile/entries/000",
        f"tile/entries/001.p/{partial}",
        "tile/0/000",
        f"tile/0/001.p/{partial}",
        "tile/1/000.p/1",
    ]
    state = monitor.saved()
    assert state["checkpoint"] == served_note(client)
    assert state["size"] == size
    assert [len(level) for level in state["right_edge"]] == [partial, 1]

    newer = grow(app, 5)
    second = monitor.report()
    assert second["ok"] is True
    assert (second["previous_size"], second["size"]) == (size, newer)
    # Only the partial bundle and tile that grew: the full tile and the level-1 tile are not fetched again.
    assert second["fetched"] == [
        "checkpoint",
        f"tile/entries/001.p/{partial + 5}",
        f"tile/0/001.p/{partial + 5}",
    ]
    assert monitor.saved()["checkpoint"] == served_note(client)

    unchanged = monitor.run("--lang", "en")
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert unchanged.stdout.startswith(f"OK: {monitor.portal}/record/ still holds the {newer} entries")
    grow(app, 1)
    chinese = monitor.run("--lang", "zh")
    assert chinese.returncode == 0, chinese.stdout + chinese.stderr
    assert chinese.stdout.startswith(f"通过：{monitor.portal}/record/ 现有 {newer + 1} 条记录")


def test_a_rollback_is_reported_with_both_checkpoints(
    app: Flask, client: FlaskClient, monitor: Monitor
) -> None:
    file_via_api(client)
    older = served_note(client)  # published now: the head to roll back to
    size = grow(app, 3)
    newer = served_note(client)
    assert monitor.report()["size"] == size
    with app.app_context(), db.engine.begin() as connection:  # the newest head is deleted with plain SQL
        connection.execute(sa.text("DELETE FROM tree_heads WHERE size = :size"), {"size": size})
    assert served_note(client) == older

    report = monitor.report(status=1)
    assert report["problem"] == "rollback"
    assert (report["previous_checkpoint"], report["checkpoint"]) == (newer, older)
    text = monitor.run("--lang", "en")
    assert text.returncode == 1
    assert text.stdout.startswith("FAILED: the record was rolled back: it now signs"), text.stdout
    assert newer in text.stdout
    assert older in text.stdout
    # The good checkpoint is kept; the evidence is added, once however often it is seen.
    state = monitor.saved()
    assert state["checkpoint"] == newer
    assert [alarm["problem"] for alarm in state["alarms"]] == ["rollback"]
    # Once the portal serves the good checkpoint again, it passes, and says evidence is kept.
    sign_as_the_operator(app, size, bytes.fromhex(state["root_hash"]))
    again = monitor.run("--lang", "en")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "keeps the evidence of 1 earlier alarm(s)" in again.stdout
    assert state["alarms"][0]["checkpoint"] == older


def test_another_root_for_the_same_size_is_a_fork(app: Flask, client: FlaskClient, monitor: Monitor) -> None:
    file_via_api(client)
    size = grow(app, 2)
    good = served_note(client)
    assert monitor.report()["ok"] is True
    forged = sign_as_the_operator(app, size, bytes(32))
    report = monitor.report(status=1)
    assert report["problem"] == "fork"
    assert (report["previous_checkpoint"], report["checkpoint"]) == (good, forged)
    chinese = monitor.run("--lang", "zh")
    assert chinese.returncode == 1
    assert chinese.stdout.startswith(f"未通过：记录出现分叉：同样 {size} 条记录"), chinese.stdout
    assert monitor.saved()["checkpoint"] == good


@pytest.mark.parametrize(
    ("seq", "named"),
    [
        (257, "entry #257 is no longer the one checked before"),  # in the partial bundle fetched again
        (10, "the 258 entries checked before and the new ones do not give the root"),  # in a full tile
    ],
)
def test_a_rewritten_history_under_a_valid_signature_is_caught(
    app: Flask, monitor: Monitor, seq: int, named: str
) -> None:
    size = grow(app, 258)
    assert monitor.report()["ok"] is True
    good = monitor.saved()["checkpoint"]
    with app.app_context():
        # The entry, every leaf hash, the state, the tiles and the bundles recomputed: only signatures are not.
        rewrite(seq, tiles=True, bundles=True)
        for number in range(3):
            events.record("test_note", complaint=None, actor="system", payload={"n": number})
        commit()
        root = TreeView(record_store.tile_store(), size + 3).root()
    forged = sign_as_the_operator(app, size + 3, root)
    report = monitor.report("--lang", "en", status=1)
    assert report["problem"] == "rewrite"
    assert named in report["reason"], report["reason"]
    assert (report["previous_checkpoint"], report["checkpoint"]) == (good, forged)
    assert monitor.saved()["checkpoint"] == good


def test_a_tile_that_does_not_match_the_entries(app: Flask, client: FlaskClient, monitor: Monitor) -> None:
    file_via_api(client)
    size = grow(app, 3)
    with app.app_context(), db.engine.begin() as connection:
        data = connection.execute(
            sa.text("SELECT data FROM record_tiles WHERE level = 0 AND tile_index = 0")
        ).scalar_one()
        connection.execute(
            sa.text("UPDATE record_tiles SET data = :data WHERE level = 0 AND tile_index = 0"),
            {"data": bytes(data[:40]) + bytes([data[40] ^ 1]) + bytes(data[41:])},
        )
    report = monitor.report("--lang", "en", status=1)
    assert report["problem"] == "tile"
    assert report["reason"].startswith(f"tile 0/000.p/{size} does not match the entries")
    assert not monitor.state.exists()  # nothing verified, nothing kept


def test_a_wrong_or_malformed_key(app: Flask, client: FlaskClient, monitor: Monitor) -> None:
    file_via_api(client)
    with app.app_context():
        other = verifier_key(record_store.origin(), Ed25519PrivateKey.generate().public_key())
    wrong = monitor.run("--lang", "en", vkey=other)
    assert wrong.returncode == 1, wrong.stdout + wrong.stderr
    assert wrong.stdout.startswith("FAILED: the checkpoint is not signed by the key"), wrong.stdout
    name, _key_id, key = monitor.vkey.split("+", 2)
    damaged = monitor.run("--lang", "en", vkey=f"{name}+{'0' * 8}+{key}")
    assert damaged.returncode == 2
    assert damaged.stderr.startswith("ERROR: not a usable verifier key: the verifier key's ID does not match")
    small_order = f"{name}+{proofs.note_key_id(name, bytes(32)).hex()}+AQ{'A' * 42}="  # 0x01 || 32 zero bytes
    refused = monitor.run("--lang", "en", vkey=small_order)
    assert refused.returncode == 2
    assert "not a canonical Ed25519 key of large order" in refused.stderr, refused.stderr
    renamed = monitor.run("--lang", "en", vkey=verifier_key_named("another.example/log", monitor.vkey))
    assert renamed.returncode == 1
    assert "not signed by the key another.example/log+" in renamed.stdout, renamed.stdout
    assert not monitor.state.exists()


def verifier_key_named(name: str, vkey: str) -> str:
    key = proofs.parse_vkey(vkey).public_key
    return proofs.NoteVerifier(name, proofs.note_key_id(name, key), key).vkey()


def test_an_unreachable_portal_is_one_line_and_status_2(monitor: Monitor) -> None:
    monitor.portal = "http://127.0.0.1:9"
    for language, start in (
        ("en", "ERROR: cannot reach http://127.0.0.1:9/record/checkpoint"),
        ("zh", "无法检查："),
    ):
        result = monitor.run("--lang", language)
        assert result.returncode == 2
        assert result.stderr.startswith(start), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert json.loads(monitor.run("--json").stdout)["ok"] is False
    monitor.portal = "ftp://127.0.0.1"
    not_http = monitor.run("--lang", "en")
    assert not_http.returncode == 2
    assert not_http.stderr.startswith("ERROR: ftp://127.0.0.1/record/ is not an http(s) URL"), not_http.stderr


# --- the tree arithmetic, in process ---------------------------------------------------------------------


class TilesServed(proofs.RecordClient):
    """The tiles and bundles of a log of ``entries``, served from memory as tlog-tiles paths."""

    def __init__(self, entries: list[bytes]) -> None:
        super().__init__("https://portal.example/record/", "en")
        self.entries = entries
        self.tiles = tiles_for([proofs.leaf_hash(entry) for entry in entries])

    def get(self, path: str, limit: int) -> bytes:
        self.fetched.append(path)
        assert limit >= 256 * 32
        kind, rest = path.removeprefix("tile/").split("/", 1)
        index, width = parse_index_path(rest)
        count = 256 if width is None else width
        if kind == "entries":
            return bundle_of(self.entries[index * 256 : index * 256 + count])
        data = self.tiles[(int(kind), index)]
        assert len(data) >= count * 32
        return data[: count * 32]


def test_the_right_edge_extends_across_tile_and_level_boundaries() -> None:
    entries = [b"entry %d" % number for number in range(65536 + 300)]
    served = TilesServed(entries)
    leaves = [proofs.leaf_hash(entry) for entry in entries]
    edge: tuple[tuple[bytes, ...], ...] = ()
    old = 0
    for size in (1, 2, 255, 256, 257, 511, 512, 513, 700, 65535, 65536, 65537, 65536 + 300):
        served.fetched.clear()
        edge, unpublished = proofs.extend_tree(served, old, edge, size)
        assert unpublished == 0
        assert proofs.edge_root(edge) == tree_root(leaves[:size]), size
        assert all(path.startswith("tile/") for path in served.fetched)
        old = size
    assert proofs.edge_root(edge) == mth(leaves)
    assert proofs.edge_root(()) == proofs.EMPTY_ROOT


def test_the_ledger_pages_monitor_command_followed_literally(
    app: Flask, client: FlaskClient, monitor: Monitor
) -> None:
    file_via_api(client)
    page = client.get("/ledger", base_url=monitor.portal).get_data(as_text=True)
    found = re.search(r'<pre class="code">(python3 verify_receipt\.py --monitor [^<]+)</pre>', page)
    assert found is not None
    command = shlex.split(html.unescape(found.group(1)))
    assert command[command.index("--vkey") + 1] == monitor.vkey
    result = run_verifier(monitor.python, monitor.script, *command[2:], "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK: first check of {monitor.portal}/record/")
    assert monitor.state.exists()


def test_a_damaged_state_file_is_refused_not_trusted(client: FlaskClient, monitor: Monitor) -> None:
    file_via_api(client)
    assert monitor.report()["ok"] is True
    state = monitor.saved()
    state["right_edge"][0][0] = "00" * 32  # the saved tree no longer gives the saved checkpoint's root
    monitor.state.write_text(json.dumps(state), encoding="utf-8")
    damaged = monitor.run("--lang", "en")
    assert damaged.returncode == 2
    assert "is damaged: its right edge does not give its root" in damaged.stderr, damaged.stderr
    monitor.state.write_text("{not json", encoding="utf-8")
    assert monitor.run().returncode == 2
    monitor.state = monitor.state.parent / "missing" / "state.json"
    unwritable = monitor.run("--lang", "en")
    assert unwritable.returncode == 2, unwritable.stdout + unwritable.stderr
    assert unwritable.stderr.startswith("ERROR: cannot write the state file"), unwritable.stderr


def test_entries_without_bundles_are_taken_from_the_tiles_and_said(app: Flask, monitor: Monitor) -> None:
    """A log whose first bundles are not served (pruned, or older than the stored tree, as after migration
    0012): the tiles still give the signed root, and the answer says how many entries were not seen."""
    size = grow(app, 258)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM record_entry_bundles WHERE bundle_index = 0"))
    report = monitor.report()
    assert report["ok"] is True
    assert report["size"] == size
    assert report["entries_without_bundle"] == 256
    assert "tile/entries/000" not in report["fetched"]
    grow(app, 2)
    text = monitor.run("--lang", "en")
    assert text.returncode == 0, text.stdout + text.stderr
    assert "not served as entry bundles" not in text.stdout  # the new entries' bundle is served


def test_a_partial_tile_deleted_once_full_is_read_from_the_full_one() -> None:
    """tlog-tiles lets a log delete a partial tile or bundle once the full one exists."""
    entries = [b"entry %d" % number for number in range(300)]

    class FullOnly(TilesServed):
        def get(self, path: str, limit: int) -> bytes:
            if ".p/" in path and int(path.rsplit("/", 2)[1].split(".")[0]) == 0:  # index 0 is full now
                raise proofs.MonitorError("monitor http", url=path, status=404)
            return super().get(path, limit)

    served = FullOnly(entries)
    leaves = [proofs.leaf_hash(entry) for entry in entries]
    edge, unpublished = proofs.extend_tree(served, 0, (), 200)
    assert proofs.edge_root(edge) == tree_root(leaves[:200])
    assert served.fetched == ["tile/entries/000", "tile/0/000"]
    assert unpublished == 0


def test_a_record_served_gzipped(client: FlaskClient, monitor: Monitor) -> None:
    """tlog-tiles: bundles SHOULD be compressed at the HTTP layer, and clients accept gzip."""
    file_via_api(client)
    asked: list[str] = []

    class Gzipping(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.headers.get("Accept-Encoding", ""))
            response = client.get(self.path)
            body = gzip.compress(response.get_data())
            self.send_response(response.status_code)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_arguments: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gzipping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monitor.portal = f"http://127.0.0.1:{server.server_port}"
        assert monitor.report()["ok"] is True
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert asked
    assert all("gzip" in header for header in asked)


def test_with_an_interval_it_keeps_checking_and_stops_at_the_first_alarm(
    app: Flask, client: FlaskClient, monitor: Monitor
) -> None:
    file_via_api(client)
    served_note(client)  # publishes the first head, to roll back to
    size = grow(app, 2)
    arguments = [
        "--monitor",
        f"{monitor.portal}/record/",
        "--vkey",
        monitor.vkey,
        "--state",
        monitor.state.name,
    ]
    # The monitor sleeps between rounds: under `make test-dates`' faketime a sleep fails (EINVAL), and what it
    # waits for does not depend on the date, so this one runs on the real clock.
    real_clock = {name: value for name, value in os.environ.items() if name != "LD_PRELOAD"}
    with subprocess.Popen(
        [monitor.python, "-I", "-S", str(monitor.script), *arguments, "--interval", "0.2", "--lang", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=monitor.script.parent,
        env=real_clock,
    ) as running:
        assert running.stdout is not None
        try:
            assert running.stdout.readline().startswith("OK: first check of")
            assert running.stdout.readline().startswith("OK: ")  # checked again: unchanged
            with app.app_context(), db.engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM tree_heads WHERE size = :size"), {"size": size})
            assert running.wait(timeout=60) == 1
        finally:
            running.kill()
        rest = running.stdout.read()
    assert "FAILED: the record was rolled back" in rest, rest
    assert monitor.run("--interval", "0").returncode == 2
