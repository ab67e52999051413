"""Migrations are code: the head matches the models, and every revision upgrades and downgrades cleanly.

Runs on whichever database the suite uses (SQLite, or PostgreSQL in the second pass of `make test`).
"""

from __future__ import annotations

from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal.extensions import db


def emptied(app: Flask) -> Flask:
    """Drop every table of the per-test database, for migrations to build from nothing."""
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    return app


def test_upgrade_head_matches_the_models_and_downgrades_to_nothing(app_factory: Callable[..., Flask]) -> None:
    migrated = emptied(app_factory())
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], differences
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()  # and back up again, so the fixture's teardown finds the tables it expects


def test_the_migrated_case_kinds_include_retaliation(app_factory: Callable[..., Flask]) -> None:
    migrated = emptied(app_factory())
    with migrated.app_context():
        upgrade()
        checks = inspect(db.engine).get_check_constraints("escalation_cases")
        [kind] = [check["sqltext"] for check in checks if check["name"] == "ck_escalation_cases_case_kind"]
        assert "'retaliation'" in kind
        downgrade(revision="0011_contact_encryption")
        checks = inspect(db.engine).get_check_constraints("escalation_cases")
        [kind] = [check["sqltext"] for check in checks if check["name"] == "ck_escalation_cases_case_kind"]
        assert "'retaliation'" not in kind
        upgrade()


def test_the_record_tiles_revision_builds_the_tiles_of_an_existing_log(
    app_factory: Callable[..., Flask],
) -> None:
    """An existing log gets its hash tiles from the stored leaf hashes; bundles are kept from the next whole
    bundle on, since older entries of private events are not sealed."""
    import hashlib

    from portal.record.tiles import tiles_for

    migrated = emptied(app_factory())
    with migrated.app_context():
        upgrade(revision="0011_contact_encryption")
        leaves = [hashlib.sha256(number.to_bytes(2, "big")).digest() for number in range(300)]
        with db.engine.begin() as connection:
            for seq, value in enumerate(leaves):
                connection.execute(
                    text(
                        "INSERT INTO events (kind, actor, public, payload, created_at, seq, nonce, leaf_hash) "
                        "VALUES ('note', 'system', :public, '{}', :at, :seq, 'n', :leaf)"
                    ),
                    {"public": True, "at": "2026-12-01 00:00:00", "seq": seq, "leaf": value},
                )
            connection.execute(text("UPDATE ledger_state SET size = 300"))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT level, tile_index, data FROM record_tiles")).all()
            bundles_from = connection.execute(text("SELECT bundles_from FROM ledger_state")).scalar()
        assert {(level, index): bytes(data) for level, index, data in rows} == tiles_for(leaves)
        assert bundles_from == 300
