"""The board reads the figures the refresh job counted: its cost is the number of units, not of complaints."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from escalation.accountability import REFRESH_JOB, Filters, accountability, refresh_figures
from escalation.cases import open_case
from escalation.vocabulary import CaseKind
from portal.domain import Track
from portal.extensions import db
from portal.jobs import _registry
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.queries import assert_flat, queries_of

API = "/api/v1/accountability"


def _file(app: Flask, client: FlaskClient, count: int) -> None:
    with app.app_context():
        for number in range(count):
            complaint = routed_complaint(client, "transport" if number % 2 else "environment")
            if number % 3 == 0:
                open_case(complaint, track=Track.SUPERVISION, kind=CaseKind.INACTION, actor="system")
                commit()


def _refresh(app: Flask) -> None:
    with app.app_context():
        refresh_figures()
        commit()


def _environment(figures: dict[str, Any]) -> dict[str, Any]:
    return next(row for row in figures["bureaus"] if row["code"] == "XD-A1:environment")


def test_after_a_refresh_the_board_reads_no_complaint_or_case(app: Flask, client: FlaskClient) -> None:
    _file(app, client, 3)
    _refresh(app)
    for url in (API, "/accountability", f"{API}?division=XD-A"):
        ran = queries_of(app, lambda url=url: client.get(url))
        assert not [sql for sql in ran if "FROM complaints" in sql or "FROM escalation_cases" in sql], url


def test_the_board_runs_the_same_queries_for_3_or_25_complaints(app: Flask, client: FlaskClient) -> None:
    _file(app, client, 3)
    _refresh(app)

    def grow() -> None:
        _file(app, client, 22)
        _refresh(app)

    assert_flat(app, lambda: client.get(API), grow)
    assert_flat(app, lambda: client.get("/accountability"), lambda: None)


def test_the_kept_figures_are_the_counted_ones_and_say_when(app: Flask, client: FlaskClient) -> None:
    _file(app, client, 4)
    live = client.get(API).get_json()  # before any refresh: counted on request
    _refresh(app)
    kept = client.get(API).get_json()
    assert kept["bureaus"] == live["bureaus"]
    assert kept["oversight_bodies"] == live["oversight_bodies"]
    assert kept["as_of"] >= live["as_of"]
    _file(app, client, 1)  # filed after the refresh: on the board at the next one
    assert _environment(client.get(API).get_json())["received"] == _environment(kept)["received"]
    _refresh(app)
    assert _environment(client.get(API).get_json())["received"] == _environment(kept)["received"] + 1


def test_a_date_filter_is_counted_on_request(app: Flask, client: FlaskClient) -> None:
    _file(app, client, 2)
    _refresh(app)
    _file(app, client, 1)
    with app.app_context():
        today = accountability(Filters(), "zh").as_of.date()
        counted = accountability(Filters(since=today.replace(year=today.year - 1)), "zh")
        env = next(row for row in counted.bureaus if row.code == "XD-A1:environment")
    assert env.received == 2  # the third complaint is transport; both environment ones counted now


def test_the_page_shows_when_the_figures_were_counted(app: Flask, client: FlaskClient) -> None:
    _refresh(app)
    html = client.get("/accountability?lang=en").get_data(as_text=True)
    assert "Figures as of" in html
    assert "数据统计于" in client.get("/accountability?lang=zh").get_data(as_text=True)


def test_the_worker_refreshes_the_figures_every_five_minutes(app: Flask, runner: FlaskCliRunner) -> None:
    assert any(job.name == REFRESH_JOB and job.interval_seconds == 300 for job in _registry(app).periodic)
    result = runner.invoke(args=["escalation", "figures"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from escalation.models import AccountabilityRow

        assert db.session.query(AccountabilityRow).count() >= 1
