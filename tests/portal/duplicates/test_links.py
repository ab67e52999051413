"""A duplicate follows its master: the public page and API show the master's handling, both timelines record the
link in zh and en, news of the master reaches the duplicate's citizen, and the record still verifies."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.complaints.lookup import find_by_code
from portal.complaints.routing import route
from portal.domain import Role
from portal.duplicates import service
from portal.models import RoutedBy
from portal.record import store as record_store
from portal.unit_of_work import commit
from tests.factories import bearer, file_via_api
from tests.mailbox import Mailbox, text_of

EMAIL = "duplicate@example.org"


def _link(app: Flask, duplicate: str, master: str, reason: str = "同一路口的路灯") -> None:
    with app.app_context():
        complaint = find_by_code(duplicate)
        assert complaint is not None
        service.link(complaint, master, reason=reason, actor="staff:test")
        commit()


def _route_and_resolve(app: Flask, client: FlaskClient, code: str, reply: str) -> None:
    with app.app_context():
        officer = bearer("officer", Role.BUREAU, bureau="XD-A1:housing_urban")
        complaint = find_by_code(code)
        assert complaint is not None
        route(complaint, "housing_urban", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
    answered = client.post(
        f"/api/v1/complaints/{code}/replies", json={"text": reply, "resolve": True}, headers=officer
    )
    assert answered.status_code == 201, answered.get_json()


def test_a_duplicate_shows_its_masters_routing_replies_and_resolution(
    app: Flask, client: FlaskClient
) -> None:
    master = file_via_api(client)["tracking_code"]
    duplicate = file_via_api(client)["tracking_code"]
    _link(app, duplicate, master)
    _route_and_resolve(app, client, master, "已更换三盏路灯。")

    view = client.get(f"/api/v1/complaints/{duplicate}?lang=en").get_json()
    assert view["tracking_code"] == duplicate  # its own code
    handled = view["duplicates"]["handled_with"]
    assert handled["tracking_code"] == master
    assert handled["status"] == "resolved"
    assert handled["bureau"]["code"] == "XD-A1:housing_urban"
    assert [reply["detail"] for reply in handled["replies"]] == ["已更换三盏路灯。"]
    assert handled["replies"][0]["resolved"] is True
    assert view["status_label"] == f"Handled together with {master}: Resolved"
    # The master's news is on the duplicate's own timeline too.
    progress = [item["text"] for item in view["timeline"] if item["kind"] == "master_progress"]
    assert progress == [
        f"In {master}, handled together with this complaint: Sent to District A1 Housing and Urban-Rural Development Bureau "
        "by a triage officer",
        f"In {master}, handled together with this complaint: The bureau replied and marked the complaint resolved",
    ]
    assert client.get(f"/api/v1/complaints/{master}").get_json()["duplicates"] == {
        "handled_with": None,
        "linked": [duplicate],
    }

    page = client.get(f"/track/{duplicate}?lang=zh").get_data(as_text=True)
    assert f"与 {master} 一并处理" in page
    assert "已更换三盏路灯。" in page
    english = client.get(f"/track/{master}?lang=en").get_data(as_text=True)
    assert "Handled together with this complaint" in english
    assert duplicate in english


def test_both_timelines_record_the_link_and_the_unlink_in_both_languages(
    app: Flask, client: FlaskClient
) -> None:
    master = file_via_api(client)["tracking_code"]
    duplicate = file_via_api(client)["tracking_code"]
    _link(app, duplicate, master, reason="同一路口的路灯")
    with app.app_context():
        complaint = find_by_code(duplicate)
        assert complaint is not None
        service.unlink(complaint, reason="其实是另一个路口", actor="staff:test")
        commit()

    def timeline(code: str, language: str) -> list[tuple[str, str, str | None]]:
        view = client.get(f"/api/v1/complaints/{code}?lang={language}").get_json()
        own = {"linked_duplicate", "unlinked_duplicate", "duplicate_linked", "duplicate_unlinked"}
        return [
            (item["kind"], item["text"], item["detail"]) for item in view["timeline"] if item["kind"] in own
        ]

    assert timeline(duplicate, "en") == [
        (
            "linked_duplicate",
            f"A triage officer found this is the same problem as {master}: it is handled together with it from "
            "now on",
            "同一路口的路灯",
        ),
        (
            "unlinked_duplicate",
            f"A triage officer unlinked this complaint from {master}: it is handled on its own again",
            "其实是另一个路口",
        ),
    ]
    kinds_and_texts = timeline(master, "zh")
    assert [kind for kind, _text, _detail in kinds_and_texts] == ["duplicate_linked", "duplicate_unlinked"]
    assert all(duplicate in text and "分办人员" in text for _kind, text, _detail in kinds_and_texts)
    view = client.get(f"/api/v1/complaints/{duplicate}").get_json()
    assert view["duplicates"] == {"handled_with": None, "linked": []}
    assert master not in view["status_label"]
    with app.app_context():
        result, _ids = record_store.verify()
        assert result.ok, result.summary()


def test_the_duplicates_citizen_is_told_of_the_link_and_of_the_masters_news(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    master = file_via_api(client)["tracking_code"]
    filed = client.post(
        "/api/v1/complaints",
        json={
            "title": "人民路路灯坏了三个月",
            "body": "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。",
            "division": "XD-A1",
            "contact": {"email": EMAIL},
            "notify": True,
        },
        headers={"Accept-Language": "en"},
    )
    duplicate = filed.get_json()["tracking_code"]
    _link(app, duplicate, master)
    _route_and_resolve(app, client, master, "已更换三盏路灯。")
    linked, routed, resolved = mailbox.to(EMAIL)
    assert linked["Subject"].startswith(f"[Fire Alarm] {duplicate}: A triage officer found this is the same")
    assert routed["Subject"].startswith(f"[Fire Alarm] {duplicate}: In {master}, handled together")
    assert "marked the complaint resolved" in resolved["Subject"]
    assert f"Status: Handled together with {master}: Resolved" in text_of(resolved)


def test_a_routed_complaint_linked_later_leaves_its_bureau_and_is_answered_through_its_master(
    app: Flask, client: FlaskClient
) -> None:
    master = file_via_api(client)["tracking_code"]
    duplicate = file_via_api(client)["tracking_code"]
    with app.app_context():
        officer = bearer("officer", Role.BUREAU, bureau="XD-A1:housing_urban")
        complaint = find_by_code(duplicate)
        assert complaint is not None
        route(complaint, "housing_urban", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
    desk = client.get("/api/v1/bureau/complaints", headers=officer).get_json()
    assert duplicate in str(desk)
    _link(app, duplicate, master)
    desk = client.get("/api/v1/bureau/complaints", headers=officer).get_json()
    assert duplicate not in str(desk)
    answered = client.post(
        f"/api/v1/complaints/{duplicate}/replies?lang=en",
        json={"text": "已处理。", "resolve": True},
        headers=officer,
    )
    assert answered.status_code == 409
    assert answered.get_json()["error"]["message"] == (
        f"This complaint is handled together with {master}: act on {master}, or unlink it first."
    )
