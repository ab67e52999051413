"""Tampering by someone who can write the database: events, the stored tree (tiles, bundles, the state) and the
signed heads and checkpoints are edited, deleted, reordered and rewritten with recomputed hashes, each with
plain SQL on the real database; `flask ledger verify` must name every one.

The log: 300 events (every fifth of the first 290 private, so sealed), a head published at 150 and one at 290:
two level-0 tiles (full, and partial), a partial level-1 tile, two entry bundles.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.engine import Connection

from portal.extensions import db
from portal.record import events
from portal.record import store as record_store
from portal.record.merkle import CompactRange
from portal.record.models import EntryBundle, LedgerState, RecordTile
from portal.record.proofs import leaf_hash
from portal.record.tiles import bundle_of, tiles_for
from portal.unit_of_work import commit


@pytest.fixture
def log(app: Flask) -> Flask:
    with app.app_context():
        for number in range(290):
            events.record(
                "test_note", complaint=None, actor="system", public=number % 5 != 0, payload={"n": number}
            )
            if number + 1 in (150, 290):
                commit()
                record_store.publish_head(force=True)
                commit()
        for number in range(290, 300):  # entries after the newest head: covered by no signature yet
            events.record("test_note", complaint=None, actor="system", payload={"n": number})
        commit()
    return app


def sql(statement: str, **parameters: object) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        connection.execute(sa.text(statement), parameters)

    return run


def steps(*statements: str) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        for statement in statements:
            connection.execute(sa.text(statement))

    return run


def swap(table: str, column: str, key: str, first: object, second: object) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        rows = dict(
            connection.execute(
                sa.text(f"SELECT {key}, {column} FROM {table} WHERE {key} IN (:a, :b)"),  # noqa: S608
                {"a": first, "b": second},
            ).all()
        )
        for this, that in ((first, second), (second, first)):
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),  # noqa: S608
                {"value": rows[that], "key": this},
            )

    return run


def rewrite(seq: int, *, tiles: bool, bundles: bool) -> None:
    """Rewrite entry ``seq`` and recompute what an attacker can: its leaf hash and the ledger state, and
    optionally every tile and bundle. Only the signatures cannot be redone."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET actor = 'rewritten' WHERE seq = :seq"), {"seq": seq})
    ordered = list(record_store._events_in_order())
    leaves = []
    for event in ordered:
        event.leaf_hash = leaf_hash(record_store.entry_bytes(event))
        leaves.append(event.leaf_hash)
    compact = CompactRange()
    for value in leaves:
        compact.append(value)
    state = db.session.get(LedgerState, record_store.STATE_ID)
    assert state is not None
    state.size, state.compact_range = compact.size, [h.hex() for h in compact.hashes]
    if tiles:
        db.session.execute(sa.delete(RecordTile))
        for (level, index), data in tiles_for(leaves).items():
            db.session.add(RecordTile(level=level, tile_index=index, data=data))
    if bundles:
        entries = [record_store.entry_bytes(event) for event in ordered]
        db.session.execute(sa.delete(EntryBundle))
        for start in range(0, len(entries), 256):
            chunk = entries[start : start + 256]
            db.session.add(EntryBundle(bundle_index=start // 256, width=len(chunk), data=bundle_of(chunk)))
    db.session.commit()


def flip_note_size(connection: Connection) -> None:
    note = connection.execute(sa.text("SELECT checkpoint FROM tree_heads WHERE size = 150")).scalar_one()
    connection.execute(
        sa.text("UPDATE tree_heads SET checkpoint = :note WHERE size = 150"),
        {"note": note.replace("\n150\n", "\n149\n")},
    )


def forge_note_root(connection: Connection) -> None:
    note = connection.execute(sa.text("SELECT checkpoint FROM tree_heads WHERE size = 290")).scalar_one()
    origin, size, _root, rest = note.split("\n", 3)
    forged = "\n".join([origin, size, base64.b64encode(bytes(32)).decode(), rest])
    connection.execute(sa.text("UPDATE tree_heads SET checkpoint = :note WHERE size = 290"), {"note": forged})


def edit_tile_byte(connection: Connection) -> None:
    data = connection.execute(
        sa.text("SELECT data FROM record_tiles WHERE level = 0 AND tile_index = 1")
    ).scalar_one()
    changed = bytes(data[:40]) + bytes([data[40] ^ 1]) + bytes(data[41:])
    connection.execute(
        sa.text("UPDATE record_tiles SET data = :data WHERE level = 0 AND tile_index = 1"), {"data": changed}
    )


def truncate_tile(connection: Connection) -> None:
    data = connection.execute(
        sa.text("SELECT data FROM record_tiles WHERE level = 0 AND tile_index = 1")
    ).scalar_one()
    connection.execute(
        sa.text("UPDATE record_tiles SET data = :data WHERE level = 0 AND tile_index = 1"),
        {"data": bytes(data[:-32])},
    )


def edit_bundle(connection: Connection) -> None:
    data = connection.execute(
        sa.text("SELECT data FROM record_entry_bundles WHERE bundle_index = 1")
    ).scalar_one()
    connection.execute(
        sa.text("UPDATE record_entry_bundles SET data = :data WHERE bundle_index = 1"),
        {"data": bytes(data).replace(b'"n":291', b'"n":281', 1)},
    )


SQL_TAMPERING: dict[str, tuple[Callable[[Connection], None], str]] = {
    # events
    "edit an event": (sql("UPDATE events SET payload = '{\"n\": -1}' WHERE seq = 123"), "entry #123"),
    "edit a sealed event": (sql("UPDATE events SET actor = 'staff:mallory' WHERE seq = 125"), "entry #125"),
    "unseal a private event": (sql("UPDATE events SET sealed = :no WHERE seq = 130", no=False), "entry #130"),
    "delete an event": (sql("DELETE FROM events WHERE seq = 200"), "entry #200"),
    "delete the newest event": (sql("DELETE FROM events WHERE seq = 299"), "the newest entries were deleted"),
    "delete the newest signed event": (sql("DELETE FROM events WHERE seq = 289"), "entry #289"),
    "reorder two events": (
        steps(
            "UPDATE events SET seq = -1 WHERE seq = 10",
            "UPDATE events SET seq = 10 WHERE seq = 11",
            "UPDATE events SET seq = 11 WHERE seq = -1",
        ),
        "entry #10",
    ),
    # the stored tree
    "edit a tile": (edit_tile_byte, "tile 0/001"),
    "truncate a tile": (truncate_tile, "tile 0/001"),
    "delete a tile": (
        sql("DELETE FROM record_tiles WHERE level = 0 AND tile_index = 0"),
        "tile 0/000 is missing",
    ),
    "delete the level-1 tile": (sql("DELETE FROM record_tiles WHERE level = 1"), "tile 1/000 is missing"),
    "add a tile": (
        sql("INSERT INTO record_tiles (level, tile_index, data) VALUES (0, 7, :data)", data=bytes(32)),
        "tile 0/007 is stored",
    ),
    "reorder two tiles": (swap("record_tiles", "data", "tile_index", 0, 1), "tile 0/000"),
    "edit a bundle": (edit_bundle, "entry bundle entries/001"),
    "delete a bundle": (
        sql("DELETE FROM record_entry_bundles WHERE bundle_index = 1"),
        "entries/001 is missing",
    ),
    "reorder two bundles": (swap("record_entry_bundles", "data", "bundle_index", 0, 1), "entries/000"),
    "edit the state's size": (
        sql("UPDATE ledger_state SET size = 301"),
        "ledger state says the log holds 301",
    ),
    "edit the state's compact range": (
        sql(
            "UPDATE ledger_state SET compact_range = :range",
            range='["' + "00" * 32 + '", "' + "11" * 32 + '"]',
        ),
        "compact range",
    ),
    # signed heads and checkpoints
    "edit a head's root": (
        sql("UPDATE tree_heads SET root_hash = :root WHERE size = 150", root="00" * 32),
        "tree head #0",
    ),
    "edit a head's size": (sql("UPDATE tree_heads SET size = 149 WHERE size = 150"), "tree head #0"),
    "swap two heads' signatures": (swap("tree_heads", "signature", "size", 150, 290), "tree head #0"),
    "edit a checkpoint": (flip_note_size, "checkpoint of tree head #0"),
    "forge a checkpoint's root": (forge_note_root, "checkpoint of tree head #1"),
    "swap two checkpoints": (
        swap("tree_heads", "checkpoint", "size", 150, 290),
        "checkpoint of tree head #0",
    ),
}


def verify_fails_naming(runner: FlaskCliRunner, what: str) -> None:
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0, result.output
    assert "FAILED" in result.output
    assert what in result.output, result.output


def test_the_untouched_log_verifies(log: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 300 entries; 2 signed heads check out")


@pytest.mark.parametrize("how", sorted(SQL_TAMPERING))
def test_verify_names_each_tampering(log: Flask, runner: FlaskCliRunner, how: str) -> None:
    tamper, named = SQL_TAMPERING[how]
    with log.app_context(), db.engine.begin() as connection:
        tamper(connection)
    verify_fails_naming(runner, named)


@pytest.mark.parametrize(
    ("seq", "tiles", "bundles", "named"),
    [
        # After the newest head: leaf hash and state recomputed, the tile still holds the old leaf; tiles too,
        # the bundle still holds the old entry.
        (295, False, False, "tile 0/001"),
        (295, True, False, "entry bundle entries/001"),
        # Under a head: everything but the signatures recomputed, the signed head no longer matches.
        (260, True, True, "tree head #1"),
    ],
)
def test_verify_names_a_rewrite_with_recomputed_hashes(
    log: Flask, runner: FlaskCliRunner, seq: int, tiles: bool, bundles: bool, named: str
) -> None:
    with log.app_context():
        rewrite(seq, tiles=tiles, bundles=bundles)
    verify_fails_naming(runner, named)


def test_a_rewrite_after_the_last_head_with_everything_recomputed_is_caught_when_the_portal_signs(
    log: Flask, runner: FlaskCliRunner
) -> None:
    """Entries after the newest head are covered by no signature yet, so a complete rewrite of them verifies
    (only receipts and witnesses could tell); but the newest head's tiles must still give its root, and the
    next head the portal signs must extend it."""
    with log.app_context():
        rewrite(289, tiles=True, bundles=True)  # covered by the head at 290
        with pytest.raises(record_store.RecordDamaged, match="refusing to sign a rewritten history"):
            record_store.publish_head(force=True)
    verify_fails_naming(runner, "tree head #1")
