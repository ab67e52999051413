"""Finding the real PostgreSQL and Redis servers for integration tests.

Locally a missing server means a skip with the reason; under CI (CI=true) it is a failure, so a green CI run
always means the tests ran against the real servers.
"""

from __future__ import annotations

import os
import select

import pytest
import sqlalchemy as sa

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_server_url(url: str | None = None) -> str:
    """A reachable PostgreSQL server URL (any database on it), or skip/fail."""
    url = url or os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL
    engine = sa.create_engine(
        sa.make_url(url).set(drivername="postgresql+psycopg"), connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {url}: {exc.orig}")
    finally:
        engine.dispose()
    return url


def redis_url_or_skip() -> str:
    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL
    connection = Redis.from_url(url, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisError as exc:
        unavailable(f"Redis is not reachable at {url}: {exc}")
    finally:
        connection.close()
    return url


# Variables through which faketime (and similar preloads) reach child processes.
_PRELOAD_VARIABLES = (
    "LD_PRELOAD",
    "DYLD_INSERT_LIBRARIES",
    "FAKETIME",
    "FAKETIME_NO_CACHE",
    "FAKETIME_TIMESTAMP_FILE",
)


def server_environment() -> dict[str, str]:
    """The environment for a server a test starts (redis-server, a PostgreSQL cluster): the suite may run under
    ``faketime``, but a server keeps the real clock, as a production one would (and a faked daemon hangs)."""
    return {name: value for name, value in os.environ.items() if name not in _PRELOAD_VARIABLES}


def pause(seconds: float) -> None:
    """Wait ``seconds`` on a relative timeout: ``time.sleep`` sleeps until an absolute time, which libfaketime
    sometimes refuses with EINVAL when the suite runs under ``faketime``."""
    select.select([], [], [], seconds)
