"""The triage queue: pages in a fixed number of queries, urgent misconduct first, then the unrouted ones."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.domain import Role
from portal.extensions import db
from portal.unit_of_work import commit
from tests.factories import PASSWORD, bearer, file_via_api, make_staff
from tests.queries import assert_flat
from tests.triage.texts import VAGUE
from triage.models import Assessment, MisconductReview


def _file(client: FlaskClient, count: int) -> list[str]:
    # Too vague for the model to route: each waits in the queue for a human.
    return [file_via_api(client, **VAGUE)["tracking_code"] for _ in range(count)]


def test_the_api_runs_the_same_queries_for_3_or_25_items(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    _file(client, 3)
    assert len(client.get("/api/v1/triage/queue", headers=triage).get_json()["queue"]) == 3
    assert_flat(app, lambda: client.get("/api/v1/triage/queue", headers=triage), lambda: _file(client, 22))
    assert len(client.get("/api/v1/triage/queue", headers=triage).get_json()["queue"]) == 25


def test_the_desk_page_runs_the_same_queries_for_3_or_25_items(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    _file(client, 3)
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    assert_flat(app, lambda: client.get("/staff/triage/"), lambda: _file(client, 22))
    assert client.get("/staff/triage/").get_data(as_text=True).count("/staff/triage/FA-") == 25


def test_flagged_misconduct_comes_first_across_pages(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    codes = _file(client, 5)
    flagged = {codes[3], codes[4]}
    with app.app_context():
        from portal.models import Complaint

        for code in flagged:
            complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
            assessment = db.session.scalar(select(Assessment).where(Assessment.complaint_id == complaint.id))
            if assessment is None:
                assessment = Assessment(complaint_id=complaint.id, top=[], misconduct_evidence=[])
                db.session.add(assessment)
            assessment.misconduct_flag = True
            assessment.misconduct_review = MisconductReview.PENDING
        commit()
    pages = [
        client.get(f"/api/v1/triage/queue?page_size=2&page={n}", headers=triage).get_json() for n in (1, 2, 3)
    ]
    order = [item["complaint"]["tracking_code"] for page in pages for item in page["queue"]]
    assert set(order[:2]) == flagged
    assert order[2:] == codes[:3]
    assert [page["has_next"] for page in pages] == [True, True, False]
    assert all(item["needs_misconduct_review"] for item in pages[0]["queue"])
