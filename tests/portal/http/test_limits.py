"""Rate limits on filing and look-ups, with a localised 429."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import complaint_payload, file_via_api

LIMITED = {"RATELIMIT_ENABLED": True, "RATELIMIT_INTAKE": "2 per minute", "RATELIMIT_LOOKUP": "3 per minute"}


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_filing_is_rate_limited_across_form_and_api(client: FlaskClient) -> None:
    assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 201
    # Seen the first as a suggestion, filed anyway.
    assert client.post("/", data={**complaint_payload(), "similar_seen": "1"}).status_code == 303
    limited = client.post("/api/v1/complaints", json=complaint_payload())
    assert limited.status_code == 429
    assert limited.get_json()["error"]["message"] == "请求过于频繁，请稍候一分钟再试。"
    page = client.post("/", data=complaint_payload(title="第三件事的标题"), headers={"Accept-Language": "en"})
    assert page.status_code == 429
    assert page.headers.get("Retry-After") == "60", page.headers
    text = page.get_data(as_text=True)
    # The form comes back with what was typed, not a bare error page.
    assert "Wait a minute, then send this one again" in text
    assert "第三件事的标题" in text
    assert complaint_payload()["body"] in text
    # Reading the form is not filing.
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_lookups_are_rate_limited(client: FlaskClient) -> None:
    statuses = [client.get("/api/v1/complaints/FA-0000-0000-0000").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_with_redis_down_the_portal_files_and_answers_and_still_limits(
    app_factory: Callable[..., Flask],
) -> None:
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    down = app_factory(
        REDIS_URL=dead,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=dead,
        RATELIMIT_INTAKE="50 per minute",
        RATELIMIT_ATTEMPTS="100 per minute",
    )
    client = down.test_client()
    codes = [file_via_api(client)["tracking_code"] for _ in range(50)]
    assert len(set(codes)) == 50
    # The 51st in the minute is refused: the limits are counted in memory meanwhile.
    assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 429
    assert client.get(f"/track/{codes[0]}").status_code == 200
    assert client.get(f"/api/v1/complaints/{codes[0]}").status_code == 200
    assert client.post("/staff/login", data={"username": "nobody", "password": "x" * 12}).status_code == 401
    assert client.get("/accountability").status_code == 200
    assert client.get("/api/v1/ledger/head").status_code == 200


def test_an_app_made_after_one_whose_redis_was_down_counts_in_its_own_storage(
    app_factory: Callable[..., Flask],
) -> None:
    # Flask-Limiter keeps "the storage is dead" on the extension object, not per app. CI once saw the next app
    # start in the memory fallback and switch back to its own storage half-way, forgetting five guesses.
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    down = app_factory(REDIS_URL=dead, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=dead).test_client()
    for _ in range(2):  # the first marks the storage dead, the second starts the back-off before a re-check
        down.get("/api/v1/complaints/FA-0000-0000-0000")
    client = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="1000 per minute").test_client()

    def guess() -> int:
        return client.post("/staff/login", data={"username": "demo-admin", "password": "guess"}).status_code

    assert [guess() for _ in range(5)] == [401] * 5
    time.sleep(2.1)  # past the first back-off: Flask-Limiter would look at the storage again now
    assert guess() == 429


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "1000 per minute"}]
)
def test_guesses_at_one_account_are_limited_whatever_the_address(client: FlaskClient) -> None:
    statuses = [
        client.post(
            "/staff/login",
            data={"username": "Demo-Admin ", "password": f"guess-{number}"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{number}"},
        ).status_code
        for number in range(1, 8)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
    api = client.post(
        "/api/v1/auth/tokens",
        json={"username": "demo-admin", "password": "guess"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert api.status_code == 429  # the same account, counted across the page and the API
    other = client.post("/staff/login", data={"username": "someone-else", "password": "guess"})
    assert other.status_code == 401


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_LOOKUP": "3 per minute"}]
)
def test_cheap_reads_have_a_higher_limit_of_their_own(client: FlaskClient) -> None:
    statuses = [client.get("/open311/v2/services.json").status_code for _ in range(70)]
    assert set(statuses) == {200}
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_a_mistyped_form_does_not_use_up_the_filing_limit(client: FlaskClient) -> None:
    for _ in range(4):
        assert client.post("/", data=complaint_payload(title="短")).status_code == 422
    assert client.post("/", data=complaint_payload()).status_code == 303
    assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 201


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_follow_ups_have_a_limit_of_their_own(client: FlaskClient) -> None:
    receipt = file_via_api(client)
    url = f"/api/v1/complaints/{receipt['tracking_code']}/updates"
    for _ in range(3):
        assert (
            client.post(url, json={"secret": receipt["follow_up_secret"], "text": "补充材料"}).status_code
            == 201
        )
    assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 201
