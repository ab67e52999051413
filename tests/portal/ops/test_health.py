"""Liveness and readiness: what is degraded is said, and only a missing database makes the portal unready."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.portal.http.test_limits import closed_port


def test_the_embedded_setup_is_ready(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "alive"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "ready"


def test_without_redis_the_portal_is_degraded_but_serves(app_factory: Callable[..., Flask]) -> None:
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    down = app_factory(REDIS_URL=dead, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=dead)
    ready = down.test_client().get("/readyz")
    assert ready.status_code == 200
    body = ready.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"]["ok"] is False
    assert body["checks"]["rate_limits"]["ok"] is False


def test_without_the_database_the_portal_is_not_ready(
    app_factory: Callable[..., Flask], tmp_path: Path
) -> None:
    gone = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}")
    client = gone.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["status"] == "unavailable"
