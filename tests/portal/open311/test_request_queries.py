"""GET requests.json answers up to 1000 requests in a fixed number of queries (no query per request)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from escalation.cases import open_case
from escalation.vocabulary import CaseKind
from portal.domain import Track
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.portal.open311.conftest import BASE
from tests.queries import assert_flat


def _requests(app: Flask, client: FlaskClient, count: int) -> None:
    with app.app_context():
        for number in range(count):
            complaint = routed_complaint(client, "transport" if number % 2 else "environment")
            if number % 3 == 0:
                open_case(complaint, track=Track.SUPERVISION, kind=CaseKind.INACTION, actor="system")
                commit()


def test_requests_json_runs_the_same_queries_for_3_or_25_requests(app: Flask, client: FlaskClient) -> None:
    _requests(app, client, 3)
    assert_flat(app, lambda: client.get(f"{BASE}/requests.json"), lambda: _requests(app, client, 22))
    assert len(client.get(f"{BASE}/requests.json").get_json()) == 25


def test_requests_xml_runs_the_same_queries_for_3_or_25_requests(app: Flask, client: FlaskClient) -> None:
    _requests(app, client, 3)
    assert_flat(app, lambda: client.get(f"{BASE}/requests.xml"), lambda: _requests(app, client, 22))
