"""The jobs glue: inline after commit by default; a real rq queue and worker with Redis; no lost work when
Redis is down."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import select

from portal import jobs
from portal.extensions import db
from portal.jobs.worker import run_worker
from portal.models import Complaint, ComplaintStatus, Event
from portal.unit_of_work import commit
from tests.factories import file_via_api
from tests.services import pause, server_environment, unavailable


def status_of(app: Flask, code: str) -> ComplaintStatus:
    with app.app_context():
        return db.session.scalars(select(Complaint.status).where(Complaint.tracking_code == code)).one()


def test_inline_jobs_run_only_after_commit(app: Flask) -> None:
    ran: list[int] = []
    jobs.register(app, "probe", ran.append)
    with app.app_context():
        jobs.enqueue("probe", 1)
        assert ran == []
        commit()
        assert ran == [1]


def test_rolled_back_work_dispatches_no_job(app: Flask) -> None:
    ran: list[int] = []
    jobs.register(app, "probe", ran.append)
    with app.app_context():
        jobs.enqueue("probe", 1)
        db.session.rollback()
        commit()
    assert ran == []


def test_unknown_job_names_are_refused(app: Flask) -> None:
    with app.app_context(), pytest.raises(KeyError):
        jobs.enqueue("no-such-job", 1)


def test_a_failing_inline_job_does_not_fail_the_filing(app: Flask, client: FlaskClient) -> None:
    def explode(_complaint_id: int) -> None:
        raise RuntimeError("classifier crashed")

    jobs.register(app, "classify_complaint", explode, replace=True)
    code = file_via_api(client)["tracking_code"]
    assert status_of(app, code) is ComplaintStatus.RECEIVED


@pytest.mark.redis
def test_real_queue_round_trip_with_a_real_worker(app_factory: Callable[..., Flask], redis_url: str) -> None:
    # Same database as `app` (which seeded it), but jobs go through Redis.
    queued = app_factory(REDIS_URL=redis_url)
    client = queued.test_client()
    code = file_via_api(client)["tracking_code"]
    assert status_of(queued, code) is ComplaintStatus.RECEIVED  # nothing ran inline
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    with queued.app_context():
        queue = jobs._registry().queue()
        assert queue.count == 1
        assert run_worker(queued, burst=True) is True
        assert queue.count == 0
    assert status_of(queued, code) is ComplaintStatus.TRIAGE
    # The worker's handlers are gone with it: the process reacts to signals as it did before.
    assert {number: signal.getsignal(number) for number in before} == before


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A Redis server of this test's own, so it can be stopped and restarted without touching the shared one."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0", Path(binary)
    subprocess.run(
        ["redis-cli", "-p", str(port), "shutdown", "nosave"],
        capture_output=True,
        check=False,
        env=server_environment(),
    )


def start_redis(binary: Path, url: str) -> None:
    port = url.rsplit(":", 1)[1].split("/")[0]
    subprocess.run(
        [
            str(binary),
            "--port",
            port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=server_environment(),
    )
    connection = Redis.from_url(url)
    for _ in range(50):
        try:
            connection.ping()
            return
        except Exception:
            pause(0.1)
    raise RuntimeError("private redis did not start")


@pytest.mark.redis
def test_complaint_filed_while_redis_is_down_is_processed_after_the_sweep(
    app_factory: Callable[..., Flask], private_redis: tuple[str, Path]
) -> None:
    url, binary = private_redis
    queued = app_factory(REDIS_URL=url)
    client = queued.test_client()

    # Redis is down (never started): the complaint is still accepted and stored.
    code = file_via_api(client)["tracking_code"]
    assert status_of(queued, code) is ComplaintStatus.RECEIVED

    start_redis(binary, url)
    runner = queued.test_cli_runner()
    with queued.app_context():
        # Nothing reached the queue while Redis was down, so a worker alone finds nothing to do.
        assert run_worker(queued, burst=True) is False
    queued.config["JOBS_REQUEUE_AFTER_SECONDS"] = 0
    result = runner.invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert "re-enqueued 1" in result.output
    with queued.app_context():
        run_worker(queued, burst=True)
    assert status_of(queued, code) is ComplaintStatus.TRIAGE
    with queued.app_context():
        kinds = db.session.scalars(select(Event.kind).order_by(Event.id)).all()
    assert kinds == ["received", "queued_for_triage"]


@pytest.mark.redis
def test_sweep_ignores_complaints_inside_the_grace_period(
    app_factory: Callable[..., Flask], redis_url: str
) -> None:
    queued = app_factory(REDIS_URL=redis_url)
    file_via_api(queued.test_client())
    result = queued.test_cli_runner().invoke(args=["jobs", "sweep"])
    assert "re-enqueued 0" in result.output


@pytest.mark.redis
def test_the_same_job_is_queued_once_while_it_waits(
    app_factory: Callable[..., Flask], redis_url: str
) -> None:
    queued = app_factory(REDIS_URL=redis_url)
    with queued.app_context():
        assert jobs.send_to_queue("classify_complaint", 41)
        assert jobs.send_to_queue("classify_complaint", 41)
        assert jobs.send_to_queue("classify_complaint", 42)
        assert jobs._registry().queue().count == 2


@pytest.mark.redis
def test_photos_filed_while_redis_is_down_are_published_after_the_sweep(
    app_factory: Callable[..., Flask], private_redis: tuple[str, Path]
) -> None:
    import io
    import json

    from tests.factories import complaint_payload
    from tests.portal.evidence.photos import picture, save_as

    url, binary = private_redis
    queued = app_factory(REDIS_URL=url, JOBS_REQUEUE_AFTER_SECONDS=0)
    client = queued.test_client()
    photo = save_as(picture((64, 48)), "JPEG")
    response = client.post(
        "/api/v1/complaints",
        content_type="multipart/form-data",
        data={"complaint": json.dumps(complaint_payload()), "evidence": (io.BytesIO(photo), "a.jpg")},
    )
    assert response.status_code == 201
    code = response.get_json()["tracking_code"]
    assert client.get(f"/api/v1/complaints/{code}").get_json()["evidence"] == {"photos": [], "withheld": 1}
    start_redis(binary, url)
    assert "re-enqueued 2" in queued.test_cli_runner().invoke(args=["jobs", "sweep"]).output
    with queued.app_context():
        run_worker(queued, burst=True, queue_kinds=(jobs.MAIN, jobs.MEDIA))
    assert len(client.get(f"/api/v1/complaints/{code}").get_json()["evidence"]["photos"]) == 1
