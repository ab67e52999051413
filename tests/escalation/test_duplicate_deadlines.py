"""A duplicate's reply deadline is its master's: the sweep opens an inaction case for the master, not for it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from escalation import accountability, cases
from escalation.models import Case
from portal.duplicates import service as duplicates
from portal.extensions import db
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_sweep_holds_the_master_not_its_duplicate_to_the_deadline(ctx: None, client: FlaskClient) -> None:
    master = routed_complaint(client, now=MONDAY)
    duplicate = routed_complaint(client, now=MONDAY)
    duplicates.link(duplicate, master.tracking_code, reason="同一问题", actor="staff:test")
    commit()
    assert master.reply_due_at is not None
    assert cases.sweep(master.reply_due_at).inaction_opened == 1
    commit()
    assert [case.complaint_id for case in db.session.scalars(select(Case))] == [master.id]


def test_an_unlinked_complaint_gets_a_round_of_its_own_not_the_deadline_that_ran_out(
    ctx: None, client: FlaskClient
) -> None:
    master = routed_complaint(client, now=MONDAY)
    duplicate = routed_complaint(client, now=MONDAY)
    duplicates.link(duplicate, master.tracking_code, reason="同一问题", actor="staff:test")
    commit()
    old_deadline = duplicate.reply_due_at
    assert old_deadline is not None
    duplicates.unlink(duplicate, reason="不是同一问题", actor="staff:test")
    commit()
    assert duplicate.reply_due_at is not None
    assert duplicate.reply_due_at > old_deadline
    # The sweep at the old deadline opens a case for the master only; the unlinked one still has time.
    assert cases.sweep(old_deadline).inaction_opened == 1
    commit()
    assert [case.complaint_id for case in db.session.scalars(select(Case))] == [master.id]


def test_accountability_counts_a_master_once_and_not_its_duplicates(ctx: None, client: FlaskClient) -> None:
    master = routed_complaint(client, now=MONDAY)
    duplicate = routed_complaint(client, now=MONDAY)
    duplicates.link(duplicate, master.tracking_code, reason="同一问题", actor="staff:test")
    commit()
    assert master.reply_due_at is not None
    figures = accountability.accountability(accountability.Filters(), "zh", master.reply_due_at)
    bureau = next(b for b in figures.bureaus if b.received)
    assert (bureau.received, bureau.overdue) == (1, 1)
