"""The liaison desk lists a page of cases at a time, in a fixed number of queries whatever the page holds."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from escalation.cases import open_case
from escalation.vocabulary import CaseKind
from portal.domain import Role, Track
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.factories import PASSWORD, bearer, make_staff
from tests.queries import assert_flat

BODY = "XD-A1:supervision"


def _cases(app: Flask, client: FlaskClient, count: int) -> None:
    with app.app_context():
        for number in range(count):
            complaint = routed_complaint(client, "transport" if number % 2 else "environment")
            open_case(complaint, track=Track.SUPERVISION, kind=CaseKind.INACTION, actor="system")
            commit()


def test_the_api_runs_the_same_queries_for_3_or_25_cases(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        liaison = bearer("sup", Role.LIAISON, body=BODY)
    _cases(app, client, 3)
    assert_flat(
        app, lambda: client.get("/api/v1/escalations", headers=liaison), lambda: _cases(app, client, 22)
    )
    listed = client.get("/api/v1/escalations", headers=liaison).get_json()
    assert len(listed["escalations"]) == 25
    assert listed["has_next"] is False
    paged = client.get("/api/v1/escalations?page_size=10&page=3", headers=liaison).get_json()
    assert (len(paged["escalations"]), paged["has_next"]) == (5, False)


def test_the_desk_page_runs_the_same_queries_for_3_or_25_cases(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("sup", Role.LIAISON, body=BODY)
    _cases(app, client, 3)
    client.post("/staff/login", data={"username": "sup", "password": PASSWORD})
    assert_flat(app, lambda: client.get("/staff/escalations"), lambda: _cases(app, client, 22))
    html = client.get("/staff/escalations?page_size=10").get_data(as_text=True)
    assert 'rel="next"' in html


def test_pages_of_cases_are_nearest_deadline_first_and_complete(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        liaison = bearer("sup", Role.LIAISON, body=BODY)
    _cases(app, client, 5)
    pages = [
        client.get(f"/api/v1/escalations?page_size=2&page={n}", headers=liaison).get_json()["escalations"]
        for n in (1, 2, 3)
    ]
    ids = [case["id"] for page in pages for case in page]
    whole = [
        case["id"] for case in client.get("/api/v1/escalations", headers=liaison).get_json()["escalations"]
    ]
    assert ids == whole
    assert len(ids) == 5
    due = [case["due_at"] for page in pages for case in page]
    assert due == sorted(due)
