"""The bureau desk and API: replies, resolution, contest, and who may answer."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.complaints.routing import route
from portal.domain import Role
from portal.extensions import db
from portal.models import RoutedBy
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.factories import PASSWORD, bearer, make_staff


def test_bureau_reply_resolve_contest_cycle(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        stranger = bearer("tra", Role.BUREAU, bureau="XD-A1:transport")
        admin = bearer("adm", Role.ADMIN)
        complaint = routed_complaint(client)
        code = complaint.tracking_code
    listed = client.get("/api/v1/bureau/complaints", headers=officer).get_json()["complaints"]
    assert [c["tracking_code"] for c in listed] == [code]
    assert client.get("/api/v1/bureau/complaints", headers=stranger).get_json()["complaints"] == []
    url = f"/api/v1/complaints/{code}/replies"
    assert client.post(url, json={"text": "与我无关"}, headers=stranger).status_code == 403
    assert client.post(url, json={"text": "代为答复"}, headers=admin).status_code == 403
    assert client.post(url, json={"text": ""}, headers=officer).status_code == 422
    done = client.post(url, json={"text": "已安排清理河道垃圾。", "resolve": True}, headers=officer)
    assert done.status_code == 201
    assert done.get_json()["status"] == "resolved"
    assert client.post(url, json={"text": "再次答复"}, headers=officer).status_code == 409
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["timeline"][-1]["detail"] == "已安排清理河道垃圾。"


def test_contest_reopens_with_a_new_deadline(app: Flask, client: FlaskClient) -> None:
    from portal.complaints.lookup import find_by_code

    receipt = client.post(
        "/api/v1/complaints",
        json={"title": "河道垃圾无人清理", "body": "A1区清水河两岸垃圾堆积，已经发臭。", "division": "XD-A1"},
    ).get_json()
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        route(
            find_by_code(receipt["tracking_code"]), "environment", routed_by=RoutedBy.STAFF, actor="staff:t"
        )
        commit()
    client.post(
        f"/api/v1/complaints/{receipt['tracking_code']}/replies",
        json={"text": "已处理", "resolve": True},
        headers=officer,
    )
    with app.app_context():
        first_due = find_by_code(receipt["tracking_code"]).reply_due_at
    contest = client.post(
        f"/api/v1/complaints/{receipt['tracking_code']}/updates",
        json={"secret": receipt["follow_up_secret"], "text": "垃圾还在", "contest": True},
    )
    assert contest.status_code == 201
    assert contest.get_json()["status"] == "reopened"
    with app.app_context():
        reopened = find_by_code(receipt["tracking_code"])
        assert reopened.reply_due_at >= first_due
        assert reopened.resolved_at is None
    again = client.post(
        f"/api/v1/complaints/{receipt['tracking_code']}/replies", json={"text": "已再次清理"}, headers=officer
    )
    assert again.status_code == 201


def test_bureau_desk_pages(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
        make_staff("tra", Role.BUREAU, bureau="XD-A1:transport")
        code = routed_complaint(client).tracking_code
        db.session.remove()
    client.post("/staff/login", data={"username": "tra", "password": PASSWORD})
    assert client.get(f"/staff/bureau/{code}").status_code == 404
    client.post("/staff/logout")
    client.post("/staff/login", data={"username": "env", "password": PASSWORD})
    assert code in client.get("/staff/bureau").get_data(as_text=True)
    assert client.post(f"/staff/bureau/{code}", data={"text": ""}).status_code == 422
    # A reply that says nothing is shown back first (the preview step), with its assessment, and not published.
    preview = client.post(f"/staff/bureau/{code}", data={"text": "已处理完毕", "resolve": "y"})
    assert preview.status_code == 200
    assert "flag-deflection" in preview.get_data(as_text=True)
    assert code in client.get("/staff/bureau").get_data(as_text=True)
    done = client.post(
        f"/staff/bureau/{code}", data={"text": "已处理完毕", "resolve": "y", "publish_anyway": "y"}
    )
    assert done.status_code == 302
    assert code not in client.get("/staff/bureau").get_data(as_text=True)


def test_a_bureau_never_sees_who_reported_misconduct(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
        complaint = routed_complaint(
            client,
            contact={"name": "王秀英", "phone": "13912345678"},
            misconduct={"accused_unit": "A1区某街道办事处", "party_member": "no"},
        )
        code = complaint.tracking_code
    client.post("/staff/login", data={"username": "env", "password": PASSWORD})
    page = client.get(f"/staff/bureau/{code}").get_data(as_text=True)
    assert "13912345678" not in page
    assert "王秀英" not in page


@pytest.mark.parametrize("config_overrides", [{"PUBLISHED_PHONE_NUMBERS": ("0731-88886666",)}])
def test_a_bureau_reply_keeps_its_hotline_public_while_the_citizens_number_is_hidden(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        complaint = routed_complaint(client)
        code = complaint.tracking_code
    reply = "已安排清理。如有疑问请致电本局0731-88886666。已致电投诉人座机0731-85551234。"
    assert (
        client.post(f"/api/v1/complaints/{code}/replies", json={"text": reply}, headers=officer).status_code
        == 201
    )
    timeline = client.get(f"/api/v1/complaints/{code}").get_json()["timeline"]
    assert (
        timeline[-1]["detail"]
        == "已安排清理。如有疑问请致电本局0731-88886666。已致电投诉人座机[电话已隐去]。"
    )


def test_reply_quality_is_previewed_returned_and_public(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        stranger = bearer("tra", Role.BUREAU, bureau="XD-A1:transport")
        first = routed_complaint(client).tracking_code
        second = routed_complaint(client).tracking_code
    form_letter = "您好！您的留言已收悉。经研究，本局高度重视市容环境卫生工作，将进一步加大巡查力度，持续改善人居环境质量。"
    preview = client.post(
        f"/api/v1/complaints/{first}/replies/preview", json={"text": "已转交相关部门处理。"}, headers=officer
    )
    assert preview.status_code == 200
    assert preview.get_json()["deflection"] is True
    assert (
        client.post(
            f"/api/v1/complaints/{first}/replies/preview", json={"text": "x"}, headers=stranger
        ).status_code
        == 403
    )
    assert client.get(f"/api/v1/complaints/{first}").get_json()["reply_quality"] == []  # nothing stored
    answer = client.post(f"/api/v1/complaints/{first}/replies", json={"text": form_letter}, headers=officer)
    assert answer.status_code == 201
    assert answer.get_json()["quality"]["boilerplate"] is False
    again = client.post(f"/api/v1/complaints/{second}/replies", json={"text": form_letter}, headers=officer)
    assert again.get_json()["quality"]["boilerplate"] is True
    view = client.get(f"/api/v1/complaints/{second}").get_json()
    [quality] = view["reply_quality"]
    assert quality["boilerplate"] is True
    assert quality["reply_at"] == view["timeline"][-1]["at"]
    page = client.get(f"/track/{second}").get_data(as_text=True)
    assert "flag-boilerplate" in page
