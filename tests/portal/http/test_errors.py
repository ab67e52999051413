"""Errors are clear answers, never a bare 500: bad parameters, a database that is down, Open311's own format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "query", ["since=0001-01-01", "until=9999-12-31", "since=0001-01-01&until=9999-12-31", "division=%00"]
)
def test_extreme_or_broken_accountability_filters_are_answered(client: FlaskClient, query: str) -> None:
    api = client.get(f"/api/v1/accountability?{query}")
    page = client.get(f"/accountability?{query}")
    assert api.status_code in {200, 400, 422}, api.get_data(as_text=True)
    assert page.status_code in {200, 400, 422}
    if api.status_code != 200:
        assert api.get_json()["error"]["message"]


def test_a_nul_in_any_parameter_is_a_400_in_the_readers_language(client: FlaskClient) -> None:
    response = client.get("/open311/v2/requests.json?service_code=%00")
    assert response.status_code == 400
    form = client.post("/staff/login", data={"username": "a\x00b", "password": "x"})
    assert form.status_code == 400
    assert "请求" in form.get_data(as_text=True)


@pytest.fixture
def database_gone(app_factory: Callable[..., Flask], tmp_path: Path) -> FlaskClient:
    return app_factory(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'gone.sqlite3'}"
    ).test_client()


def test_a_database_that_is_down_is_a_503_with_json_and_a_time_to_retry(database_gone: FlaskClient) -> None:
    for response in (
        database_gone.get("/api/v1/complaints/FA-0000-0000-0000"),
        database_gone.post(
            "/api/v1/complaints",
            json={
                "title": "路灯坏了三个月",
                "body": "人民路的路灯一直不亮，晚上很危险。",
                "division": "XD-A1",
            },
        ),
    ):
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "unavailable"
        assert response.headers["Retry-After"] == "30"
    page = database_gone.get("/track/FA-0000-0000-0000", headers={"Accept-Language": "en"})
    assert page.status_code == 503
    assert "try again" in page.get_data(as_text=True)


def test_open311_reports_our_faults_as_faults(database_gone: FlaskClient) -> None:
    response = database_gone.get("/open311/v2/requests.json")
    assert response.status_code == 503
    assert response.get_json()[0]["code"] == 503
