"""``/healthz`` (the process answers) and ``/readyz`` (what it depends on, and what is degraded).

Readiness fails (503) only when the portal cannot keep its promises at all: without the database nothing is
stored. Without Redis it still files and answers (jobs wait for the sweep, rate limits count in memory), so it
reports itself degraded with a 200, and a load balancer keeps sending citizens.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db, limiter

health_pages = Blueprint("health", __name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    essential: bool = False


def _database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return Check(
            False, f"unreachable: {type(getattr(exc, 'orig', None) or exc).__name__}", essential=True
        )
    return Check(True, db.engine.dialect.name, essential=True)


def _queue() -> Check:
    url = current_app.config["REDIS_URL"]
    if url is None:
        return Check(True, "inline: jobs run after each commit")
    connection = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        connection.ping()
    except RedisError:
        return Check(False, "Redis unreachable: filings are kept, their jobs wait for the sweep")
    finally:
        connection.close()
    return Check(True, "Redis")


def _rate_limits() -> Check:
    if not current_app.config["RATELIMIT_ENABLED"]:
        return Check(True, "disabled")
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return Check(True, "in memory")
    if limiter.storage.check():
        return Check(True, "shared storage")
    return Check(False, "storage unreachable: counted in memory, per process")


def checks() -> dict[str, Check]:
    return {"database": _database(), "queue": _queue(), "rate_limits": _rate_limits()}


@health_pages.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "alive"})


@health_pages.get("/readyz")
def readyz() -> tuple[Response, int]:
    found = checks()
    if not all(check.ok for check in found.values() if check.essential):
        status, code = "unavailable", 503
    elif all(check.ok for check in found.values()):
        status, code = "ready", 200
    else:
        status, code = "degraded", 200
    body = {"status": status, "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in found.items()}}
    return jsonify(body), code
