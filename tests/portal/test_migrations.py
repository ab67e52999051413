"""Migrations are code: the head matches the models, and every revision upgrades and downgrades cleanly.

Runs on whichever database the suite uses (SQLite, or PostgreSQL in the second pass of `make test`).
"""

from __future__ import annotations

from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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
