"""Whatever a client sends, the API answers with a 4xx it explains, never a 500."""

from __future__ import annotations

import json

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)
complaint_like = st.fixed_dictionaries(
    {},
    optional={
        "title": json_values,
        "body": json_values,
        "division": st.sampled_from(["XD-A1", "XD", "nowhere", ""]) | json_values,
        "lat": json_values,
        "lon": json_values,
        "anonymous": json_values,
        "contact": json_values,
        "misconduct": json_values,
    },
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=complaint_like | json_values)
def test_random_json_never_causes_a_server_error(app: Flask, payload: object) -> None:
    response = app.test_client().post(
        "/api/v1/complaints", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code in {201, 400, 422}, response.get_data(as_text=True)
    if response.status_code != 201:
        assert response.get_json()["error"]["message"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_cause_a_server_error(app: Flask, raw: bytes) -> None:
    response = app.test_client().post("/api/v1/complaints", data=raw, content_type="application/json")
    assert response.status_code in {400, 422}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(max_size=80))
def test_random_codes_never_cause_a_server_error(app: Flask, code: str) -> None:
    client = app.test_client()
    assert client.get(
        "/api/v1/complaints/" + code.replace("/", "").replace("?", "").replace("#", "")
    ).status_code in {200, 404, 308}


def test_json_that_parses_but_cannot_be_stored_is_a_400(app: Flask) -> None:
    client = app.test_client()
    nested = "[" * 100_000 + "]" * 100_000
    lone_surrogate = '{"title": "\\ud800路灯坏了", "body": "路灯坏了很久很久没人修", "division": "XD-A1"}'
    for body in (nested, lone_surrogate):
        response = client.post("/api/v1/complaints", data=body, content_type="application/json")
        assert response.status_code == 400
        response = client.post("/api/v1/auth/tokens", data=body, content_type="application/json")
        assert response.status_code == 400


def test_numbers_too_large_for_a_float_are_refused(app: Flask) -> None:
    client = app.test_client()
    body = (
        '{"title": "路灯坏了", "body": "路灯坏了很久很久没人修", "division": "XD-A1", "lat": 1'
        + "0" * 400
        + ', "lon": 1}'
    )
    response = client.post("/api/v1/complaints", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "lat" in response.get_json()["error"]["fields"]


def test_ids_beyond_the_columns_and_nul_bytes_are_not_found(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/evidence/abc%00.jpg").status_code == 404
    assert client.post("/api/v1/auth/tokens", json={"username": "a\x00b", "password": "x"}).status_code == 401
    assert client.get("/staff/evidence/99999999999999999999").status_code == 404
