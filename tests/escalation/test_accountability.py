"""The public accountability figures and page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient

from escalation import cases
from escalation.accountability import Filters, accountability
from escalation.charts import Bar, LegendItem, Segment, stacked_bars
from escalation.vocabulary import CaseAction, CaseKind, Outcome
from portal.bureau.replies import post_reply
from portal.domain import Role, Track
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.factories import make_staff

MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def build(client: FlaskClient) -> None:
    """Three complaints at the A1 environment bureau: one answered in 2 days, one late, one never; and cases."""
    officer = make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    liaison = make_staff("li", Role.LIAISON, body="XD-A1:discipline")
    fast = routed_complaint(client, now=MONDAY)
    post_reply(fast, staff=officer, text="已处理", resolve=True, now=MONDAY + timedelta(days=2))
    late = routed_complaint(client, now=MONDAY)
    post_reply(late, staff=officer, text="迟复", resolve=False, now=MONDAY + timedelta(days=40))
    routed_complaint(client, now=MONDAY)
    acted = cases.open_case(fast, track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="t", now=MONDAY)
    cases.record_action(
        acted, CaseAction.ACT, staff=liaison, outcome=Outcome.ADMONITION, now=MONDAY + timedelta(days=4)
    )
    cases.open_case(late, track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="t", now=MONDAY)
    commit()


def test_figures_per_bureau_and_body(ctx: None, client: FlaskClient) -> None:
    build(client)
    figures = accountability(Filters(), "zh", now=MONDAY + timedelta(days=60))
    bureau = next(b for b in figures.bureaus if b.code == "XD-A1:environment")
    assert (
        bureau.received,
        bureau.replied,
        bureau.resolved,
        bureau.overdue,
        bureau.open,
        bureau.in_time,
    ) == (3, 2, 1, 2, 2, 1)
    assert bureau.median_days_to_reply == 21.0  # 2 and 40 days
    assert bureau.answered_in_time_share == 1 / 3
    body = next(b for b in figures.bodies if b.code == "XD-A1:discipline")
    assert (body.received, body.acted, body.declined, body.open, body.in_time) == (2, 1, 0, 1, 1)
    assert body.median_days_to_answer == 4.0
    untouched = next(b for b in figures.bureaus if b.code == "XD-B1:transport")
    assert (untouched.received, untouched.median_days_to_reply, untouched.answered_in_time_share) == (
        0,
        None,
        None,
    )


def test_filters_by_division_and_period(ctx: None, client: FlaskClient) -> None:
    build(client)
    in_b = accountability(Filters(division_code="XD-B"), "zh")
    assert {b.division for b in in_b.bureaus} == {"XD-B", "XD-B1", "XD-B2"}
    assert sum(b.received for b in in_b.bureaus) == 0
    filed_today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # periods are Shanghai days
    window = accountability(Filters(since=filed_today, until=filed_today), "zh")
    assert sum(b.received for b in window.bureaus) == 3
    before = accountability(Filters(until=filed_today - timedelta(days=1)), "zh")
    assert sum(b.received for b in before.bureaus) == 0


def test_api_and_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        build(client)
    data = client.get("/api/v1/accountability?division=XD-A1").get_json()
    assert data["filters"]["division"] == "XD-A1"
    assert {row["code"] for row in data["oversight_bodies"]} == {"XD-A1:discipline", "XD-A1:supervision"}
    assert client.get("/api/v1/accountability?since=yesterday").status_code == 422
    page = client.get("/accountability?division=XD-A")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<svg" in text
    assert "A1区生态环境局" in text
    assert client.get("/accountability?until=31/12/2026").status_code == 422


def test_chart_escapes_labels() -> None:
    svg = stacked_bars([Bar("<script>", [Segment(3, "#000", "a&b")])], [LegendItem("#000", "x")], title="t")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "a&amp;b: 3" in svg


def test_days_are_shanghai_days_and_bad_filters_are_named(app: Flask, client: FlaskClient) -> None:
    assert client.get("/api/v1/accountability?division=XD-Q").status_code == 422
    assert client.get("/api/v1/accountability?since=2026-02-01&until=2026-01-01").status_code == 422
    # Query parameters other than the filters never reach url_for (they could change the link's target).
    assert client.get("/accountability?endpoint=x&_external=1&_anchor=y").status_code == 200
    with app.app_context():
        # 07:00 in Shanghai on 1 January is still 31 December in UTC.
        routed_complaint(client, now=datetime(2025, 12, 31, 23, 0, tzinfo=UTC))
        from portal.extensions import db
        from portal.models import Complaint

        complaint = db.session.query(Complaint).one()
        complaint.created_at = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
        db.session.commit()
    day = client.get("/api/v1/accountability?since=2026-01-01&until=2026-01-01").get_json()
    assert sum(row["received"] for row in day["bureaus"]) == 1


def test_a_contested_late_reply_is_not_turned_into_an_answer_in_time(ctx: None, client: FlaskClient) -> None:
    officer = make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    late = routed_complaint(client, now=MONDAY)
    post_reply(late, staff=officer, text="迟复", resolve=True, now=MONDAY + timedelta(days=40))
    commit()
    before = next(b for b in accountability(Filters(), "zh").bureaus if b.code == "XD-A1:environment")
    assert (before.in_time, before.overdue) == (0, 1)


def test_chart_labels_fit_and_the_oversight_chart_shows_overdue_cases() -> None:
    from escalation.charts import Bar, LegendItem, Segment, _text_width, stacked_bars

    long_name = "District A1 Housing and Urban-Rural Development Bureau"
    svg = stacked_bars(
        [Bar(long_name, [Segment(3, "#000", "Overdue: late or no answer")])],
        [LegendItem("#000", "Overdue: late or no answer")],
        title="t",
    )
    wide = svg[: svg.index("</svg>")]
    label_x = int(wide.split('text-anchor="end"')[0].rsplit('x="', 1)[1].split('"')[0])
    # The end-anchored label starts at label_x - its width: never left of the picture.
    assert label_x - _text_width(long_name, 13) >= 0
    assert 'class="chart chart-narrow"' in svg  # the phone layout keeps its text at full size


def test_the_oversight_chart_has_the_overdue_part_the_table_counts(app: Flask) -> None:
    from escalation.accountability import Accountability, BodyFigures
    from escalation.board import _charts

    body = BodyFigures(
        code="XD-A1:discipline",
        name="A1区纪委监委",
        division="XD-A1",
        level="county",
        track="discipline",
        received=4,
        acted=1,
        declined=0,
        overdue=2,
        open=3,
        in_time=1,
        median_days_to_answer=3.0,
        answered_in_time_share=1 / 3,
    )
    with app.test_request_context("/accountability?lang=en"):
        chart = str(_charts(Accountability(bureaus=[], bodies=[body], as_of=None))["bodies"])
    assert "Overdue: late or no answer: 2" in chart


def test_long_names_wrap_in_the_phone_chart() -> None:
    from escalation.charts import NARROW_WIDTH, _text_width, _wrapped

    name = "Xidi Province Housing and Urban-Rural Development Bureau"
    lines = _wrapped(name, NARROW_WIDTH)
    assert len(lines) >= 2
    assert " ".join(lines) == name
    assert all(_text_width(line, 13) <= NARROW_WIDTH for line in lines)
    assert "".join(_wrapped("西地省住房和城乡建设厅" * 3, 100)) == "西地省住房和城乡建设厅" * 3
