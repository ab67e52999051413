"""PostgreSQL restarting under load: no accepted complaint is lost, and what fails says so with a 503 in JSON."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.faults.servers import PrivatePostgres, PrivateRedis, wait_until
from tests.faults.stack import Stack
from tests.faults.test_redis_outage import complaint

pytestmark = [pytest.mark.faults, pytest.mark.slow]


def test_a_database_restart_under_load_loses_no_accepted_complaint(
    stack: Stack, redis_server: PrivateRedis, cluster: tuple[PrivatePostgres, Path]
) -> None:
    postgres, _models = cluster
    redis_server.start()
    stack.start_web(workers=2)
    stack.start_worker("main")
    answers: list[tuple[int, Any]] = []
    stop = threading.Event()

    def file_continuously() -> None:
        number = 0
        while not stop.is_set():
            answers.append(stack.post("/api/v1/complaints", complaint(number)))
            number += 1

    clients = [threading.Thread(target=file_continuously) for _ in range(3)]
    for client in clients:
        client.start()
    wait_until(lambda: len(answers) >= 10, 60, "filing did not get going")
    postgres.restart()
    restarted_at = len(answers)
    # Load goes on until the portal has taken a good number of complaints again (however slow this machine is).
    wait_until(
        lambda: sum(status == 201 for status, _body in answers[restarted_at:]) >= 10,
        90,
        "the portal did not take complaints again after the restart",
        every=0.5,
    )
    stop.set()
    for client in clients:
        client.join(timeout=60)

    statuses = [status for status, _body in answers]
    print(f"database restart: {statuses.count(201)} accepted, {statuses.count(503)} answered 503")
    assert set(statuses) <= {201, 503}, [answer for answer in answers if answer[0] not in {201, 503}][:3]
    for status, body in answers:
        if status == 503:
            assert body["error"]["code"] == "unavailable"
    accepted = [body["tracking_code"] for status, body in answers if status == 201]
    # It recovered without a restart of the web workers.
    assert sum(status == 201 for status in statuses[restarted_at:]) >= 10
    for code in accepted:
        assert stack.get(f"/api/v1/complaints/{code}")[0] == 200, code
