from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalation.errors import (
    ActionDetailsError,
    DeclineNeedsReason,
    EscalationRuleError,
    InvalidUnitCode,
    OutcomeRequired,
    TransitionNotAllowed,
    UnexpectedOutcome,
    UnknownDivision,
)
from escalation.rules import (
    ALLOWED_ACTIONS,
    CaseSnapshot,
    Deadline,
    DeadlineKind,
    DeadlinePolicy,
    Role,
    SweepAction,
    SweepDecision,
    Track,
    apply_action,
    body_code,
    can_act_on_case,
    can_view_case,
    case_deadline,
    deadline_for,
    division_of,
    effective_state,
    select_body,
    select_inaction_body,
    sweep_decision,
)
from escalation.vocabulary import CaseAction, CaseState, Outcome
from portal.deadlines.workdays import SHANGHAI

# The demo jurisdiction (`flask seed demo`).
PARENTS = MappingProxyType(
    {
        "XD": None,
        "XD-A": "XD",
        "XD-B": "XD",
        "XD-A1": "XD-A",
        "XD-A2": "XD-A",
        "XD-A3": "XD-A",
        "XD-B1": "XD-B",
        "XD-B2": "XD-B",
    }
)
POLICY = DeadlinePolicy()
OPENED = datetime(2024, 6, 3, 10, 0, tzinfo=SHANGHAI)  # a Monday
ACK_DUE = datetime(2024, 6, 11, 0, 0, tzinfo=SHANGHAI)  # end of Monday 10 June: 5 working days
OUTCOME_DUE = datetime(2024, 8, 27, 0, 0, tzinfo=SHANGHAI)  # end of Monday 26 August: 60 working days
ONE_MICROSECOND = timedelta(microseconds=1)
ALL_STATES = list(CaseState)
ALL_ACTIONS = list(CaseAction)
IN_TIME = OPENED + timedelta(days=1)  # before every deadline of a case opened at OPENED


def case(
    state: CaseState = CaseState.OPEN,
    *,
    track: Track = Track.SUPERVISION,
    body: str = "XD-A1:supervision",
    accused_unit: str | None = None,
    escalated: bool = False,
    opened_at: datetime = OPENED,
) -> CaseSnapshot:
    return CaseSnapshot(
        state=state,
        track=track,
        body_code=body,
        opened_at=opened_at,
        accused_unit_code=accused_unit,
        escalated=escalated,
    )


# --- tracks -------------------------------------------------------------------------------------------------


# --- codes --------------------------------------------------------------------------------------------------


def test_body_code() -> None:
    assert body_code("XD-A1", Track.DISCIPLINE) == "XD-A1:discipline"
    assert body_code("XD", "supervision") == "XD:supervision"


@pytest.mark.parametrize("division", ["", "XD:A"])
def test_body_code_refuses_malformed_divisions(division: str) -> None:
    with pytest.raises(InvalidUnitCode):
        body_code(division, Track.SUPERVISION)


def test_body_code_refuses_unknown_tracks() -> None:
    with pytest.raises(ValueError, match="police"):
        body_code("XD", "police")


def test_division_of() -> None:
    assert division_of("XD-A1:environment") == "XD-A1"
    assert division_of("XD:discipline") == "XD"


@pytest.mark.parametrize("code", ["XD-A1", ":environment", "XD-A1:", "XD:A1:environment", ""])
def test_division_of_refuses_malformed_codes(code: str) -> None:
    with pytest.raises(InvalidUnitCode):
        division_of(code)


# --- body selection -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("track", "division", "accused_unit", "expected"),
    [
        pytest.param(Track.DISCIPLINE, "XD-A1", None, "XD-A1:discipline", id="unit unknown"),
        pytest.param(Track.SUPERVISION, "XD-A1", "XD-A1:environment", "XD-A1:supervision", id="a bureau"),
        pytest.param(Track.DISCIPLINE, "XD-B", "XD-B:transport", "XD-B:discipline", id="a city bureau"),
        pytest.param(Track.DISCIPLINE, "XD", None, "XD:discipline", id="province"),
        pytest.param(
            Track.SUPERVISION, "XD-A1", "XD-A1:discipline", "XD-A1:supervision", id="the other body is fine"
        ),
        pytest.param(
            Track.SUPERVISION, "XD-B2", "XD-A2:supervision", "XD-B2:supervision", id="another division's body"
        ),
        # the accused unit is the would-be body: one level up
        pytest.param(
            Track.SUPERVISION, "XD-A1", "XD-A1:supervision", "XD-A:supervision", id="county 监察 accused"
        ),
        pytest.param(
            Track.DISCIPLINE, "XD-B2", "XD-B2:discipline", "XD-B:discipline", id="county 纪委 accused"
        ),
        pytest.param(Track.SUPERVISION, "XD-A", "XD-A:supervision", "XD:supervision", id="city 监察 accused"),
        # ... and at the province, the province's body of the other track
        pytest.param(Track.SUPERVISION, "XD", "XD:supervision", "XD:discipline", id="province 监察 accused"),
        pytest.param(Track.DISCIPLINE, "XD", "XD:discipline", "XD:supervision", id="province 纪委 accused"),
    ],
)
def test_select_body(track: Track, division: str, accused_unit: str | None, expected: str) -> None:
    assert select_body(track, division, PARENTS, accused_unit) == expected


def test_select_body_takes_plain_strings() -> None:
    assert select_body("discipline", "XD-A3", PARENTS, "XD-A3:discipline") == "XD-A:discipline"


def test_select_body_refuses_an_unknown_division() -> None:
    with pytest.raises(UnknownDivision) as raised:
        select_body(Track.SUPERVISION, "XD-C1", PARENTS, None)
    assert raised.value.division_code == "XD-C1"


def test_select_body_refuses_an_unknown_track() -> None:
    with pytest.raises(ValueError, match="police"):
        select_body("police", "XD-A1", PARENTS, None)


ALL_BODIES = [body_code(division, track) for division in PARENTS for track in Track]
ALL_BUREAUS = [f"{division}:environment" for division in PARENTS]


@given(
    track=st.sampled_from(list(Track)),
    division=st.sampled_from(list(PARENTS)),
    accused_unit=st.one_of(st.none(), st.sampled_from(ALL_BODIES + ALL_BUREAUS)),
)
def test_select_body_never_returns_the_accused_unit_and_stays_close(
    track: Track, division: str, accused_unit: str | None
) -> None:
    body = select_body(track, division, PARENTS, accused_unit)
    assert body != accused_unit
    # the body is in the accused unit's division or its parent
    assert division_of(body) in {division, PARENTS[division]}


@pytest.mark.parametrize(
    ("bureau", "expected"),
    [
        ("XD-A1:environment", "XD-A1:supervision"),
        ("XD-B:health_family_planning", "XD-B:supervision"),
        ("XD:transport", "XD:supervision"),
    ],
)
def test_select_inaction_body(bureau: str, expected: str) -> None:
    assert select_inaction_body(bureau, PARENTS) == expected


@pytest.mark.parametrize("code", ["XD-A1:supervision", "XD-A1:discipline", "XD-A1", "XD-A1:", ":transport"])
def test_select_inaction_body_refuses_what_is_not_a_bureau(code: str) -> None:
    with pytest.raises(InvalidUnitCode):
        select_inaction_body(code, PARENTS)


def test_select_inaction_body_refuses_an_unknown_division() -> None:
    with pytest.raises(UnknownDivision):
        select_inaction_body("XD-Z9:environment", PARENTS)


# --- the policy ---------------------------------------------------------------------------------------------


def test_policy_defaults() -> None:
    defaults = DeadlinePolicy()
    assert defaults == DeadlinePolicy(
        acknowledge_days=5,
        outcome_days=60,
        working_days=True,
        holidays=frozenset(),
        makeup_workdays=frozenset(),
        bureau_reply_days=15,
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"acknowledge_days": 0},
        {"outcome_days": -1},
        {"bureau_reply_days": 0},
        {"acknowledge_days": 1.5},
        {"bureau_reply_days": True},
        {"acknowledge_days": 61},
    ],
)
def test_policy_refuses_bad_day_counts(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="days"):
        DeadlinePolicy(**changes)  # type: ignore[arg-type]


def test_policy_checks_its_day_lists_when_built() -> None:
    with pytest.raises(ValueError, match="both a holiday and a make-up"):
        DeadlinePolicy(
            holidays=frozenset({date(2024, 10, 12)}), makeup_workdays=frozenset({date(2024, 10, 12)})
        )
    with pytest.raises(TypeError):
        DeadlinePolicy(holidays={date(2024, 10, 1)})  # type: ignore[arg-type]


def test_policy_counts_working_days_or_calendar_days() -> None:
    friday = datetime(2024, 6, 7, 10, 0, tzinfo=SHANGHAI)
    holiday_monday = frozenset({date(2024, 6, 10)})
    working = DeadlinePolicy(holidays=holiday_monday)
    calendar = DeadlinePolicy(working_days=False, holidays=holiday_monday)
    assert working.due(friday, 5) == datetime(2024, 6, 18, 0, 0, tzinfo=SHANGHAI)  # Tue 11 .. Mon 17
    assert calendar.due(friday, 5) == datetime(2024, 6, 13, 0, 0, tzinfo=SHANGHAI)  # holidays ignored


# --- deadlines ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (CaseState.OPEN, Deadline(DeadlineKind.ACKNOWLEDGE, ACK_DUE)),
        (CaseState.ACKNOWLEDGED, Deadline(DeadlineKind.OUTCOME, OUTCOME_DUE)),
        (CaseState.INVESTIGATING, Deadline(DeadlineKind.OUTCOME, OUTCOME_DUE)),
        (CaseState.ACTED, None),
        (CaseState.DECLINED, None),
        (CaseState.OVERDUE, None),
    ],
)
def test_deadline_for_each_state(state: CaseState, expected: Deadline | None) -> None:
    assert deadline_for(state, OPENED, POLICY) == expected
    assert case_deadline(case(state), POLICY) == expected


def test_deadline_last_day_is_the_last_day_in_time() -> None:
    assert Deadline(DeadlineKind.ACKNOWLEDGE, ACK_DUE).last_day == date(2024, 6, 10)


def test_deadlines_follow_the_policy() -> None:
    policy = DeadlinePolicy(acknowledge_days=2, outcome_days=10, working_days=False)
    assert deadline_for(CaseState.OPEN, OPENED, policy) == Deadline(
        DeadlineKind.ACKNOWLEDGE, datetime(2024, 6, 6, 0, 0, tzinfo=SHANGHAI)
    )
    assert deadline_for(CaseState.INVESTIGATING, OPENED, policy) == Deadline(
        DeadlineKind.OUTCOME, datetime(2024, 6, 14, 0, 0, tzinfo=SHANGHAI)
    )


def test_deadlines_skip_the_policy_holidays() -> None:
    opened = datetime(2024, 9, 30, 10, 0, tzinfo=SHANGHAI)
    national_day = DeadlinePolicy(
        holidays=frozenset(date(2024, 10, day) for day in range(1, 8)),
        makeup_workdays=frozenset({date(2024, 9, 29), date(2024, 10, 12)}),
    )
    deadline = deadline_for(CaseState.OPEN, opened, national_day)
    assert deadline is not None
    assert deadline.last_day == date(2024, 10, 12)
    open_case = case(opened_at=opened)
    assert (
        effective_state(open_case, datetime(2024, 10, 12, 23, 0, tzinfo=SHANGHAI), national_day)
        is CaseState.OPEN
    )
    assert (
        effective_state(open_case, datetime(2024, 10, 12, 23, 0, tzinfo=SHANGHAI), POLICY)
        is CaseState.OVERDUE
    )


# --- the case snapshot --------------------------------------------------------------------------------------


def test_snapshot_takes_plain_strings() -> None:
    snapshot = CaseSnapshot(
        state="investigating", track="discipline", body_code="XD-A:discipline", opened_at=OPENED
    )  # type: ignore[arg-type]
    assert snapshot.state is CaseState.INVESTIGATING
    assert snapshot.track is Track.DISCIPLINE


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"state": "escalated"}, ValueError),
        ({"track": "police"}, ValueError),
        ({"opened_at": datetime(2024, 6, 3, 10, 0)}, ValueError),
        ({"body_code": "XD-A1:environment"}, InvalidUnitCode),
        ({"body_code": "XD-A1"}, InvalidUnitCode),
        ({"escalated": True}, ValueError),
        ({"escalated": True, "state": CaseState.INVESTIGATING}, ValueError),
    ],
)
def test_snapshot_refuses_inconsistent_values(changes: dict[str, object], error: type[Exception]) -> None:
    values: dict[str, object] = {
        "state": CaseState.OPEN,
        "track": Track.SUPERVISION,
        "body_code": "XD-A1:supervision",
        "opened_at": OPENED,
    }
    with pytest.raises(error):
        CaseSnapshot(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize("state", [CaseState.OVERDUE, CaseState.ACTED, CaseState.DECLINED])
def test_snapshot_escalated_after_overdue(state: CaseState) -> None:
    assert case(state, escalated=True).escalated


# --- transitions --------------------------------------------------------------------------------------------

# Written out independently of ALLOWED_ACTIONS, so that a change there has to be made here too.
EXPECTED_TRANSITIONS: dict[CaseState, dict[CaseAction, CaseState]] = {
    CaseState.OPEN: {
        CaseAction.ACKNOWLEDGE: CaseState.ACKNOWLEDGED,
        CaseAction.INVESTIGATE: CaseState.INVESTIGATING,
        CaseAction.ACT: CaseState.ACTED,
        CaseAction.DECLINE: CaseState.DECLINED,
    },
    CaseState.ACKNOWLEDGED: {
        CaseAction.INVESTIGATE: CaseState.INVESTIGATING,
        CaseAction.ACT: CaseState.ACTED,
        CaseAction.DECLINE: CaseState.DECLINED,
    },
    CaseState.INVESTIGATING: {CaseAction.ACT: CaseState.ACTED, CaseAction.DECLINE: CaseState.DECLINED},
    CaseState.OVERDUE: {CaseAction.ACT: CaseState.ACTED, CaseAction.DECLINE: CaseState.DECLINED},
    CaseState.ACTED: {},
    CaseState.DECLINED: {},
}
ALLOWED_PAIRS = [(state, action) for state in ALL_STATES for action in EXPECTED_TRANSITIONS[state]]
FORBIDDEN_PAIRS = [
    (state, action)
    for state in ALL_STATES
    for action in ALL_ACTIONS
    if action not in EXPECTED_TRANSITIONS[state]
]
DETAILS: dict[CaseAction, dict[str, object]] = {
    CaseAction.ACKNOWLEDGE: {},
    CaseAction.INVESTIGATE: {},
    CaseAction.ACT: {"outcome": Outcome.ADMONITION},
    CaseAction.DECLINE: {"text": "outside our remit"},
}


def test_allowed_actions_table_matches_the_expected_transitions() -> None:
    assert {state: set(actions) for state, actions in ALLOWED_ACTIONS.items()} == {
        state: set(targets) for state, targets in EXPECTED_TRANSITIONS.items()
    }
    assert len(ALLOWED_PAIRS) + len(FORBIDDEN_PAIRS) == len(ALL_STATES) * len(ALL_ACTIONS)


@pytest.mark.parametrize(("state", "action"), ALLOWED_PAIRS)
def test_allowed_transition(state: CaseState, action: CaseAction) -> None:
    transition = apply_action(case(state), action, IN_TIME, POLICY, **DETAILS[action])  # type: ignore[arg-type]
    assert transition.state is EXPECTED_TRANSITIONS[state][action]
    assert transition.action is action
    assert transition.from_state is state
    assert transition.late is (state is CaseState.OVERDUE)


@pytest.mark.parametrize(("state", "action"), FORBIDDEN_PAIRS)
def test_forbidden_transition(state: CaseState, action: CaseAction) -> None:
    with pytest.raises(TransitionNotAllowed) as raised:
        apply_action(case(state), action, IN_TIME, POLICY, **DETAILS[action])  # type: ignore[arg-type]
    assert raised.value.state is state
    assert raised.value.action is action
    assert str(raised.value) == f"cannot {action.value} a case that is {state.value}"


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (CaseAction.ACKNOWLEDGE, Deadline(DeadlineKind.OUTCOME, OUTCOME_DUE)),
        (CaseAction.INVESTIGATE, Deadline(DeadlineKind.OUTCOME, OUTCOME_DUE)),
        (CaseAction.ACT, None),
        (CaseAction.DECLINE, None),
    ],
)
def test_each_transition_says_which_deadline_applies_next(
    action: CaseAction, expected: Deadline | None
) -> None:
    transition = apply_action(case(), action, OPENED + timedelta(days=4), POLICY, **DETAILS[action])  # type: ignore[arg-type]
    assert transition.deadline == expected


def test_the_outcome_deadline_counts_from_opening_not_from_acknowledgement() -> None:
    acknowledged_on_the_last_day = datetime(2024, 6, 10, 18, 0, tzinfo=SHANGHAI)
    transition = apply_action(case(), CaseAction.ACKNOWLEDGE, acknowledged_on_the_last_day, POLICY)
    assert transition.deadline == Deadline(DeadlineKind.OUTCOME, OUTCOME_DUE)


def test_actions_take_plain_strings() -> None:
    transition = apply_action(case(), "act", OPENED, POLICY, outcome="corrected")
    assert transition.state is CaseState.ACTED
    assert transition.outcome is Outcome.CORRECTED


@pytest.mark.parametrize(("action", "outcome"), [("close", None), ("act", "pardon")])
def test_unknown_actions_and_outcomes_are_refused(action: str, outcome: str | None) -> None:
    with pytest.raises(ValueError, match=action if outcome is None else outcome):
        apply_action(case(), action, OPENED, POLICY, outcome=outcome)


# --- outcome and reason -------------------------------------------------------------------------------------


def test_act_needs_an_outcome() -> None:
    with pytest.raises(OutcomeRequired):
        apply_action(case(CaseState.INVESTIGATING), CaseAction.ACT, OPENED, POLICY)


@pytest.mark.parametrize("text", [None, "", "   \n"])
def test_other_outcome_needs_a_text(text: str | None) -> None:
    with pytest.raises(OutcomeRequired, match="other"):
        apply_action(
            case(CaseState.INVESTIGATING), CaseAction.ACT, OPENED, POLICY, outcome=Outcome.OTHER, text=text
        )


def test_other_outcome_keeps_its_text_stripped() -> None:
    transition = apply_action(
        case(CaseState.INVESTIGATING),
        CaseAction.ACT,
        OPENED,
        POLICY,
        outcome=Outcome.OTHER,
        text="  责令整改 \n",
    )
    assert transition.outcome is Outcome.OTHER
    assert transition.text == "责令整改"


@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.OTHER])
def test_named_outcomes_need_no_text(outcome: Outcome) -> None:
    transition = apply_action(case(CaseState.INVESTIGATING), CaseAction.ACT, OPENED, POLICY, outcome=outcome)
    assert transition.outcome is outcome
    assert transition.text is None


@pytest.mark.parametrize("reason", [None, "", " \t "])
def test_decline_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(DeclineNeedsReason):
        apply_action(case(), CaseAction.DECLINE, OPENED, POLICY, text=reason)


def test_decline_keeps_its_reason_stripped() -> None:
    transition = apply_action(case(), CaseAction.DECLINE, OPENED, POLICY, text=" 不属于本机关管辖 ")
    assert transition.text == "不属于本机关管辖"
    assert transition.outcome is None


@pytest.mark.parametrize("action", [CaseAction.ACKNOWLEDGE, CaseAction.INVESTIGATE, CaseAction.DECLINE])
def test_only_act_takes_an_outcome(action: CaseAction) -> None:
    with pytest.raises(UnexpectedOutcome, match=action.value):
        apply_action(case(), action, OPENED, POLICY, outcome=Outcome.CORRECTED, text="note")


def test_acknowledge_keeps_an_optional_note() -> None:
    assert apply_action(case(), CaseAction.ACKNOWLEDGE, OPENED, POLICY, text=" 已收到 ").text == "已收到"


def test_the_state_is_checked_before_the_details() -> None:
    with pytest.raises(TransitionNotAllowed):
        apply_action(case(CaseState.ACTED), CaseAction.ACT, OPENED, POLICY)


def test_action_time_must_be_aware_and_not_before_opening() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        apply_action(case(), CaseAction.ACKNOWLEDGE, datetime(2024, 6, 4, 10, 0), POLICY)
    with pytest.raises(ValueError, match="precede"):
        apply_action(case(), CaseAction.ACKNOWLEDGE, OPENED - ONE_MICROSECOND, POLICY)


# --- late actions -------------------------------------------------------------------------------------------


def test_a_passed_deadline_makes_the_case_overdue_before_the_sweep_runs() -> None:
    assert effective_state(case(), ACK_DUE - ONE_MICROSECOND, POLICY) is CaseState.OPEN
    assert effective_state(case(), ACK_DUE, POLICY) is CaseState.OVERDUE
    assert effective_state(case(CaseState.INVESTIGATING), OUTCOME_DUE - ONE_MICROSECOND, POLICY) is (
        CaseState.INVESTIGATING
    )
    assert effective_state(case(CaseState.INVESTIGATING), OUTCOME_DUE, POLICY) is CaseState.OVERDUE
    assert (
        effective_state(case(CaseState.ACTED), OUTCOME_DUE + timedelta(days=400), POLICY) is CaseState.ACTED
    )


def test_acknowledging_on_the_last_minute_is_in_time() -> None:
    transition = apply_action(case(), CaseAction.ACKNOWLEDGE, ACK_DUE - ONE_MICROSECOND, POLICY)
    assert transition.state is CaseState.ACKNOWLEDGED
    assert transition.late is False


def test_acknowledging_after_the_deadline_is_refused_even_before_the_sweep() -> None:
    with pytest.raises(TransitionNotAllowed) as raised:
        apply_action(case(), CaseAction.ACKNOWLEDGE, ACK_DUE, POLICY)
    assert raised.value.state is CaseState.OVERDUE


@pytest.mark.parametrize("state", [CaseState.OPEN, CaseState.ACKNOWLEDGED, CaseState.INVESTIGATING])
def test_acting_after_the_deadline_is_recorded_as_late(state: CaseState) -> None:
    transition = apply_action(case(state), CaseAction.ACT, OUTCOME_DUE, POLICY, outcome=Outcome.ADMONITION)
    assert transition.state is CaseState.ACTED
    assert transition.from_state is CaseState.OVERDUE
    assert transition.late is True


def test_an_overdue_case_can_still_be_declined_late() -> None:
    transition = apply_action(
        case(CaseState.OVERDUE, escalated=True), CaseAction.DECLINE, OUTCOME_DUE, POLICY, text="no evidence"
    )
    assert transition.state is CaseState.DECLINED
    assert transition.late is True
    assert transition.deadline is None


# --- the sweep ----------------------------------------------------------------------------------------------


def test_sweep_does_nothing_before_the_deadline() -> None:
    assert sweep_decision(case(), ACK_DUE - ONE_MICROSECOND, POLICY, PARENTS) == SweepDecision(
        SweepAction.NOTHING
    )


@pytest.mark.parametrize(
    ("body", "track", "expected_target"),
    [
        pytest.param("XD-A1:supervision", Track.SUPERVISION, "XD-A:supervision", id="county to city"),
        pytest.param(
            "XD-B2:discipline", Track.DISCIPLINE, "XD-B:discipline", id="county to city, discipline"
        ),
        pytest.param("XD-A:discipline", Track.DISCIPLINE, "XD:discipline", id="city to province"),
        pytest.param(
            "XD-B:supervision", Track.SUPERVISION, "XD:supervision", id="city to province, supervision"
        ),
    ],
)
def test_sweep_escalates_a_missed_acknowledgement_one_level_up(
    body: str, track: Track, expected_target: str
) -> None:
    decision = sweep_decision(case(body=body, track=track), ACK_DUE, POLICY, PARENTS)
    assert decision == SweepDecision(
        SweepAction.MARK_OVERDUE_AND_ESCALATE,
        missed=Deadline(DeadlineKind.ACKNOWLEDGE, ACK_DUE),
        escalate_to=expected_target,
    )
    assert decision.marks_overdue


@pytest.mark.parametrize("state", [CaseState.ACKNOWLEDGED, CaseState.INVESTIGATING])
def test_sweep_escalates_a_missed_outcome(state: CaseState) -> None:
    snapshot = case(state, body="XD-A2:discipline", track=Track.DISCIPLINE)
    assert (
        sweep_decision(snapshot, ACK_DUE + timedelta(days=7), POLICY, PARENTS).action is SweepAction.NOTHING
    )
    assert (
        sweep_decision(snapshot, OUTCOME_DUE - ONE_MICROSECOND, POLICY, PARENTS).action is SweepAction.NOTHING
    )
    assert sweep_decision(snapshot, OUTCOME_DUE, POLICY, PARENTS) == SweepDecision(
        SweepAction.MARK_OVERDUE_AND_ESCALATE,
        missed=Deadline(DeadlineKind.OUTCOME, OUTCOME_DUE),
        escalate_to="XD-A:discipline",
    )


@pytest.mark.parametrize("track", list(Track))
def test_sweep_at_the_province_marks_overdue_and_stays(track: Track) -> None:
    decision = sweep_decision(case(body=f"XD:{track}", track=track), ACK_DUE, POLICY, PARENTS)
    assert decision == SweepDecision(
        SweepAction.MARK_OVERDUE_AND_STAY, missed=Deadline(DeadlineKind.ACKNOWLEDGE, ACK_DUE)
    )
    assert decision.marks_overdue
    assert decision.escalate_to is None


def test_sweep_completes_a_missing_escalation() -> None:
    decision = sweep_decision(case(CaseState.OVERDUE), ACK_DUE, POLICY, PARENTS)
    assert decision == SweepDecision(SweepAction.ESCALATE, escalate_to="XD-A:supervision")
    assert not decision.marks_overdue


@pytest.mark.parametrize(
    "snapshot",
    [
        pytest.param(case(CaseState.OVERDUE, escalated=True), id="overdue and escalated"),
        pytest.param(case(CaseState.OVERDUE, body="XD:supervision"), id="overdue at the province"),
        pytest.param(case(CaseState.ACTED), id="acted"),
        pytest.param(case(CaseState.DECLINED), id="declined"),
        pytest.param(case(CaseState.ACTED, escalated=True), id="acted late after escalation"),
    ],
)
def test_sweep_leaves_settled_cases_alone(snapshot: CaseSnapshot) -> None:
    far_future = OUTCOME_DUE + timedelta(days=1000)
    assert sweep_decision(snapshot, far_future, POLICY, PARENTS) == SweepDecision(SweepAction.NOTHING)


def test_sweep_skips_the_accused_unit_when_escalating() -> None:
    # an official of the city 纪委 accused of something at county level: the city 纪委 must not get the case
    snapshot = case(body="XD-A1:discipline", track=Track.DISCIPLINE, accused_unit="XD-A:discipline")
    assert sweep_decision(snapshot, ACK_DUE, POLICY, PARENTS).escalate_to == "XD:discipline"


def test_sweep_of_a_case_placed_above_the_accused_unit_goes_on_up() -> None:
    snapshot = case(body="XD-A:supervision", accused_unit="XD-A1:supervision")
    assert sweep_decision(snapshot, ACK_DUE, POLICY, PARENTS).escalate_to == "XD:supervision"


def test_sweep_refuses_naive_time_and_unknown_divisions() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sweep_decision(case(), datetime(2024, 7, 1), POLICY, PARENTS)
    with pytest.raises(UnknownDivision):
        sweep_decision(case(body="XD-C1:supervision"), ACK_DUE, POLICY, PARENTS)


def _apply(decision: SweepDecision, snapshot: CaseSnapshot) -> CaseSnapshot:
    """What a service does with a decision on the case itself."""
    state = CaseState.OVERDUE if decision.marks_overdue else snapshot.state
    return replace(snapshot, state=state, escalated=snapshot.escalated or decision.escalate_to is not None)


def test_sweep_is_idempotent_and_the_chain_stops_at_the_province() -> None:
    cases = [case(body="XD-B1:supervision", accused_unit="XD-B1:transport")]
    now = OPENED
    actions: list[SweepAction] = []
    for _ in range(20):  # far more sweeps than the chain needs
        now += timedelta(days=3)
        for index, snapshot in enumerate(list(cases)):
            decision = sweep_decision(snapshot, now, POLICY, PARENTS)
            if decision.action is SweepAction.NOTHING:
                continue
            actions.append(decision.action)
            cases[index] = _apply(decision, snapshot)
            if decision.escalate_to is not None:
                cases.append(replace(snapshot, body_code=decision.escalate_to, opened_at=now))
            # the very same sweep run again changes nothing
            assert sweep_decision(cases[index], now, POLICY, PARENTS).action is SweepAction.NOTHING
    assert [snapshot.body_code for snapshot in cases] == [
        "XD-B1:supervision",
        "XD-B:supervision",
        "XD:supervision",
    ]
    assert actions == [
        SweepAction.MARK_OVERDUE_AND_ESCALATE,
        SweepAction.MARK_OVERDUE_AND_ESCALATE,
        SweepAction.MARK_OVERDUE_AND_STAY,
    ]
    assert all(snapshot.state is CaseState.OVERDUE for snapshot in cases)
    assert all(snapshot.track is Track.SUPERVISION for snapshot in cases)
    assert [snapshot.escalated for snapshot in cases] == [True, True, False]


# --- bureau replies -----------------------------------------------------------------------------------------

BUREAU_DUE = datetime(2024, 6, 25, 0, 0, tzinfo=SHANGHAI)  # end of Monday 24 June: 15 working days


# --- visibility ---------------------------------------------------------------------------------------------

CASE_BODY = "XD-A1:supervision"
ENV = "XD-A1:environment"  # a bureau: accused, or complained about
VISIBILITY: dict[
    str, tuple[Role | str | None, str | None, str | None, str | None, str | None, bool, bool]
] = {
    # case: (role, viewer's body, viewer's bureau, accused unit, complained bureau, sees, acts)
    "admin sees, does not act": (Role.ADMIN, None, None, None, None, True, False),
    "admin, accused bureau": (Role.ADMIN, None, None, ENV, None, True, False),
    "admin whose own bureau is accused": (Role.ADMIN, None, ENV, ENV, None, False, False),
    "admin whose own bureau is complained about": (Role.ADMIN, None, ENV, None, ENV, False, False),
    "liaison of the case's body": (Role.LIAISON, CASE_BODY, None, None, None, True, True),
    "liaison, case about a bureau": (Role.LIAISON, CASE_BODY, None, ENV, ENV, True, True),
    "role as a string": ("liaison", CASE_BODY, None, None, None, True, True),
    "liaison, other track": (Role.LIAISON, "XD-A1:discipline", None, None, None, False, False),
    "liaison one level up": (Role.LIAISON, "XD-A:supervision", None, None, None, False, False),
    "liaison, other county": (Role.LIAISON, "XD-A2:supervision", None, None, None, False, False),
    "liaison without a body": (Role.LIAISON, None, None, None, None, False, False),
    "liaison of the accused body": (Role.LIAISON, CASE_BODY, None, CASE_BODY, None, False, False),
    "liaison also of the complained bureau": (Role.LIAISON, CASE_BODY, ENV, None, ENV, False, False),
    "liaison also of the accused bureau": (Role.LIAISON, CASE_BODY, ENV, ENV, None, False, False),
    "complained bureau": (Role.BUREAU, None, ENV, None, ENV, False, False),
    "accused bureau": (Role.BUREAU, None, ENV, ENV, None, False, False),
    "another bureau": (Role.BUREAU, None, "XD-A1:transport", None, ENV, False, False),
    "bureau officer, case not about a bureau": (
        Role.BUREAU,
        None,
        "XD-A1:transport",
        None,
        None,
        False,
        False,
    ),
    "triage": (Role.TRIAGE, None, None, None, None, False, False),
    "the public": (None, None, None, None, None, False, False),
}


@pytest.mark.parametrize(
    ("role", "body", "bureau", "accused", "complained", "sees", "acts"),
    list(VISIBILITY.values()),
    ids=list(VISIBILITY),
)
def test_visibility_matrix(
    role: Role | str | None,
    body: str | None,
    bureau: str | None,
    accused: str | None,
    complained: str | None,
    sees: bool,
    acts: bool,
) -> None:
    arguments = {
        "viewer_body_code": body,
        "viewer_bureau_code": bureau,
        "case_body_code": CASE_BODY,
        "accused_unit_code": accused,
        "complained_bureau_code": complained,
    }
    assert can_view_case(role, **arguments) is sees
    assert can_act_on_case(role, **arguments) is acts


@pytest.mark.parametrize("check", [can_view_case, can_act_on_case])
def test_unknown_roles_are_refused(check: Callable[..., bool]) -> None:
    with pytest.raises(ValueError, match="mayor"):
        check(
            "mayor",
            viewer_body_code=CASE_BODY,
            viewer_bureau_code=None,
            case_body_code=CASE_BODY,
            accused_unit_code=None,
            complained_bureau_code=None,
        )


@given(
    track=st.sampled_from(list(Track)),
    division=st.sampled_from(list(PARENTS)),
    accused_unit=st.sampled_from(ALL_BODIES),
)
def test_an_accused_body_never_sees_or_acts_on_its_own_case(
    track: Track, division: str, accused_unit: str
) -> None:
    placed = select_body(track, division, PARENTS, accused_unit)
    assert placed != accused_unit  # the case never lands with the accused body...
    for check in (
        can_view_case,
        can_act_on_case,
    ):  # ...and even if it did, that body could neither see nor act
        assert not check(
            Role.LIAISON,
            viewer_body_code=accused_unit,
            viewer_bureau_code=None,
            case_body_code=placed,
            accused_unit_code=accused_unit,
            complained_bureau_code=None,
        )


# --- errors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        UnknownDivision,
        InvalidUnitCode,
        TransitionNotAllowed,
        OutcomeRequired,
        DeclineNeedsReason,
        UnexpectedOutcome,
    ],
)
def test_rule_errors_share_one_base_for_the_api(error: type[Exception]) -> None:
    assert issubclass(error, EscalationRuleError)


@pytest.mark.parametrize("error", [OutcomeRequired, DeclineNeedsReason, UnexpectedOutcome])
def test_detail_errors_are_told_apart_from_state_errors(error: type[Exception]) -> None:
    assert issubclass(error, ActionDetailsError)
    assert not issubclass(TransitionNotAllowed, ActionDetailsError)
