"""Fixtures shared by every test: a fresh app and database per test, and the real services when asked for.

The suite runs on SQLite by default. With TEST_DATABASE_URL pointing at a PostgreSQL server it runs on a
private, freshly created database there instead (``make test`` does both). Redis tests use TEST_REDIS_URL
(default: database 15 of the local server). Without a server those tests skip with a reason; with CI=true a
missing server fails them instead, so CI can never go green by skipping.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.app import create_app
from portal.extensions import db
from portal.jurisdiction.demo import seed_demo
from tests.services import postgres_server_url, redis_url_or_skip

PG_DATABASE_ENV = "TEST_DATABASE_URL"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "portal" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the catalogues (as `make translations` does) so a bare `pytest` also runs in Chinese."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        # `pybabel compile` silently skips a catalogue marked fuzzy: production would then run untranslated.
        assert not catalog.fuzzy, f"{po_path} is marked fuzzy in its header"
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def _pg_admin_url(url: str) -> sa.URL:
    return sa.make_url(url).set(drivername="postgresql+psycopg")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A private PostgreSQL database for this test session, if the suite runs on PostgreSQL."""
    server = os.environ.get(PG_DATABASE_ENV)
    if not server:
        yield None
        return
    admin_url = _pg_admin_url(postgres_server_url(server))
    name = f"fa_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_config(tmp_path: Path, database_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "JOBS_QUEUE": f"test-{secrets.token_hex(4)}",
        **overrides,
    }


@pytest.fixture
def database_url(tmp_path: Path, postgres_database: str | None) -> str:
    return postgres_database or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(tmp_path: Path, database_url: str, config_overrides: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config(tmp_path, database_url, **config_overrides))
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # Fresh state for the next test without recreating the database: empty every table.
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app_factory(tmp_path: Path, database_url: str, app: Flask) -> Iterator[Callable[..., Flask]]:
    """More apps on the same (already seeded) database, e.g. one whose jobs go through Redis."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        extra = create_app(app_config(tmp_path / f"extra{len(made)}", database_url, **overrides))
        made.append(extra)
        return extra

    yield make
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()  # no connection may outlive the test (PostgreSQL truncates next)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for tests that call services directly."""
    with app.app_context():
        yield


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real Redis database reserved for tests, emptied before and after each test."""
    url = redis_url_or_skip()
    from redis import Redis

    connection = Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()
    connection.close()
