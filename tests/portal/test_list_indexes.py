"""The paged lists' queries are served by indexes (PostgreSQL's EXPLAIN), so they stay fast at a million rows.

Each test runs a list through the app, takes the statement that reads the list from what the app sent, and asks
PostgreSQL for its plan with sequential scans priced out (a test-sized table would rightly be scanned). On
SQLite these tests skip: the indexes are PostgreSQL's question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from escalation.cases import open_case
from escalation.vocabulary import CaseKind
from portal.domain import Role, Track
from portal.extensions import db
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.factories import bearer, file_via_api
from tests.queries import postgres_plan, statements_with_parameters


@pytest.fixture(autouse=True)
def _postgresql_only(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("index use is checked on PostgreSQL (TEST_DATABASE_URL)")


def _plan_of(app: Flask, request: Callable[[], Any], *markers: str) -> str:
    ran = statements_with_parameters(app, request)
    chosen = [(sql, params) for sql, params in ran if all(marker in sql for marker in markers)]
    assert chosen, f"no statement with {markers} among:\n" + "\n".join(sql for sql, _ in ran)
    return postgres_plan(app, *chosen[0])


def test_open311_requests_newest_first_use_the_date_index(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        routed_complaint(client)
    plan = _plan_of(app, lambda: client.get("/open311/v2/requests.json"), "FROM complaints", "ORDER BY")
    assert "ix_complaints_created_at" in plan, plan


def test_the_bureau_desk_uses_the_bureau_deadline_index(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        routed_complaint(client)
    plan = _plan_of(
        app,
        lambda: client.get("/api/v1/bureau/complaints", headers=officer),
        "complaints.bureau_id =",
        "ORDER BY",
    )
    assert "ix_complaints_bureau_due" in plan, plan


def test_the_liaison_desk_uses_the_body_deadline_index(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        liaison = bearer("sup", Role.LIAISON, body="XD-A1:supervision")
        complaint = routed_complaint(client)
        open_case(complaint, track=Track.SUPERVISION, kind=CaseKind.INACTION, actor="system")
        commit()
    plan = _plan_of(
        app, lambda: client.get("/api/v1/escalations", headers=liaison), "FROM escalation_cases", "ORDER BY"
    )
    assert "ix_escalation_cases_body_due" in plan, plan


def test_the_triage_queue_uses_an_index_for_each_half(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    file_via_api(client)  # no model in this test's app: it waits for a human
    unrouted = _plan_of(
        app, lambda: client.get("/api/v1/triage/queue", headers=triage), "complaints.status =", "ORDER BY"
    )
    assert "ix_complaints_status_created_at" in unrouted, unrouted
    with app.app_context():
        from sqlalchemy import select

        from portal.models import Complaint
        from triage.models import Assessment, MisconductReview

        complaint_id = db.session.scalars(select(Complaint.id)).first()
        assessment = db.session.scalars(
            select(Assessment).where(Assessment.complaint_id == complaint_id)
        ).one()
        assessment.misconduct_flag = True
        assessment.misconduct_review = MisconductReview.PENDING
        commit()
    queue = lambda: client.get("/api/v1/triage/queue", headers=triage)  # noqa: E731
    counted = _plan_of(app, queue, "count(")
    assert "ix_triage_assessments_pending" in counted, counted
    flagged = _plan_of(app, queue, "JOIN triage_assessments", "ORDER BY")
    assert "ix_triage_assessments_pending" in flagged, flagged
