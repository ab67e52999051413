"""With Redis stopped, the portal still files and answers; once Redis is back, every complaint is processed."""

from __future__ import annotations

import pytest

from tests.faults.servers import PrivateRedis, wait_until
from tests.faults.stack import Stack

pytestmark = [pytest.mark.faults, pytest.mark.slow]


def complaint(number: int) -> dict[str, str]:
    return {
        "title": f"第{number}号路口的路灯坏了",
        "body": f"A1区人民路第{number}号路口的路灯从上周起一直不亮，晚上行人很危险，请尽快维修。",
        "division": "XD-A1",
    }


def test_fifty_filings_are_accepted_without_redis_and_all_are_classified_after_it_returns(
    stack: Stack, redis_server: PrivateRedis
) -> None:
    # Redis was never started: the queue and the rate-limit storage are both down.
    stack.start_web()
    codes = []
    for number in range(50):
        status, body = stack.post("/api/v1/complaints", complaint(number))
        assert status == 201, body
        codes.append(body["tracking_code"])
    for code in codes[:5]:
        assert stack.get(f"/api/v1/complaints/{code}")[0] == 200
    assert stack.get(f"/track/{codes[0]}")[0] == 200
    status, ready = stack.get("/readyz")
    assert (status, ready["status"], ready["checks"]["queue"]["ok"]) == (200, "degraded", False)

    redis_server.start()
    stack.start_worker("main", "media")  # its periodic sweep re-enqueues what Redis missed

    def all_processed() -> bool:
        return all(stack.get(f"/api/v1/complaints/{code}")[1]["status"] != "received" for code in codes)

    wait_until(all_processed, 90, "not every complaint filed during the outage was processed", every=1)
    assert stack.get("/readyz")[1]["status"] == "ready"
