"""The stored tree in the database: written at append time, proofs read from it, heads never inconsistent."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.extensions import db
from portal.record import events
from portal.record import store as record_store
from portal.record.merkle import CompactRange
from portal.record.models import EntryBundle, LedgerState, RecordTile
from portal.record.proofs import leaf_hash
from portal.record.tiles import bundle_entries, tiles_for
from portal.unit_of_work import commit
from tests.factories import complaint_payload, file_via_api


def record_many(count: int, *, public: bool = True) -> None:
    for number in range(count):
        events.record("test_note", complaint=None, actor="system", public=public, payload={"n": number})
    commit()


def stored_tiles() -> dict[tuple[int, int], bytes]:
    return {(row.level, row.tile_index): row.data for row in db.session.scalars(sa.select(RecordTile))}


def test_tiles_and_bundles_are_written_with_each_append(app: Flask, client: FlaskClient) -> None:
    file_via_api(client)
    with app.app_context():
        record_many(600)
        entries = [record_store.entry_bytes(event) for event in record_store._events_in_order()]
        assert len(entries) == 602
        assert stored_tiles() == tiles_for([leaf_hash(entry) for entry in entries])
        bundles = {row.bundle_index: row for row in db.session.scalars(sa.select(EntryBundle))}
        assert sorted(bundles) == [0, 1, 2]
        assert [bundles[index].width for index in range(3)] == [256, 256, 90]
        assert [e for index in range(3) for e in bundle_entries(bundles[index].data)] == entries


def test_private_events_are_sealed_in_the_public_entries(app: Flask) -> None:
    with app.app_context():
        events.record(
            "secret_note", complaint=None, actor="staff:alice", public=False, payload={"why": "机密"}
        )
        commit()
        event = next(record_store._events_in_order())
        entry = json.loads(record_store.entry_bytes(event))
        assert event.sealed
        assert set(entry) == {"v", "seq", "sealed"}
        bundle = db.session.get(EntryBundle, 0)
        assert bundle is not None
        assert b"alice" not in bundle.data
        assert "机密".encode() not in bundle.data
        assert bundle_entries(bundle.data) == [record_store.entry_bytes(event)]


def test_a_proof_costs_the_same_queries_whatever_the_size_of_the_log(app: Flask, client: FlaskClient) -> None:
    filed = file_via_api(client)
    code = filed["tracking_code"]

    def queries_for_a_proof() -> int:
        with app.app_context():
            record_store.publish_head(force=True)
            commit()
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                response = client.get(f"/api/v1/ledger/proof/{code}")
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.get_json()
        # Nothing reads the log in order: the proof comes from the tiles.
        assert not [s for s in statements if "ORDER BY events.seq" in s]
        return len(statements)

    small = queries_for_a_proof()
    with app.app_context():
        record_many(700)
    assert queries_for_a_proof() == small


def test_the_portal_refuses_to_sign_a_history_inconsistent_with_its_published_head(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    file_via_api(client)
    with app.app_context():
        record_store.publish_head(force=True)
        commit()
        # Someone with the database rewrites entry 0 and recomputes everything but the signature.
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE events SET actor = 'rewritten' WHERE seq = 0"))
        rebuild_everything_but_signatures()
    response = client.post("/api/v1/complaints", json=complaint_payload())
    assert response.status_code == 409  # no receipt head is signed either
    assert response.get_json()["error"]["code"] == "record_damaged"
    with app.app_context():
        record_many(1)
    signed = runner.invoke(args=["ledger", "sign"])
    assert signed.exit_code != 0
    assert "refusing to sign a rewritten history" in signed.output
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0
    assert "tree head #0" in result.output


def rebuild_everything_but_signatures() -> None:
    """What an attacker with write access can recompute: leaf hashes, the state, every tile and bundle."""
    leaves = []
    for event in record_store._events_in_order():
        event.leaf_hash = leaf_hash(record_store.entry_bytes(event))
        leaves.append(event.leaf_hash)
    compact = CompactRange()
    for value in leaves:
        compact.append(value)
    state = db.session.get(LedgerState, record_store.STATE_ID)
    assert state is not None
    state.size, state.compact_range = compact.size, [h.hex() for h in compact.hashes]
    db.session.execute(sa.delete(RecordTile))
    for (level, index), data in tiles_for(leaves).items():
        db.session.add(RecordTile(level=level, tile_index=index, data=data))
    db.session.commit()


@pytest.mark.parametrize("size", [0, 1])
def test_verify_names_a_deleted_newest_event(app: Flask, runner: FlaskCliRunner, size: int) -> None:
    with app.app_context():
        record_many(3 + size)
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM events WHERE seq = :seq"), {"seq": 2 + size})
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0
    assert "the newest entries were deleted" in result.output
