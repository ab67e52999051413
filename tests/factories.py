"""Small builders for test data. They go through the same services the app uses."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from portal.auth.accounts import hash_password, issue_token
from portal.complaints.lookup import find_by_code
from portal.extensions import db
from portal.models import Bureau, OversightBody, Role, StaffUser
from portal.privacy.contacts import read_contact
from portal.privacy.sealing import Contact
from portal.unit_of_work import commit

VALID_COMPLAINT: dict[str, Any] = {
    "title": "人民路路灯坏了三个月",
    "body": "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。",
    "division": "XD-A1",
}
PASSWORD = "correct horse battery staple"


def complaint_payload(**overrides: Any) -> dict[str, Any]:
    return {**VALID_COMPLAINT, **overrides}


def file_via_api(client: FlaskClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/complaints", json=complaint_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make_staff(username: str, role: Role, *, body: str | None = None, bureau: str | None = None) -> StaffUser:
    """Create a staff user (inside an app context) and commit."""
    user = StaffUser(
        username=username,
        password_hash=hash_password(PASSWORD),
        role=role,
        oversight_body=db.session.query(OversightBody).filter_by(code=body).one() if body else None,
        bureau=db.session.query(Bureau).filter_by(code=bureau).one() if bureau else None,
    )
    db.session.add(user)
    commit()
    return user


def bearer(username: str, role: Role, **where: str | None) -> dict[str, str]:
    """Authorization headers for a new staff user (inside an app context)."""
    user = make_staff(username, role, **where)
    token, _expires = issue_token(user)
    commit()
    return {"Authorization": f"Bearer {token}"}


def stored_contact(app: Flask, code: str) -> Contact | None:
    """The contact details stored with a complaint, opened (as only a logged reveal does in the app)."""
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        return read_contact(complaint)
