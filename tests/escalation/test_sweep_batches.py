"""The sweep reads only the cases whose deadline has passed, in batches, through a partial index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from escalation import cases
from escalation.models import Case
from escalation.vocabulary import CaseKind, CaseState
from portal.domain import Track
from portal.extensions import db
from portal.models import Complaint
from portal.unit_of_work import commit
from tests.factories import file_via_api
from tests.queries import postgres_plan, statements_with_parameters

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _open(client: FlaskClient, at: datetime) -> Case:
    code = file_via_api(client)["tracking_code"]
    complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
    return cases.open_case(
        complaint, track=Track.SUPERVISION, kind=CaseKind.MISCONDUCT, actor="staff:t", now=at
    )


@pytest.fixture
def loaded_cases() -> Iterator[list[int]]:
    """The ids of the cases the ORM loads from the database while the test runs."""
    seen: list[int] = []

    def remember(case: Case, _context: object) -> None:
        seen.append(case.id)

    event.listen(Case, "load", remember)
    yield seen
    event.remove(Case, "load", remember)


def test_the_sweep_loads_only_the_cases_that_are_due(
    ctx: None, client: FlaskClient, loaded_cases: list[int]
) -> None:
    now = MONDAY + timedelta(days=8)
    due = [_open(client, MONDAY) for _ in range(2)]
    not_yet = [_open(client, now - timedelta(hours=1)) for _ in range(5)]
    commit()
    due_ids = {case.id for case in due}
    assert all(case.due_at is not None and case.due_at > now for case in not_yet)
    db.session.expunge_all()
    loaded_cases.clear()
    report = cases.sweep(now)
    commit()
    assert report.overdue == 2
    assert set(loaded_cases) == due_ids  # the five not yet due were never read, nor locked


def test_an_unanswered_case_at_the_top_is_not_read_again(
    ctx: None, client: FlaskClient, loaded_cases: list[int]
) -> None:
    _open(client, MONDAY)
    moment = MONDAY
    for _ in range(3):  # county, city, province: overdue at the top
        moment += timedelta(days=30)
        cases.sweep(moment)
        commit()
    top = db.session.scalars(select(Case).where(Case.body.has(code="XD:supervision"))).one()
    assert top.state is CaseState.OVERDUE
    db.session.expunge_all()
    loaded_cases.clear()
    cases.sweep(moment + timedelta(days=365))
    commit()
    assert loaded_cases == []


def test_the_sweep_works_through_every_batch(
    ctx: None, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases, "SWEEP_BATCH", 2)
    for _ in range(5):
        _open(client, MONDAY)
    commit()
    report = cases.sweep(MONDAY + timedelta(days=8))
    commit()
    assert (report.overdue, report.escalated) == (5, 5)


def test_the_sweep_reads_cases_through_the_partial_index(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("index use is checked on PostgreSQL (TEST_DATABASE_URL)")
        _open(client, MONDAY)
        commit()

    def sweep() -> None:
        with app.app_context():
            cases.sweep(MONDAY + timedelta(days=8))
            db.session.rollback()

    ran = statements_with_parameters(app, sweep)
    (statement, parameters) = next(
        (sql, params)
        for sql, params in ran
        if sql.startswith("SELECT escalation_cases.") and "FOR UPDATE" in sql
    )
    plan = postgres_plan(app, statement, parameters)
    assert "ix_escalation_cases_due" in plan, plan
