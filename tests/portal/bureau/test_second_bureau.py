"""Two-bureau complaints on the bureau desk: each bureau sees the complaint and replies in its own round; the
complaint is resolved once both have resolved their part; the public page and API show both."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.models import ComplaintStatus
from tests.factories import PASSWORD, bearer, file_via_api, make_staff
from tests.queries import assert_flat

VAGUE = {"title": "请领导关注一下", "body": "这个问题已经反映很多次了，希望有关部门重视，尽快解决。"}


def two_bureau_complaint(client: FlaskClient, triage: dict[str, str]) -> str:
    code: str = file_via_api(client, **VAGUE)["tracking_code"]
    routed = client.post(
        f"/api/v1/complaints/{code}/routing",
        json={"category": "environment", "reason": "两部门", "second_bureau": "XD-A1:transport"},
        headers=triage,
    )
    assert routed.status_code == 201, routed.get_json()
    return code


def test_each_bureau_replies_on_its_own_and_both_resolve_the_complaint(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        first = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        second = bearer("tra", Role.BUREAU, bureau="XD-A1:transport")
        stranger = bearer("edu", Role.BUREAU, bureau="XD-A1:education_culture")
    code = two_bureau_complaint(client, triage)
    for officer in (first, second):
        listed = client.get("/api/v1/bureau/complaints", headers=officer).get_json()["complaints"]
        assert [c["tracking_code"] for c in listed] == [code]
    url = f"/api/v1/complaints/{code}/replies"
    assert client.post(url, json={"text": "与我无关"}, headers=stranger).status_code == 403
    # The first bureau resolves its part: the complaint waits for the second one.
    done = client.post(url, json={"text": "已安排清理河道垃圾。", "resolve": True}, headers=first)
    assert done.get_json()["status"] == "replied"
    assert client.get("/api/v1/bureau/complaints", headers=first).get_json()["complaints"] == []
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["second_bureau"]["first"]["resolved_at"] is not None
    assert view["second_bureau"]["resolved_at"] is None
    assert "另一部门尚未办结" in view["timeline"][-1]["text"]
    # The second bureau answers in its own round, then resolves: now the complaint is resolved.
    replied = client.post(url, json={"text": "已调整公交站点位置。"}, headers=second)
    assert replied.status_code == 201
    assert replied.get_json()["status"] == "replied"
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["second_bureau"]["replied_at"] is not None
    assert view["timeline"][-1]["detail"] == "已调整公交站点位置。"
    assert "A1区交通运输局已答复" in view["timeline"][-1]["text"]
    resolved = client.post(url, json={"text": "站点已迁移完毕。", "resolve": True}, headers=second)
    assert resolved.get_json()["status"] == "resolved"
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint.status is ComplaintStatus.RESOLVED
        assert complaint.second_bureau is not None
        assert complaint.second_bureau.resolved_at is not None
    assert client.get("/api/v1/bureau/complaints", headers=second).get_json()["complaints"] == []
    english = client.get(f"/api/v1/complaints/{code}", headers={"Accept-Language": "en"}).get_json()
    assert "the complaint is resolved" in english["timeline"][-1]["text"]


def test_the_second_bureau_replies_on_its_desk_page_and_the_public_page_shows_both(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        make_staff("tra", Role.BUREAU, bureau="XD-A1:transport")
    code = two_bureau_complaint(client, triage)
    client.post("/staff/login", data={"username": "tra", "password": PASSWORD})
    queue = client.get("/staff/bureau").get_data(as_text=True)
    assert code in queue
    page = client.get(f"/staff/bureau/{code}").get_data(as_text=True)
    assert "共同承办部门" in page
    assert "A1区生态环境局" in page
    sent = client.post(
        f"/staff/bureau/{code}",
        data={"text": "已协调公交公司调整线路，下周起恢复正常。", "publish_anyway": "y"},
    )
    assert sent.status_code == 302
    track = client.get(f"/track/{code}").get_data(as_text=True)
    assert "第二承办部门" in track
    assert "A1区交通运输局" in track
    assert "A1区生态环境局" in track
    assert "尚未答复" in track  # the first bureau
    english = client.get(f"/track/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Second bureau" in english
    assert "has not replied yet" in english


def test_the_bureau_desk_reads_second_bureaus_in_a_flat_number_of_queries(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        second = bearer("tra", Role.BUREAU, bureau="XD-A1:transport")

    two_bureau_complaint(client, triage)

    def add() -> None:
        for _ in range(3):
            two_bureau_complaint(client, triage)

    assert_flat(app, lambda: client.get("/api/v1/bureau/complaints", headers=second), add)


def test_a_contest_starts_a_new_round_for_both_bureaus(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        first = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        second = bearer("tra", Role.BUREAU, bureau="XD-A1:transport")
    receipt = file_via_api(client, **VAGUE)
    code = receipt["tracking_code"]
    client.post(
        f"/api/v1/complaints/{code}/routing",
        json={"category": "environment", "reason": "两部门", "second_bureau": "XD-A1:transport"},
        headers=triage,
    )
    url = f"/api/v1/complaints/{code}/replies"
    client.post(url, json={"text": "已安排清理河道垃圾。", "resolve": True}, headers=first)
    client.post(url, json={"text": "站点已迁移完毕。", "resolve": True}, headers=second)
    contest = client.post(
        f"/api/v1/complaints/{code}/updates",
        json={"secret": receipt["follow_up_secret"], "text": "问题还在", "contest": True},
    )
    assert contest.get_json()["status"] == "reopened"
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["second_bureau"]["replied_at"] is None
    assert view["second_bureau"]["resolved_at"] is None
    assert view["second_bureau"]["first"] == {"replied_at": None, "resolved_at": None}
    for officer in (first, second):
        listed = client.get("/api/v1/bureau/complaints", headers=officer).get_json()["complaints"]
        assert [c["tracking_code"] for c in listed] == [code]
