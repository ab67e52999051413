"""The bureau desk lists a page at a time, in a fixed number of queries whatever the page holds."""

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

API = "/api/v1/bureau/complaints"


def _routed(app: Flask, client: FlaskClient, count: int) -> list[str]:
    codes = []
    with app.app_context():
        for number in range(count):
            complaint = routed_complaint(client)
            if number % 3 == 0:  # some with an oversight case, whose section the view shows
                open_case(complaint, track=Track.SUPERVISION, kind=CaseKind.INACTION, actor="system")
                commit()
            codes.append(complaint.tracking_code)
    return codes


def test_the_api_runs_the_same_queries_for_3_or_25_complaints(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
    _routed(app, client, 3)
    assert_flat(app, lambda: client.get(API, headers=officer), lambda: _routed(app, client, 22))
    listed = client.get(API, headers=officer).get_json()
    assert len(listed["complaints"]) == 25
    assert listed["complaints"][0]["escalations"][0]["kind"] == "inaction"


def test_the_desk_page_runs_the_same_queries_for_3_or_25_complaints(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    _routed(app, client, 3)
    client.post("/staff/login", data={"username": "env", "password": PASSWORD})
    assert_flat(app, lambda: client.get("/staff/bureau"), lambda: _routed(app, client, 22))


def test_pages_follow_each_other_without_gaps(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
    codes = _routed(app, client, 5)
    first = client.get(f"{API}?page_size=2", headers=officer).get_json()
    second = client.get(f"{API}?page_size=2&page=2", headers=officer).get_json()
    last = client.get(f"{API}?page_size=2&page=3", headers=officer).get_json()
    assert (first["has_next"], second["has_next"], last["has_next"]) == (True, True, False)
    listed = [c["tracking_code"] for page in (first, second, last) for c in page["complaints"]]
    assert sorted(listed) == sorted(codes)
    assert (first["page"], first["page_size"]) == (1, 2)


def test_a_bad_page_is_a_400_in_the_callers_language(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
    for query in ("page=0", "page=x", "page_size=201", "page_size=-1"):
        response = client.get(f"{API}?{query}", headers={**officer, "Accept-Language": "en"})
        assert response.status_code == 400, query
        assert "page" in response.get_json()["error"]["message"]
    chinese = client.get(f"{API}?page=0", headers=officer).get_json()["error"]["message"]
    assert "页" in chinese


def test_the_desk_page_links_to_the_next_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    _routed(app, client, 3)
    client.post("/staff/login", data={"username": "env", "password": PASSWORD})
    html = client.get("/staff/bureau?page_size=2&lang=en").get_data(as_text=True)
    assert 'rel="next"' in html
    assert "page=2" in html
    assert client.get("/staff/bureau?page=abc").status_code == 400
