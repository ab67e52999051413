"""Fixtures shared by every test: a fresh app and database per test, and the real services when asked for.

The suite runs on SQLite by default. With TEST_DATABASE_URL pointing at a PostgreSQL server it runs there
instead (``make test`` does both). The schema and the demo jurisdiction are built once per session into a
template, which each test copies: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. Redis tests use TEST_REDIS_URL
(default: database 15 of the local server). Without a server those tests skip with a reason; with CI=true a
missing server fails them instead, so CI can never go green by skipping.
"""

from __future__ import annotations

import os
import secrets
import select
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.serving import make_server

from portal.app import create_app
from portal.extensions import db
from portal.jurisdiction.demo import seed_demo
from tests.mailbox import Mailbox, smtp_server
from tests.services import postgres_server_url, redis_url_or_skip


def _sleep_by_select(seconds: float) -> None:
    select.select([], [], [], max(0.0, seconds))


# Under Debian's faketime (`make test-dates`) with a real monotonic clock, libfaketime answers Python's
# clock_nanosleep with EINVAL, so time.sleep fails (and with it a subprocess still running when waited for, a
# retry's back-off...). select() sleeps the same time through the kernel: the dates are faked, the waits are not.
if "faketime" in os.environ.get("LD_PRELOAD", ""):
    time.sleep = _sleep_by_select

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


# Key stretching at production cost is most of a filing's time; the suite checks behaviour, not cost.
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"


def app_config(tmp_path: Path, database_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        "SESSION_COOKIE_SECURE": False,  # the test client speaks plain http
        "JOBS_QUEUE": f"test-{secrets.token_hex(4)}",
        **overrides,
    }


def _seed(tmp_path: Path, database_url: str) -> None:
    """Build the schema and the demo jurisdiction once; every test then starts from a copy."""
    app = create_app(app_config(tmp_path, database_url))
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.engine.dispose()


@dataclass(frozen=True)
class DatabaseTemplate:
    """A seeded database that each test copies: a file on SQLite, a template database on PostgreSQL."""

    kind: str
    location: str  # the SQLite file, or the template database's URL
    admin: sa.Engine | None = None

    def fresh_copy(self, tmp_path: Path) -> str:
        if self.admin is None:
            copy = tmp_path / "test.sqlite3"
            shutil.copyfile(self.location, copy)
            return f"sqlite:///{copy}"
        template = sa.make_url(self.location)
        name = f"fa_test_{secrets.token_hex(4)}"
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
        return template.set(database=name).render_as_string(hide_password=False)

    def discard(self, url: str) -> None:
        if self.admin is not None:
            with self.admin.connect() as connection:
                connection.execute(
                    sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')
                )


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseTemplate]:
    """The seeded template for this session: SQLite, or PostgreSQL when TEST_DATABASE_URL names a server."""
    folder = tmp_path_factory.mktemp("template")
    server = os.environ.get(PG_DATABASE_ENV)
    if not server:
        path = folder / "template.sqlite3"
        _seed(folder, f"sqlite:///{path}")
        yield DatabaseTemplate("sqlite", str(path))
        return
    admin_url = _pg_admin_url(postgres_server_url(server))
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"fa_template_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    template = DatabaseTemplate(
        "postgresql", admin_url.set(database=name).render_as_string(hide_password=False), admin
    )
    try:
        _seed(folder, template.location)
        yield template
    finally:
        template.discard(template.location)
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path, database_template: DatabaseTemplate) -> Iterator[str]:
    """A database of this test's own, seeded with the demo jurisdiction."""
    url = database_template.fresh_copy(tmp_path)
    yield url
    database_template.discard(url)


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(tmp_path: Path, database_url: str, config_overrides: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config(tmp_path, database_url, **config_overrides))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no connection may outlive the test (its database is dropped next)


@pytest.fixture
def app_factory(tmp_path: Path, database_url: str, app: Flask) -> Iterator[Callable[..., Flask]]:
    """More apps on the same (already seeded) database, e.g. one whose jobs go through Redis."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        # One deployment, one record key: the processes of a portal share instance/ledger/, as they share the
        # database (the key signs the record's heads and seals the rows the public reads).
        overrides.setdefault("LEDGER_FOLDER", app.config["LEDGER_FOLDER"])
        extra = create_app(app_config(tmp_path / f"extra{len(made)}", database_url, **overrides))
        made.append(extra)
        return extra

    yield make
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()  # no connection may outlive the test (PostgreSQL truncates next)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over real HTTP on a free port of localhost (for browsers and HTTP clients)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on a free port of localhost, holding what the portal sends."""
    with smtp_server() as server:
        yield server


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
