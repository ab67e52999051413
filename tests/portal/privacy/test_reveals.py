"""Revealing contact details to staff: who may, the reason each time, the log and the private record."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.complaints.lookup import find_by_code
from portal.complaints.routing import route
from portal.domain import Role
from portal.extensions import db
from portal.features import installed
from portal.models import Event, RoutedBy
from portal.privacy.models import ContactReveal
from portal.unit_of_work import commit
from tests.factories import PASSWORD, bearer, file_via_api, make_staff

NAME, PHONE, EMAIL = "王秀英", "13912345678", "wang@example.com"
CONTACT = {"name": NAME, "phone": PHONE, "email": EMAIL}
ALLEGATION = {"accused_name": "李某", "accused_unit": "某村村委会", "party_member": "yes"}
REASON = "需要电话核实路灯位置"


def filed(client: FlaskClient, **overrides: object) -> str:
    return str(file_via_api(client, contact=CONTACT, **overrides)["tracking_code"])


def routed_to_environment(app: Flask, code: str) -> None:
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        route(complaint, "environment", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()


def misconduct_case(app: Flask, client: FlaskClient) -> str:
    """A complaint alleging misconduct, routed to the A1 environment bureau, with a case at A1's commission."""
    code = filed(client, misconduct=ALLEGATION)
    routed_to_environment(app, code)
    with app.app_context():
        triage = bearer("case-opener", Role.TRIAGE)
    opened = client.post(
        f"/api/v1/complaints/{code}/escalations",
        json={"track": "discipline", "reason": "党员干部涉嫌挪用补助款"},
        headers=triage,
    )
    assert opened.status_code == 201, opened.get_json()
    assert opened.get_json()["body"]["code"] == "XD-A1:discipline"
    return code


def reveal(
    client: FlaskClient, code: str, headers: dict[str, str], reason: object = REASON
) -> tuple[int, dict]:
    response = client.post(f"/api/v1/complaints/{code}/contact", json={"reason": reason}, headers=headers)
    return response.status_code, response.get_json()


def reveal_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(ContactReveal)).all())


def test_who_may_reveal(app: Flask, client: FlaskClient) -> None:
    ordinary = filed(client)
    routed_to_environment(app, ordinary)
    misconduct = misconduct_case(app, client)
    with app.app_context():
        staff = {
            "triage": bearer("tri", Role.TRIAGE),
            "admin": bearer("adm", Role.ADMIN),
            "bureau of the complaint": bearer("env", Role.BUREAU, bureau="XD-A1:environment"),
            "another bureau": bearer("tra", Role.BUREAU, bureau="XD-A1:transport"),
            "liaison of the case's body": bearer("dis", Role.LIAISON, body="XD-A1:discipline"),
            "liaison of another body": bearer("dis-b1", Role.LIAISON, body="XD-B1:discipline"),
            "liaison of the same division's other body": bearer(
                "sup", Role.LIAISON, body="XD-A1:supervision"
            ),
        }
    expected = {
        # who: (ordinary complaint, misconduct complaint)
        "triage": (200, 200),
        "admin": (200, 200),
        # The bureau never sees who reported misconduct, even when the complaint is routed to it.
        "bureau of the complaint": (200, 403),
        "another bureau": (403, 403),
        # Liaison officers only for a misconduct case their own body holds.
        "liaison of the case's body": (403, 200),
        "liaison of another body": (403, 403),
        "liaison of the same division's other body": (403, 403),
    }
    answered = {
        who: tuple(reveal(client, code, headers)[0] for code in (ordinary, misconduct))
        for who, headers in staff.items()
    }
    assert answered == expected
    assert reveal_count(app) == sum(status == 200 for pair in expected.values() for status in pair)
    _status, body = reveal(client, misconduct, staff["bureau of the complaint"])
    assert body["error"]["code"] == "contact_withheld"
    assert PHONE not in str(body)


def test_a_reveal_answers_once_and_is_logged_and_on_the_private_record(
    app: Flask, client: FlaskClient
) -> None:
    code = filed(client)
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    response = client.post(f"/api/v1/complaints/{code}/contact", json={"reason": REASON}, headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["contact"] == CONTACT
    assert body["tracking_code"] == code
    with app.app_context():
        logged = db.session.scalars(select(ContactReveal)).one()
        assert (logged.staff.username, logged.role, logged.reason) == ("tri", Role.TRIAGE, REASON)
        assert logged.complaint.tracking_code == code
        assert logged.created_at.isoformat() == body["revealed_at"]
        event = db.session.scalars(select(Event).where(Event.kind == "contact_revealed")).one()
        assert event.public is False
        assert event.actor == "staff:tri"
        assert event.payload["reason"] == REASON
        for detail in CONTACT.values():
            assert detail not in str(event.payload)
    timeline = client.get(f"/api/v1/complaints/{code}").get_json()["timeline"]
    assert "contact_revealed" not in [item["kind"] for item in timeline]


def test_a_reason_is_required(app: Flask, client: FlaskClient) -> None:
    code = filed(client)
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    for reason in ("", "   ", None):
        status, body = reveal(client, code, headers, reason)
        assert status == 422, reason
        assert body["error"]["code"] == "reason_required"
        assert list(body["error"]["fields"]) == ["reason"]
        assert PHONE not in str(body)
    status, body = reveal(client, code, headers, "x" * 501)
    assert (status, list(body["error"]["fields"])) == (422, ["reason"])
    assert reveal_count(app) == 0


def test_anonymous_complaints_have_nothing_to_reveal(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, anonymous=True)["tracking_code"]
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    status, body = reveal(client, code, headers)
    assert (status, body["error"]["code"]) == (409, "no_contact_details")
    assert reveal_count(app) == 0
    assert reveal(client, "FA-0000-0000-0000", headers)[0] == 404


def test_the_api_needs_a_token(client: FlaskClient) -> None:
    code = filed(client)
    assert client.post(f"/api/v1/complaints/{code}/contact", json={"reason": REASON}).status_code == 401


def sign_in(client: FlaskClient, username: str) -> None:
    assert client.post("/staff/login", data={"username": username, "password": PASSWORD}).status_code == 302


def test_staff_pages_hide_contact_details_until_revealed(app: Flask, client: FlaskClient) -> None:
    code = filed(client)
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    sign_in(client, "tri")
    page = client.get(f"/staff/triage/{code}").get_data(as_text=True)
    assert PHONE not in page
    assert NAME not in page
    assert f"/staff/complaints/{code}/contact" in page
    url = f"/staff/complaints/{code}/contact"
    refused = client.post(url, data={"contact-reason": "", "contact-back": f"/staff/triage/{code}"})
    assert refused.status_code == 422
    assert PHONE not in refused.get_data(as_text=True)
    assert reveal_count(app) == 0
    shown = client.post(url, data={"contact-reason": REASON, "contact-back": f"/staff/triage/{code}"})
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "private, no-store"
    text = shown.get_data(as_text=True)
    for detail in CONTACT.values():
        assert detail in text
    assert f'href="/staff/triage/{code}"' in text
    assert reveal_count(app) == 1
    # The page it came from still shows nothing: the details were on that one answer only.
    assert PHONE not in client.get(f"/staff/triage/{code}").get_data(as_text=True)


def test_a_foreign_back_link_is_not_followed(app: Flask, client: FlaskClient) -> None:
    code = filed(client)
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    sign_in(client, "tri")
    for back in ("https://evil.example/staff/", "//evil.example/x", "/staff/\\\\evil.example", "/track/x"):
        page = client.post(
            f"/staff/complaints/{code}/contact", data={"contact-reason": REASON, "contact-back": back}
        ).get_data(as_text=True)
        assert 'href="/staff/"' in page, back
        assert "evil.example" not in page


def test_the_bureau_page_offers_the_reveal_only_without_an_allegation(
    app: Flask, client: FlaskClient
) -> None:
    ordinary = filed(client)
    routed_to_environment(app, ordinary)
    alleged = filed(client, misconduct=ALLEGATION)
    routed_to_environment(app, alleged)
    with app.app_context():
        make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
    sign_in(client, "env")
    page = client.get(f"/staff/bureau/{ordinary}").get_data(as_text=True)
    assert PHONE not in page
    assert f"/staff/complaints/{ordinary}/contact" in page
    page = client.get(f"/staff/bureau/{alleged}").get_data(as_text=True)
    assert PHONE not in page
    assert "/contact" not in page
    refused = client.post(f"/staff/complaints/{alleged}/contact", data={"contact-reason": REASON})
    assert refused.status_code == 403
    assert PHONE not in refused.get_data(as_text=True)
    assert NAME not in refused.get_data(as_text=True)
    assert reveal_count(app) == 0


def test_the_case_page_offers_the_reveal_to_the_body_holding_it(app: Flask, client: FlaskClient) -> None:
    code = misconduct_case(app, client)
    with app.app_context():
        make_staff("dis", Role.LIAISON, body="XD-A1:discipline")
        headers = bearer("dis-api", Role.LIAISON, body="XD-A1:discipline")
    case_id = client.get("/api/v1/escalations", headers=headers).get_json()["escalations"][0]["id"]
    sign_in(client, "dis")
    page = client.get(f"/staff/escalations/{case_id}").get_data(as_text=True)
    assert PHONE not in page
    assert f"/staff/complaints/{code}/contact" in page
    shown = client.post(f"/staff/complaints/{code}/contact", data={"contact-reason": "需向举报人核实情况"})
    assert shown.status_code == 200
    assert PHONE in shown.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ContactReveal.role)).all() == [Role.LIAISON]


def test_unknown_complaints_are_not_found_on_the_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    sign_in(client, "tri")
    assert (
        client.post(
            "/staff/complaints/FA-0000-0000-0000/contact", data={"contact-reason": REASON}
        ).status_code
        == 404
    )


def test_only_the_escalation_feature_lets_liaison_officers_in(
    app: Flask, app_factory: Callable[..., Flask]
) -> None:
    portal_only = app_factory(FEATURE_PACKAGES=())
    assert len(installed(app).contact_access) == 1
    assert installed(portal_only).contact_access == []


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_the_reveal_form_carries_a_working_csrf_token(app: Flask, client: FlaskClient) -> None:
    code = filed(client)
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    login = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
    assert token is not None
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD, "csrf_token": token.group(1)})
    page = client.get(f"/staff/triage/{code}").get_data(as_text=True)
    found = re.search(r'name="contact-csrf_token" type="hidden" value="([^"]+)"', page)
    assert found is not None
    url = f"/staff/complaints/{code}/contact"
    assert client.post(url, data={"contact-reason": REASON}).status_code == 400  # no token: refused
    shown = client.post(url, data={"contact-reason": REASON, "contact-csrf_token": found.group(1)})
    assert shown.status_code == 200
    assert PHONE in shown.get_data(as_text=True)
