"""The portal's commands, run through Flask's CLI runner."""

from __future__ import annotations

from flask.testing import FlaskCliRunner


def test_worker_needs_redis(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output
