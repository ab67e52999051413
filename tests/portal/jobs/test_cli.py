"""The portal's commands, run through Flask's CLI runner."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from rq import Queue

from portal import jobs
from portal.jobs.worker import run_worker


def test_worker_needs_redis(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_the_queue_option_names_main_or_media(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["jobs", "worker", "--queue", "photos", "--burst"])
    assert result.exit_code == 2
    assert "'main'" in result.output
    assert "'media'" in result.output


@pytest.mark.redis
def test_a_media_worker_serves_the_media_queue_only(
    app_factory: Callable[..., Flask], redis_url: str
) -> None:
    queued = app_factory(REDIS_URL=redis_url, JOBS_MEDIA_QUEUE=f"test-media-{secrets.token_hex(4)}")
    ran: list[tuple[str, int]] = []
    jobs.register(queued, "probe", lambda number: ran.append(("probe", number)))
    with queued.app_context():
        # What the photo routing does: the job goes onto the media queue by name, through the one entry point.
        media = Queue(queued.config["JOBS_MEDIA_QUEUE"], connection=jobs._registry().queue().connection)
        media.enqueue(jobs.execute, "probe", 1)
        assert jobs.send_to_queue("probe", 2)  # the main queue
    result = queued.test_cli_runner().invoke(args=["jobs", "worker", "--queue", "media", "--burst"])
    assert result.exit_code == 0, result.output
    assert ran == [("probe", 1)]
    with queued.app_context():
        assert media.count == 0
        assert jobs._registry().queue().count == 1  # left for the main worker
    result = queued.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])  # --queue main by default
    assert result.exit_code == 0, result.output
    assert ran == [("probe", 1), ("probe", 2)]


@pytest.mark.redis
def test_run_worker_still_serves_the_main_queue_by_default(
    app_factory: Callable[..., Flask], redis_url: str
) -> None:
    queued = app_factory(REDIS_URL=redis_url)
    ran: list[int] = []
    jobs.register(queued, "probe", ran.append)
    with queued.app_context():
        assert jobs.send_to_queue("probe", 3)
        assert run_worker(queued, burst=True) is True
    assert ran == [3]
