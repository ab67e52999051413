"""A worker killed mid-job (``kill -9``) loses nothing: its jobs finish within two minutes of a new worker starting,
and it leaves no orphan process behind."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from redis import Redis
from rq.registry import StartedJobRegistry

from portal.app import create_app
from tests.faults.servers import PrivateRedis, wait_until
from tests.faults.stack import Stack
from tests.faults.test_redis_outage import complaint
from triage.engine.registry import ModelRegistry

pytestmark = [pytest.mark.faults, pytest.mark.slow]

RECOVERY_SECONDS = 120


def worker_processes(instance: Path) -> list[int]:
    """Live processes running ``flask jobs worker`` for this stack (an orphaned child would be one of them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"jobs worker" in command and str(instance).encode() in environment:
            found.append(int(entry.name))
    return found


def queue_names() -> tuple[str, str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    return app.config["JOBS_QUEUE"], app.config["JOBS_MEDIA_QUEUE"]


def test_jobs_of_a_killed_worker_finish_soon_after_a_new_worker_starts(
    stack: Stack, redis_server: PrivateRedis
) -> None:
    redis_server.start()
    stack.start_web()
    _main_queue, media_queue = queue_names()
    connection = Redis.from_url(redis_server.url)
    models = ModelRegistry(stack.model_folder)
    media_worker = stack.start_worker("media")
    stack.python("from portal.jobs import send_to_queue\nsend_to_queue('triage_retrain')")
    wait_until(
        lambda: bool(StartedJobRegistry(media_queue, connection=connection).get_job_ids()),
        60,
        "the retraining job did not start",
    )
    stack.kill(media_worker)  # mid-training

    codes = [stack.post("/api/v1/complaints", complaint(number))[1]["tracking_code"] for number in range(20)]

    def processed() -> int:
        return sum(stack.get(f"/api/v1/complaints/{code}")[1]["status"] != "received" for code in codes[:3])

    first_worker = stack.start_worker("main")
    wait_until(lambda: processed() > 0, 60, "the first worker classified nothing")
    stack.kill(first_worker)  # mid-stream: some complaints classified, one perhaps running, the rest waiting
    # The scheduler ran as a thread of each worker: nothing of them is left running.
    assert worker_processes(stack.instance) == []

    restarted = time.monotonic()
    stack.start_worker("main")
    stack.start_worker("media")

    def everything_done() -> bool:
        statuses = [stack.get(f"/api/v1/complaints/{code}")[1]["status"] for code in codes]
        return "received" not in statuses and len(models.versions()) == 2

    wait_until(everything_done, RECOVERY_SECONDS, "the killed workers' jobs did not all finish", every=1)
    recovered = time.monotonic() - restarted
    print(f"worker crash: every job done {recovered:.0f} s after the new workers started")
    assert recovered < RECOVERY_SECONDS
