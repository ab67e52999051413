"""The bureau's complaint page as an officer lives it: the conversation so far, and the deadline after a contest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from escalation import cases
from portal.bureau.replies import post_reply
from portal.complaints.lookup import find_by_code
from portal.complaints.routing import route
from portal.domain import Role
from portal.models import RoutedBy
from portal.unit_of_work import commit
from tests.factories import PASSWORD, file_via_api, make_staff

MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def _filed_and_routed(app: Flask, client: FlaskClient, *, now: datetime | None = None) -> dict[str, str]:
    receipt = file_via_api(client)
    with app.app_context():
        make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
        route(
            find_by_code(receipt["tracking_code"]),
            "environment",
            routed_by=RoutedBy.STAFF,
            actor="t",
            now=now,
        )
        commit()
    return receipt


def test_the_bureau_page_shows_additions_the_contest_reason_and_its_own_replies(
    app: Flask, client: FlaskClient
) -> None:
    receipt = _filed_and_routed(app, client)
    code, secret = receipt["tracking_code"], receipt["follow_up_secret"]
    updates = f"/api/v1/complaints/{code}/updates"
    assert (
        client.post(updates, json={"secret": secret, "text": "补充：夜里十点以后最严重。"}).status_code == 201
    )
    client.post("/staff/login", data={"username": "env", "password": PASSWORD})
    assert (
        client.post(f"/staff/bureau/{code}", data={"text": "已派人清理河道。", "resolve": "y"}).status_code
        == 302
    )
    contest = {"secret": secret, "text": "垃圾还在，没有人来过。", "contest": True}
    assert client.post(updates, json=contest).status_code == 201
    page = client.get(f"/staff/bureau/{code}").get_data(as_text=True)
    for said in ("补充：夜里十点以后最严重。", "已派人清理河道。", "垃圾还在，没有人来过。"):
        assert said in page
    assert page.index("补充：夜里十点以后最严重。") < page.index("已派人清理河道。") < page.index("垃圾还在")


def test_after_a_contest_a_reply_the_same_day_opens_no_inaction_case(app: Flask, client: FlaskClient) -> None:
    """Routed long ago and answered in time; contested today; answered again today: the bureau is in time."""
    receipt = _filed_and_routed(app, client, now=MONDAY)
    code = receipt["tracking_code"]
    with app.app_context():
        complaint = find_by_code(code)
        officer = complaint.bureau and make_staff("env2", Role.BUREAU, bureau="XD-A1:environment")
        assert officer
        post_reply(complaint, staff=officer, text="已处理", resolve=True, now=MONDAY + timedelta(days=1))
        commit()
        first_due = complaint.reply_due_at
    contest = {"secret": receipt["follow_up_secret"], "text": "没有解决", "contest": True}
    assert client.post(f"/api/v1/complaints/{code}/updates", json=contest).status_code == 201
    client.post("/staff/login", data={"username": "env", "password": PASSWORD})
    page = client.get(f"/staff/bureau/{code}").get_data(as_text=True)
    with app.app_context():
        renewed = find_by_code(code).reply_due_at
    assert renewed > first_due  # a new round, with a full reply period from the contest
    assert client.post(f"/staff/bureau/{code}", data={"text": "已再次清理"}).status_code == 302
    with app.app_context():
        assert renewed is not None
        for later in (
            renewed - timedelta(hours=1),
            renewed + timedelta(days=1),
            renewed + timedelta(days=60),
        ):
            assert cases.sweep(later).inaction_opened == 0
            commit()
    assert page  # the page rendered with the renewed deadline
