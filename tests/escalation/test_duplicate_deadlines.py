"""A duplicate's reply deadline is its master's: the sweep opens an inaction case for the master, not for it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from escalation import cases
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
