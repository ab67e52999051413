"""Escalation's figure on /metrics: the cases that went overdue and are still unanswered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from escalation import cases
from escalation.vocabulary import CaseKind
from portal.domain import Track
from portal.extensions import db
from portal.models import Complaint
from portal.unit_of_work import commit
from tests.factories import file_via_api
from tests.portal.ops.scraping import scrape, value

MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_overdue_cases_are_counted_at_scrape_time(app: Flask, client: FlaskClient) -> None:
    assert value(scrape(client), "fire_alarm_escalation_overdue_cases") == 0
    codes = [file_via_api(client)["tracking_code"] for _ in range(2)]
    with app.app_context():
        for code in codes:
            complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
            cases.open_case(
                complaint, track=Track.SUPERVISION, kind=CaseKind.MISCONDUCT, actor="staff:t", now=MONDAY
            )
        commit()
        cases.sweep(MONDAY + timedelta(days=8))  # both miss their deadline: overdue, and one more each above
        commit()
    assert value(scrape(client), "fire_alarm_escalation_overdue_cases") == 2


def test_a_portal_without_escalation_reports_no_such_figure(app_factory: object) -> None:
    portal_only = app_factory(FEATURE_PACKAGES=())  # type: ignore[operator]
    samples = scrape(portal_only.test_client())
    assert value(samples, "fire_alarm_escalation_overdue_cases") is None
    assert value(samples, "fire_alarm_queue_up") == 0
