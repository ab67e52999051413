"""Case services: opening with the right body, actions, the sweep and inaction cases, on the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from escalation import cases
from escalation.errors import TransitionNotAllowed
from escalation.models import Case
from escalation.vocabulary import CaseAction, CaseKind, CaseState, Outcome
from portal.domain import Role, Track
from portal.extensions import db
from portal.models import Event
from portal.refusals import UnknownTarget
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.factories import file_via_api, make_staff

MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def complaint(client: FlaskClient):
    from portal.complaints.lookup import find_by_code

    return find_by_code(file_via_api(client)["tracking_code"])


def test_misconduct_case_goes_to_the_body_of_the_accused_division(ctx: None, client: FlaskClient) -> None:
    case = cases.open_case(
        complaint(client), track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="staff:t", now=MONDAY
    )
    commit()
    assert case.body.code == "XD-A1:discipline"
    assert case.state is CaseState.OPEN
    # Five working days after Monday 30 November: the end of Monday 7 December, Shanghai time.
    assert case.due_at == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)


def test_a_case_never_goes_to_the_accused_unit(ctx: None, client: FlaskClient) -> None:
    case = cases.open_case(
        complaint(client),
        track=Track.SUPERVISION,
        kind=CaseKind.MISCONDUCT,
        actor="staff:t",
        accused_unit_code="XD-A1:supervision",
        now=MONDAY,
    )
    assert case.body.code == "XD-A:supervision"


def test_liaison_actions_walk_the_life_cycle_and_record_events(ctx: None, client: FlaskClient) -> None:
    liaison = make_staff("li", Role.LIAISON, body="XD-A1:discipline")
    case = cases.open_case(
        complaint(client), track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="staff:t", now=MONDAY
    )
    cases.record_action(case, CaseAction.ACKNOWLEDGE, staff=liaison, now=MONDAY + timedelta(days=1))
    assert case.state is CaseState.ACKNOWLEDGED
    assert case.due_at is not None
    cases.record_action(case, CaseAction.INVESTIGATE, staff=liaison, now=MONDAY + timedelta(days=2))
    cases.record_action(
        case,
        CaseAction.ACT,
        staff=liaison,
        outcome=Outcome.ADMONITION,
        text="谈话提醒",
        now=MONDAY + timedelta(days=10),
    )
    commit()
    assert case.state is CaseState.ACTED
    assert (case.outcome, case.answer, case.late) == (Outcome.ADMONITION, "谈话提醒", False)
    assert case.closed_at == MONDAY + timedelta(days=10)
    kinds = db.session.scalars(select(Event.kind).where(Event.kind.like("case_%")).order_by(Event.id)).all()
    assert kinds == ["case_opened", "case_acknowledged", "case_investigating", "case_acted"]
    with pytest.raises(TransitionNotAllowed):
        cases.record_action(
            case, CaseAction.DECLINE, staff=liaison, text="不予受理", now=MONDAY + timedelta(days=11)
        )


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.LIAISON, {"body": "XD-B1:discipline"}),
        (Role.LIAISON, {"body": "XD-A1:supervision"}),
        (Role.ADMIN, {}),
        (Role.TRIAGE, {}),
        (Role.BUREAU, {"bureau": "XD-A1:environment"}),
    ],
)
def test_only_the_body_holding_the_case_may_act(
    ctx: None, client: FlaskClient, role: Role, where: dict[str, str]
) -> None:
    outsider = make_staff("outsider", role, **where)
    case = cases.open_case(
        complaint(client), track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="staff:t"
    )
    with pytest.raises(cases.NotYourCase):
        cases.record_action(case, CaseAction.ACKNOWLEDGE, staff=outsider)


def test_sweep_escalates_county_city_province_and_then_stays_unanswered(
    ctx: None, client: FlaskClient
) -> None:
    first = cases.open_case(
        complaint(client), track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="staff:t", now=MONDAY
    )
    commit()
    moment = MONDAY
    bodies = []
    for _ in range(4):
        moment += timedelta(days=30)
        cases.sweep(moment)
        commit()
        bodies = [c.body.code for c in db.session.scalars(select(Case).order_by(Case.id))]
    assert bodies == ["XD-A1:discipline", "XD-A:discipline", "XD:discipline"]
    top = db.session.scalars(select(Case).where(Case.body.has(code="XD:discipline"))).one()
    assert top.state is CaseState.OVERDUE
    assert not top.escalated
    assert first.escalated
    overdue_events = db.session.scalars(
        select(Event).where(Event.kind == "case_overdue").order_by(Event.id)
    ).all()
    assert overdue_events[-1].payload["unanswered_at_top"] is True


def test_sweep_is_idempotent(ctx: None, client: FlaskClient) -> None:
    cases.open_case(
        complaint(client), track=Track.SUPERVISION, kind=CaseKind.MISCONDUCT, actor="staff:t", now=MONDAY
    )
    later = MONDAY + timedelta(days=8)
    first = cases.sweep(later)
    second = cases.sweep(later)
    assert (first.overdue, first.escalated) == (1, 1)
    assert (second.overdue, second.escalated) == (0, 0)


def test_a_late_answer_is_recorded_after_the_missed_deadline(ctx: None, client: FlaskClient) -> None:
    liaison = make_staff("li", Role.LIAISON, body="XD-A1:supervision")
    case = cases.open_case(
        complaint(client), track=Track.SUPERVISION, kind=CaseKind.MISCONDUCT, actor="staff:t", now=MONDAY
    )
    cases.record_action(
        case, CaseAction.DECLINE, staff=liaison, text="证据不足", now=MONDAY + timedelta(days=20)
    )
    commit()
    assert case.late is True
    kinds = db.session.scalars(select(Event.kind).where(Event.kind.like("case_%")).order_by(Event.id)).all()
    # The missed deadline (and the escalation it triggers) is on the record before the late answer.
    assert kinds[-3:] == ["case_overdue", "case_opened", "case_declined"]


def test_missed_reply_deadline_opens_one_inaction_case_with_supervision(
    app: Flask, ctx: None, client: FlaskClient
) -> None:
    routed = routed_complaint(client, now=MONDAY)
    assert routed.reply_due_at is not None
    assert cases.sweep(routed.reply_due_at - timedelta(seconds=1)).inaction_opened == 0
    assert cases.sweep(routed.reply_due_at).inaction_opened == 1
    assert cases.sweep(routed.reply_due_at + timedelta(days=1)).inaction_opened == 0
    commit()
    case = db.session.scalars(select(Case)).one()
    assert (case.kind, case.track, case.body.code) == (
        CaseKind.INACTION,
        Track.SUPERVISION,
        "XD-A1:supervision",
    )
    assert case.accused_unit_code == "XD-A1:environment"


@pytest.mark.parametrize(
    "typed", ["xd-a1:supervision", "XD-A1:Supervision", "XD-A1：supervision", " XD-A1 : supervision "]
)
def test_accused_unit_codes_are_recognised_however_typed(ctx: None, client: FlaskClient, typed: str) -> None:
    case = cases.open_case(
        complaint(client),
        track=Track.SUPERVISION,
        kind=CaseKind.MISCONDUCT,
        actor="t",
        accused_unit_code=typed,
    )
    assert case.accused_unit_code == "XD-A1:supervision"
    assert case.body.code == "XD-A:supervision"  # never the accused body itself


@pytest.mark.parametrize(
    ("code", "division"), [("nonsense", None), ("XD-Q1:supervision", None), ("XD-A:supervision", "XD-A1")]
)
def test_unknown_or_contradictory_units_are_refused(
    ctx: None, client: FlaskClient, code: str, division: str | None
) -> None:
    with pytest.raises(UnknownTarget):
        cases.open_case(
            complaint(client),
            track=Track.SUPERVISION,
            kind=CaseKind.MISCONDUCT,
            actor="t",
            accused_unit_code=code,
            accused_division_code=division,
        )


def test_a_late_reply_still_opens_an_inaction_case(app: Flask, ctx: None, client: FlaskClient) -> None:
    from portal.bureau.replies import post_reply

    officer = make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    routed = routed_complaint(client, now=MONDAY)
    post_reply(
        routed, staff=officer, text="迟到的答复", resolve=False, now=routed.reply_due_at + timedelta(hours=2)
    )
    assert cases.sweep(routed.reply_due_at + timedelta(hours=3)).inaction_opened == 1


def test_a_contest_starts_a_new_round_with_its_own_deadline(
    app: Flask, ctx: None, client: FlaskClient
) -> None:
    from portal.bureau.replies import post_reply
    from portal.complaints.followup import add_follow_up
    from portal.complaints.lookup import find_by_code
    from portal.complaints.routing import route
    from portal.models import RoutedBy

    officer = make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    receipt = file_via_api(client)
    complaint = find_by_code(receipt["tracking_code"])
    route(complaint, "environment", routed_by=RoutedBy.STAFF, actor="staff:t", now=MONDAY)
    post_reply(complaint, staff=officer, text="已处理", resolve=True, now=MONDAY + timedelta(days=1))
    commit()
    assert cases.sweep(MONDAY + timedelta(days=40)).inaction_opened == 0  # answered in time
    add_follow_up(complaint, secret=receipt["follow_up_secret"], text="没有解决", contest=True)
    commit()
    assert complaint.first_replied_at is None
    assert cases.sweep(complaint.reply_due_at - timedelta(seconds=1)).inaction_opened == 0
    assert cases.sweep(complaint.reply_due_at).inaction_opened == 1  # the new round's deadline was missed


@pytest.mark.postgres
def test_concurrent_sweeps_escalate_a_case_once(app: Flask, client: FlaskClient) -> None:
    """Every worker runs the sweep: two at once must not both escalate the same case (PostgreSQL row locks)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time anyway")
        cases.open_case(
            complaint(client), track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="t", now=MONDAY
        )
        commit()
    later = MONDAY + timedelta(days=30)
    with app.app_context():
        first = cases.sweep(later)  # holds its rows until it commits
        with app.app_context():  # another worker, another session
            second = cases.sweep(later)
            commit()
        commit()
    assert (first.escalated, second.escalated) == (1, 0)
    with app.app_context():
        assert len(db.session.scalars(select(Case)).all()) == 2
