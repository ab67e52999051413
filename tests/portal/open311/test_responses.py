"""Errors anywhere under /open311/ are the spec's error list: routing errors, 405, 413, faults and rate limits."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.open311.keys import issue_key
from portal.unit_of_work import commit
from tests.portal.open311.documents import JSON_CONTENT_TYPE, XML_CONTENT_TYPE, parse_xml, validate
from tests.portal.open311.filings import BASE, post_request


def error_list(response: TestResponse, status: int) -> list[dict[str, object]]:
    assert response.status_code == status
    assert response.headers["Content-Type"] == JSON_CONTENT_TYPE
    document = json.loads(response.data)
    validate("errors.schema.json", document)
    return document


def test_unknown_paths_answer_in_the_suffix_format_xml_by_default(client: FlaskClient) -> None:
    assert error_list(client.get(f"{BASE}/nothing.json"), 404)[0]["code"] == 404
    for path in (f"{BASE}/services.html", f"{BASE}/nothing", "/open311/v3/services.xml"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == XML_CONTENT_TYPE
        (error,) = parse_xml(response.data, "errors")
        assert error.findtext("code") == "404"
    # The staff API keeps its own error format.
    assert "error" in client.get("/api/v1/nothing").get_json()


def test_wrong_method_is_a_400_general_error(client: FlaskClient) -> None:
    (error,) = error_list(client.delete(f"{BASE}/services.json"), 400)
    assert error["code"] == 400


@pytest.mark.parametrize("config_overrides", [{"MAX_CONTENT_LENGTH": 1024}])
def test_too_large_a_body_is_a_400(client: FlaskClient, api_key: str) -> None:
    error_list(post_request(client, api_key, description="很" * 2000), 400)


def test_a_fault_is_a_500_and_tells_nothing(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("portal.open311.views.services", broken)
    # Our fault, not the client's: a 400 would tell a client to change a request that was fine.
    (error,) = error_list(client.get(f"{BASE}/services.json"), 500)
    assert "database" not in str(error["description"])


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_READ": "2 per minute"}])
def test_reading_is_rate_limited_with_a_429_error_list(client: FlaskClient) -> None:
    statuses = [client.get(f"{BASE}/services.json").status_code for _ in range(2)]
    assert statuses == [200, 200]
    (error,) = error_list(client.get(f"{BASE}/services.json"), 429)
    assert error["code"] == 429


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}])
def test_filing_is_rate_limited_per_key(app: Flask, client: FlaskClient, api_key: str) -> None:
    # Invalid requests count too: the limit protects the key check and the form as well as the database.
    statuses = {post_request(client, api_key, drop=("description",)).status_code for _ in range(30)}
    assert statuses == {400}
    error_list(post_request(client, api_key, drop=("description",)), 429)
    with app.app_context():
        other_key = issue_key("another partner")
        commit()
    assert post_request(client, other_key, drop=("description",)).status_code == 400


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_OPEN311_POST": "3 per minute"}]
)
def test_the_filing_limit_per_key_is_configurable(client: FlaskClient, api_key: str) -> None:
    statuses = [post_request(client, api_key, drop=("description",)).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    error_list(post_request(client, api_key, drop=("description",)), 429)


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_ENABLED": True}])
def test_guessing_keys_is_rate_limited_per_address(client: FlaskClient) -> None:
    statuses = {post_request(client, f"o311_guess{n}").status_code for n in range(30)}
    assert statuses == {403}
    error_list(post_request(client, "o311_guess30"), 429)
