"""The tamper-evident record, end to end: receipts, proofs, the stand-alone verifier and `flask ledger verify`.

Tampering is done with plain SQL on the real database (SQLite, or PostgreSQL in the second pass).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.extensions import db
from portal.models import utcnow
from portal.record import store as record_store
from portal.record.merkle import consistency_proof, inclusion_proof, leaf_hashes
from portal.record.tree_head import sign_tree_head, utc_timestamp
from tests.factories import file_via_api


def verifier(client: FlaskClient, folder: Path) -> Path:
    with client.get("/ledger/verify_receipt.py") as response:
        assert response.status_code == 200
        script = folder / "verify_receipt.py"
        script.write_bytes(response.get_data())
    return script


def run_verifier(
    script: Path,
    folder: Path,
    public_key: str,
    receipt: dict[str, Any],
    proof: dict[str, Any] | None = None,
    head: dict[str, Any] | None = None,
) -> subprocess.CompletedProcess[str]:
    arguments = [sys.executable, "-I", "-S", str(script), "--public-key", public_key, "--json"]
    for name, document in (("receipt", receipt), ("proof", proof), ("head", head)):
        if document is not None:
            path = folder / f"{name}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            arguments += [f"--{name}", str(path)]
    # -I -S: no site-packages and no project on the path, as on a journalist's laptop.
    return subprocess.run(arguments, capture_output=True, text=True, check=False, cwd=folder)


def public_key(client: FlaskClient) -> str:
    return client.get("/api/v1/ledger/head").get_json()["public_key"]


def test_filing_receipt_and_later_proof_verify_without_our_code(client: FlaskClient, tmp_path: Path) -> None:
    receipt = file_via_api(client)
    record = receipt["record"]
    assert record["leaf_index"] == 0
    assert json.loads(record["entry"])["kind"] == "received"
    script = verifier(client, tmp_path)
    key = public_key(client)
    assert run_verifier(script, tmp_path, key, record).returncode == 0
    # More happens; the later proof must extend the head the citizen got at filing.
    file_via_api(client)
    document = client.get(f"/api/v1/ledger/proof/{receipt['tracking_code']}").get_json()
    assert document["tree_head"]["size"] > record["tree_head"]["size"]
    result = run_verifier(script, tmp_path, key, record, document["proof"], document["tree_head"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["against_published_head"] is True


def test_ledger_verify_passes_on_an_untouched_database(client: FlaskClient, runner: FlaskCliRunner) -> None:
    for _ in range(3):
        file_via_api(client)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 6 entries")  # received + queued_for_triage, three times


TAMPERING = {
    "edit": 'UPDATE events SET payload = \'{"division": "XD-B1"}\' WHERE seq = 2',
    "delete": "DELETE FROM events WHERE seq = 2",
    "reorder": "UPDATE events SET seq = CASE seq WHEN 2 THEN 100 WHEN 4 THEN 2 END WHERE seq IN (2, 4)",
    "kind": "UPDATE events SET kind = 'resolved' WHERE seq = 3",
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_tampering_fails_verify_and_the_proof(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, how: str
) -> None:
    first = file_via_api(client)
    second = file_via_api(client)  # its "received" event is entry 2
    file_via_api(client)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text(TAMPERING[how]))
        if how == "reorder":
            connection.execute(sa.text("UPDATE events SET seq = 4 WHERE seq = 100"))
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0
    assert "FAILED" in result.output
    assert "entry 2" in result.output or "entry 3" in result.output or "head" in result.output
    # Proofs come from the stored tree: the altered entry no longer matches its leaf and is refused (a deleted
    # one is not found), while an untouched entry is still proved, rightly, against the same signed head.
    proof = client.get(f"/api/v1/ledger/proof/{second['tracking_code']}")
    if how == "delete":
        assert proof.status_code == 404
    elif how != "kind":  # entry 3 is the queued event; the received entry 2 is untouched
        assert proof.status_code == 409
        assert proof.get_json()["error"]["code"] == "record_damaged"
    assert client.get(f"/api/v1/ledger/proof/{first['tracking_code']}").status_code == 200


def test_rewritten_history_with_a_fresh_signature_fails_old_receipts(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Even someone holding the signing key cannot rewrite history unnoticed: the citizen's head from filing
    does not extend to the rewritten tree."""
    receipt = file_via_api(client)
    file_via_api(client)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE events SET actor = 'citizen-rewritten' WHERE seq = 0"))
        leaves = leaf_hashes(record_store.entry_bytes(event) for event in record_store._events_in_order())
        size = len(leaves)
        from portal.record.merkle import tree_root

        forged_head = sign_tree_head(
            record_store.signing_key(), size, tree_root(leaves), utc_timestamp(utcnow())
        )
        old_size = receipt["record"]["tree_head"]["size"]
        forged_proof = {
            "format": "fire-alarm-proof-v1",
            "leaf_index": 0,
            "tree_size": size,
            "inclusion_proof": [h.hex() for h in inclusion_proof(0, size, leaves)],
            "consistency_from_size": old_size,
            "consistency_proof": [h.hex() for h in consistency_proof(old_size, size, leaves)],
        }
        key = record_store.public_key()
    result = run_verifier(
        verifier(client, tmp_path), tmp_path, key, receipt["record"], forged_proof, forged_head.to_json()
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["ok"] is False


def test_consistency_endpoint(client: FlaskClient) -> None:
    file_via_api(client)
    file_via_api(client)
    ok = client.get("/api/v1/ledger/consistency?from=2")
    assert ok.status_code == 200
    assert ok.get_json()["tree_head"]["size"] == 4
    assert client.get("/api/v1/ledger/consistency?from=0").status_code == 422
    assert client.get("/api/v1/ledger/consistency?from=99").status_code == 422
    assert client.get("/api/v1/ledger/consistency?from=x").status_code == 422


def test_empty_record_and_ledger_page(client: FlaskClient) -> None:
    assert client.get("/api/v1/ledger/head").status_code == 404
    page = client.get("/ledger").get_data(as_text=True)
    assert "verify_receipt.py" in page


def stored_heads(app: Flask) -> list[int]:
    from portal.record.models import SignedHead

    with app.app_context():
        return list(db.session.scalars(sa.select(SignedHead.size).order_by(SignedHead.size)))


def test_heads_are_published_at_a_pace_that_keeps_audits_cheap(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Receipts carry a head of their own; none is stored per filing (each stored head costs an audit 0.1 ms).
    monkeypatch.setattr(record_store, "HEAD_EVERY_ENTRIES", 6)
    file_via_api(client)
    file_via_api(client)
    assert stored_heads(app) == []
    assert client.get("/api/v1/ledger/head").get_json()["tree_head"]["size"] == 4
    file_via_api(client)  # entries 5 and 6: the sixth entry publishes a head by itself
    assert stored_heads(app) == [4, 6]
    file_via_api(client)
    # A fresh published head is served again rather than re-signed at every request...
    assert client.get("/api/v1/ledger/head").get_json()["tree_head"]["size"] == 6
    # ...the periodic job (and `flask ledger sign`) publishes one whenever the log grew.
    assert "size 8" in runner.invoke(args=["ledger", "sign"]).output
    assert stored_heads(app) == [4, 6, 8]
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0


def test_the_ledger_page_shows_a_head_as_soon_as_anything_is_recorded(client: FlaskClient) -> None:
    file_via_api(client)
    page = client.get("/ledger", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Nothing has been recorded yet." not in page
    head = client.get("/api/v1/ledger/head").get_json()["tree_head"]
    assert head["root_hash"] in page  # the same head the API serves
