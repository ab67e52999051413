"""Logs: one JSON object per line with the request id, or plain text; every response echoes the id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.ops.logs import JsonFormatter, TextFormatter, configure_logging, gunicorn_logconfig
from tests.factories import file_via_api


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every record of the test, formatted as JSON, one per line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def request_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [entry for entry in lines(stream) if entry["logger"] == "portal.request"]


def test_each_request_is_one_json_line_with_its_id(client: FlaskClient, captured: io.StringIO) -> None:
    response = client.post(
        "/api/v1/complaints",
        json={"title": "x"},
        headers={"X-Request-ID": "req-7f3a.b2"},
    )
    assert response.status_code == 422
    assert response.headers["X-Request-ID"] == "req-7f3a.b2"
    (entry,) = request_lines(captured)
    assert entry["request_id"] == "req-7f3a.b2"
    assert entry["method"] == "POST"
    assert entry["path"] == "/api/v1/complaints"
    assert entry["endpoint"] == "complaints_api.file_complaint"
    assert entry["status"] == 422
    assert isinstance(entry["duration_ms"], float)
    assert entry["level"] == "INFO"
    assert str(entry["time"]).endswith("Z")
    assert entry["message"] == "POST /api/v1/complaints 422"


def test_without_a_sane_id_the_portal_makes_one(client: FlaskClient, captured: io.StringIO) -> None:
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert made.isalnum()
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected\\'}).headers["X-Request-ID"]
    assert "injected" not in forged
    too_long = client.get("/healthz", headers={"X-Request-ID": "a" * 500}).headers["X-Request-ID"]
    assert len(too_long) == 32
    assert made != forged != too_long
    assert [entry["request_id"] for entry in request_lines(captured)] == [made, forged, too_long]


def test_no_query_string_and_no_client_address_in_the_log(client: FlaskClient, captured: io.StringIO) -> None:
    client.get("/open311/v2/requests.json?api_key=o311_secret", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    text = captured.getvalue()
    assert "o311_secret" not in text
    assert "203.0.113.9" not in text


def test_probes_and_scrapes_log_at_debug(client: FlaskClient, captured: io.StringIO) -> None:
    client.get("/healthz")
    client.get("/metrics")
    client.get("/")
    levels = {entry["endpoint"]: entry["level"] for entry in request_lines(captured)}
    assert levels["health.healthz"] == "DEBUG"
    assert levels["ops_metrics.metrics"] == "DEBUG"
    assert set(levels.values()) == {"DEBUG", "INFO"}


def test_errors_carry_the_exception_and_the_request_id(
    app: Flask, client: FlaskClient, captured: io.StringIO
) -> None:
    @app.get("/explode")
    def explode() -> str:
        raise RuntimeError("the disk is on fire")

    response = client.get("/explode", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    (error,) = [entry for entry in lines(captured) if entry["level"] == "ERROR"]
    assert error["request_id"] == "boom-1"
    assert "RuntimeError: the disk is on fire" in str(error["exception"])
    assert "\n" not in captured.getvalue().splitlines()[0]


def test_logs_outside_a_request_have_no_request_id(captured: io.StringIO) -> None:
    logging.getLogger("portal.jobs").warning("Redis unreachable; %d job(s) left for the sweep", 2)
    (entry,) = lines(captured)
    assert entry["message"] == "Redis unreachable; 2 job(s) left for the sweep"
    assert "request_id" not in entry


def test_text_lines_cannot_be_forged(client: FlaskClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TextFormatter())
    logger = logging.getLogger("portal.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client.get("/track/x%0A2026-01-01 INFO forged", headers={"X-Request-ID": "t-1"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    (line,) = stream.getvalue().splitlines()
    assert " INFO portal.request [t-1]: GET /track/x\\x0a2026-01-01 INFO forged 404" in line


def test_gunicorn_access_lines_become_fields() -> None:
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        "%(m)s %(U)s %(s)s",
        ({"m": "GET", "U": "/track", "s": "200", "M": "12", "{x-request-id}o": "abc", "h": "203.0.113.9"},),
        None,
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /track 200"
    assert (entry["method"], entry["path"], entry["status"], entry["duration_ms"]) == (
        "GET",
        "/track",
        200,
        12,
    )
    assert entry["request_id"] == "abc"
    assert "203.0.113.9" not in json.dumps(entry)


def test_configuring_twice_keeps_one_handler() -> None:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        configure_logging("json", "WARNING")
        configure_logging("text", "INFO")
        added = [handler for handler in root.handlers if handler not in before]
        assert len(added) == 1
        assert isinstance(added[0].formatter, TextFormatter)
        configure_logging(None)  # unset: logging left as it is
        assert [handler for handler in root.handlers if handler not in before] == added
    finally:
        root.handlers = before
        root.setLevel(level)


def test_gunicorn_lines_are_json_only_when_asked() -> None:
    assert gunicorn_logconfig(None, "INFO", access_log=False) is None
    assert gunicorn_logconfig("text", "INFO", access_log=False) is None
    config = gunicorn_logconfig("json", "INFO", access_log=False)
    assert config is not None
    assert config["root"]["handlers"] == []  # the app's handler (wsgi.py) is the root's: no line twice
    assert config["loggers"]["gunicorn.access"]["level"] == "WARNING"


def test_a_filing_logs_nothing_personal(client: FlaskClient, captured: io.StringIO) -> None:
    file_via_api(client, contact={"phone": "13912345678", "name": "张三"})
    text = captured.getvalue()
    assert "13912345678" not in text
    assert "张三" not in text
    assert "\\u5f20\\u4e09" not in text
