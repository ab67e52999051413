"""Rate limits on filing and look-ups, with a localised 429."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import complaint_payload

LIMITED = {"RATELIMIT_ENABLED": True, "RATELIMIT_INTAKE": "2 per minute", "RATELIMIT_LOOKUP": "3 per minute"}


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_filing_is_rate_limited_across_form_and_api(client: FlaskClient) -> None:
    assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 201
    assert client.post("/", data=complaint_payload()).status_code == 201
    limited = client.post("/api/v1/complaints", json=complaint_payload())
    assert limited.status_code == 429
    assert limited.get_json()["error"]["message"] == "请求过于频繁，请稍候一分钟再试。"
    page = client.post("/", data=complaint_payload(), headers={"Accept-Language": "en"})
    assert page.status_code == 429
    assert "Too many requests" in page.get_data(as_text=True)
    # Reading the form is not filing.
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("config_overrides", [LIMITED])
def test_lookups_are_rate_limited(client: FlaskClient) -> None:
    statuses = [client.get("/api/v1/complaints/FA-0000-0000-0000").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
