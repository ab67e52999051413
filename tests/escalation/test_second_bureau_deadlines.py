"""Each bureau of a two-bureau complaint is held to its own reply deadline: the sweep opens an inaction case
against the bureau that missed it, not against the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from escalation import accountability, cases
from escalation.models import Case
from escalation.vocabulary import CaseKind
from portal.bureau import replies
from portal.complaints import second_bureau
from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.extensions import db
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.factories import make_staff

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _two_bureaus(client: FlaskClient) -> str:
    complaint = routed_complaint(client, now=MONDAY)
    second_bureau.assign(
        complaint, second_bureau.find_bureau("XD-A1:transport"), actor="staff:test", now=MONDAY
    )
    commit()
    return complaint.tracking_code


def test_the_sweep_opens_a_case_only_against_the_bureau_that_missed_its_deadline(
    ctx: None, client: FlaskClient
) -> None:
    code = _two_bureaus(client)
    complaint = find_by_code(code)
    first = make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    assert complaint.reply_due_at is not None
    # The first bureau answers in time; the second does not answer at all.
    replies.post_reply(complaint, staff=first, text="已安排清理河道垃圾。", resolve=False, now=MONDAY)
    commit()
    due = complaint.reply_due_at
    assert cases.sweep(due + timedelta(minutes=1)).inaction_opened == 1
    commit()
    [case] = db.session.scalars(select(Case)).all()
    assert case.kind is CaseKind.INACTION
    assert case.accused_unit_code == "XD-A1:transport"
    # The next sweep opens nothing more: that round already has its case, and the first bureau replied in time.
    assert cases.sweep(due + timedelta(days=1)).inaction_opened == 0


def test_a_case_against_the_second_bureau_does_not_excuse_the_first(ctx: None, client: FlaskClient) -> None:
    code = _two_bureaus(client)
    complaint = find_by_code(code)
    assert complaint.reply_due_at is not None
    assert cases.sweep(complaint.reply_due_at + timedelta(minutes=1)).inaction_opened == 2
    commit()
    accused = sorted(case.accused_unit_code or "" for case in db.session.scalars(select(Case)))
    assert accused == ["XD-A1:environment", "XD-A1:transport"]
    figures = {
        row.code: row
        for row in accountability.bureau_figures(
            accountability.Filters(), "zh", complaint.reply_due_at + timedelta(days=1)
        )
    }
    # Each bureau's own round counts: received once each, overdue once each.
    assert figures["XD-A1:transport"].received == 1
    assert figures["XD-A1:transport"].overdue == 1
    assert figures["XD-A1:environment"].received == 1
    assert figures["XD-A1:environment"].overdue == 1
