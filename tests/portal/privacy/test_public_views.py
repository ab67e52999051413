"""Public views redact personal data; staff can hide more; the original stays for staff."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.domain import Role
from portal.extensions import db
from portal.models import Complaint, Event
from tests.factories import PASSWORD, file_via_api, make_staff

BODY = "我是王小明，电话13912345678，邮箱wang@example.com，身份证110105199003072311。邻居张三家的狗每晚叫到三点。"


def test_public_api_and_page_hide_numbers_and_addresses(client: FlaskClient) -> None:
    code = file_via_api(client, body=BODY, title="张三家狗叫扰民 13912345678")["tracking_code"]
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    for secret in ("13912345678", "wang@example.com", "110105199003072311"):
        assert secret not in view["body"]
        assert secret not in view["title"]
    assert "[电话已隐去]" in view["body"]
    english = client.get(f"/api/v1/complaints/{code}", headers={"Accept-Language": "en"}).get_json()
    assert "[phone removed]" in english["body"]
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "13912345678" not in page


def test_staff_hide_private_names_and_keep_the_original(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, body=BODY)["tracking_code"]
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    response = client.post(f"/staff/complaints/{code}/redactions", data={"terms": "王小明\n张三\n\n张三\nx"})
    assert response.status_code == 302
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert "王小明" not in view["body"]
    assert "张三" not in view["body"]
    assert "[已隐去]" in view["body"]
    with app.app_context():
        complaint = db.session.scalars(select(Complaint)).one()
        assert complaint.body == BODY
        assert complaint.redactions == ["王小明", "张三"]
        event = db.session.scalars(select(Event).where(Event.kind == "redactions_updated")).one()
        assert event.public is False
        assert event.payload == {"terms": 2}
    staff_page = client.get(f"/staff/complaints/{code}/redactions").get_data(as_text=True)
    assert BODY in staff_page


def test_bureau_officers_cannot_edit_redactions(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    with app.app_context():
        make_staff("bu", Role.BUREAU, bureau="XD-A1:environment")
    client.post("/staff/login", data={"username": "bu", "password": PASSWORD})
    assert client.post(f"/staff/complaints/{code}/redactions", data={"terms": "x"}).status_code == 403
