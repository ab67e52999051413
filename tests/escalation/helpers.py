"""Builders for escalation tests: complaints filed and routed through the real services."""

from __future__ import annotations

from datetime import datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.complaints.routing import route
from portal.extensions import db
from portal.models import Complaint, RoutedBy
from portal.unit_of_work import commit
from tests.factories import file_via_api


def routed_complaint(
    client: FlaskClient, category: str = "environment", *, now: datetime | None = None, **overrides: object
) -> Complaint:
    """A complaint filed through the API and routed by staff to ``category`` (inside an app context)."""
    code = file_via_api(client, **overrides)["tracking_code"]
    complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
    route(complaint, category, routed_by=RoutedBy.STAFF, actor="staff:test", now=now)
    commit()
    return complaint
