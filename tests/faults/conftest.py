"""Fixtures of the fault suite: a private PostgreSQL cluster for the session (migrated once into a template
database), a private Redis per test, and the production stack built on both."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.faults.servers import PrivatePostgres, PrivateRedis
from tests.faults.stack import ROOT, Stack

TEMPLATE = "fa_faults_template"
SEED_CORPUS = ROOT / "triage" / "seed" / "complaints.csv"


def _admin(cluster: PrivatePostgres, statement: str) -> None:
    with psycopg.connect(cluster.admin_url, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PrivatePostgres, Path]]:
    """The cluster, with the schema migrated and the demo jurisdiction seeded into a template, and a model."""
    postgres = PrivatePostgres()
    postgres.create()
    try:
        _admin(postgres, f'CREATE DATABASE "{TEMPLATE}"')
        folder = tmp_path_factory.mktemp("faults-setup")
        setup = Stack(
            instance=folder / "instance",
            database_url=postgres.url(TEMPLATE),
            redis_url="redis://127.0.0.1:1/0",
            model_folder=folder / "models",
        )
        setup.instance.mkdir()
        setup.flask("db", "upgrade")
        setup.flask("seed", "demo")
        setup.flask("triage", "train", "--data", str(SEED_CORPUS))
        yield postgres, setup.model_folder
    finally:
        postgres.destroy()


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    yield server
    if server.answers():
        server.stop()


@pytest.fixture
def stack(
    cluster: tuple[PrivatePostgres, Path], redis_server: PrivateRedis, tmp_path: Path
) -> Iterator[Stack]:
    postgres, trained = cluster
    database = f"fa_faults_{secrets.token_hex(4)}"
    _admin(postgres, f'CREATE DATABASE "{database}" TEMPLATE "{TEMPLATE}"')
    shutil.copytree(trained, tmp_path / "models")
    (tmp_path / "instance").mkdir()
    built = Stack(
        instance=tmp_path / "instance",
        database_url=postgres.url(database),
        redis_url=redis_server.url,
        model_folder=tmp_path / "models",
        settings={
            # The tests poll: the limits are not what is tested here.
            "RATELIMIT_ENABLED": "false",
            "JOBS_REQUEUE_AFTER_SECONDS": "0",
        },
    )
    try:
        yield built
    finally:
        built.stop()
        _admin(postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
