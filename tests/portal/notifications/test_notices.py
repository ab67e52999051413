"""Notices to complainants who asked: one mail per public change, in the complaint's language, through a real
SMTP server; never for the anonymous, never more than the public page; one-click unsubscribe."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.complaints.lookup import find_by_code
from portal.complaints.routing import route
from portal.domain import Role
from portal.extensions import db
from portal.jobs.worker import run_worker
from portal.models import RoutedBy
from portal.notifications.models import Notice
from portal.notifications.service import send_email_notice
from portal.privacy.models import ContactUse
from portal.unit_of_work import commit
from tests.factories import bearer, file_via_api
from tests.mailbox import Mailbox, links_in, text_of

EMAIL = "citizen@example.org"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def file_opted_in(client: FlaskClient, language: str = "en", **overrides: object) -> str:
    filed = client.post(
        "/api/v1/complaints",
        json={
            "title": "人民路路灯坏了三个月",
            "body": "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。",
            "division": "XD-A1",
            "contact": {"email": EMAIL},
            "notify": True,
            **overrides,
        },
        headers={"Accept-Language": language},
    )
    assert filed.status_code == 201, filed.get_json()
    code: str = filed.get_json()["tracking_code"]
    return code


def route_and_resolve(app: Flask, client: FlaskClient, code: str, reply: str = "已更换路灯。") -> None:
    with app.app_context():
        officer = bearer(f"officer-{code[-4:]}", Role.BUREAU, bureau="XD-A1:housing_urban")
        complaint = find_by_code(code)
        assert complaint is not None
        route(complaint, "housing_urban", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
    replied = client.post(
        f"/api/v1/complaints/{code}/replies", json={"text": reply, "resolve": True}, headers=officer
    )
    assert replied.status_code == 201, replied.get_json()


def test_each_public_change_is_mailed_in_the_complaints_language(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    code = file_opted_in(client, "en")
    assert mailbox.to(EMAIL) == []  # filing is answered by the receipt, not by a mail
    route_and_resolve(app, client, code)
    routed, resolved = mailbox.to(EMAIL)
    assert routed["Subject"].startswith(f"[Fire Alarm] {code}: Sent to ")
    assert resolved["Subject"] == f"[Fire Alarm] {code}: The bureau replied and marked the complaint resolved"
    assert resolved["Content-Language"] == "en"
    assert resolved["From"] == "火警 <noreply@fa.test>"
    body = text_of(resolved)
    assert "已更换路灯。" in body
    assert "Status: Resolved" in body
    track, feedback, unsubscribe = links_in(resolved)
    assert track == f"https://fire-alarm.test/track/{code}?lang=en"
    assert feedback.startswith(f"https://fire-alarm.test/track/{code}/feedback?token=")
    assert resolved["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert resolved["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.get(path_of(track)).status_code == 200
    with app.app_context():
        # Each opening of the sealed details for a notice is logged.
        uses = db.session.scalars(select(ContactUse.channel)).all()
        assert uses.count("email") == 2
        assert "sms" not in uses  # no phone number: nothing opened for a text message, nothing logged


def test_chinese_complaints_get_chinese_mail(app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    code = file_opted_in(client, "zh")
    route_and_resolve(app, client, code)
    resolved = mailbox.to(EMAIL)[-1]
    assert resolved["Subject"].startswith(f"[火警] {code}")
    assert resolved["Content-Language"] == "zh"
    assert "Status" not in text_of(resolved)
    assert links_in(resolved)[0].endswith("?lang=zh")


def test_nothing_for_anonymous_complaints_or_without_asking(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    refused = client.post(
        "/api/v1/complaints",
        json={
            "title": "人民路路灯坏了三个月",
            "body": "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮。",
            "division": "XD-A1",
            "anonymous": True,
            "contact": {"email": EMAIL},
            "notify": True,
        },
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    assert "Anonymous complaints get no mail" in refused.get_json()["error"]["fields"]["notify"][0]
    anonymous = file_via_api(client, anonymous=True, contact={"email": EMAIL})["tracking_code"]
    not_asked = file_via_api(client, contact={"email": EMAIL})["tracking_code"]
    for code in (anonymous, not_asked):
        route_and_resolve(app, client, code)
    assert mailbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactUse)) == 0


def test_asking_without_an_address_is_refused_with_a_message(client: FlaskClient) -> None:
    refused = client.post(
        "/api/v1/complaints",
        json={
            "title": "人民路路灯坏了三个月",
            "body": "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮。",
            "division": "XD-A1",
            "contact": {"phone": "13912345678"},
            "notify": True,
        },
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["notify"] == ["留下电子邮箱才能收到通知。"]


def test_the_mail_never_says_more_than_the_public_page(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    code = file_opted_in(client, "zh", contact={"email": EMAIL, "phone": "13800001111", "name": "张三"})
    route_and_resolve(app, client, code, reply="已联系住户，电话13912345678，路灯已修好。")
    public = client.get(f"/api/v1/complaints/{code}").get_json()
    detail = public["timeline"][-1]["detail"]
    assert "13912345678" not in detail
    body = text_of(mailbox.to(EMAIL)[-1])
    assert detail in body
    for secret_thing in ("13912345678", "13800001111", "张三", EMAIL):
        assert secret_thing not in body


def test_one_click_unsubscribe_stops_the_mails(app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    code = file_opted_in(client, "en")
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        route(complaint, "housing_urban", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
    [routed] = mailbox.to(EMAIL)
    unsubscribe = path_of(routed["List-Unsubscribe"].strip("<>"))
    page = client.get(unsubscribe)
    assert page.status_code == 200
    assert "Stop the mails" in page.get_data(as_text=True)
    with app.app_context():
        assert find_by_code(code).notify is True  # opening the link (a mail scanner does) changes nothing
    # What a mail client sends for "unsubscribe" (RFC 8058): no cookie, no CSRF token.
    done = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "no more mails" in done.get_data(as_text=True)
    assert client.post(unsubscribe).status_code == 200  # twice is harmless
    route_and_resolve_after_routing(app, client, code)
    assert len(mailbox.to(EMAIL)) == 1
    assert client.get("/notifications/unsubscribe/forged-token").status_code == 404
    assert client.post("/notifications/unsubscribe/forged-token").status_code == 404


def route_and_resolve_after_routing(app: Flask, client: FlaskClient, code: str) -> None:
    with app.app_context():
        officer = bearer("officer-late", Role.BUREAU, bureau="XD-A1:housing_urban")
    replied = client.post(
        f"/api/v1/complaints/{code}/replies", json={"text": "已修好。", "resolve": True}, headers=officer
    )
    assert replied.status_code == 201


def test_a_notice_is_sent_once_however_often_its_job_runs(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    code = file_opted_in(client, "en")
    route_and_resolve(app, client, code)
    with app.app_context():
        event_ids = db.session.scalars(select(Notice.event_id)).all()
        for event_id in event_ids:
            send_email_notice(event_id)
            commit()
        assert db.session.scalar(select(func.count()).select_from(Notice)) == 2
    assert len(mailbox.to(EMAIL)) == 2


def test_a_dead_mail_server_fails_the_job_so_it_is_retried(
    app_factory: Callable[..., Flask], mailbox: Mailbox
) -> None:
    dead = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens on port 1
    client = dead.test_client()
    code = file_opted_in(client, "en")
    with dead.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        route(complaint, "housing_urban", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()  # the inline job fails and is logged; the routing stands
        event_id = complaint.events[-1].id
        with pytest.raises(ConnectionRefusedError):
            send_email_notice(event_id)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert mailbox.messages == []


def test_without_a_mail_server_mails_go_to_the_instance_folder(app_factory: Callable[..., Flask]) -> None:
    local = app_factory(MAIL_SERVER=None)
    client = local.test_client()
    code = file_opted_in(client, "en")
    route_and_resolve(local, client, code)
    folder = Path(local.config["MAIL_FOLDER"])
    assert folder == Path(local.instance_path) / "mail"
    written = sorted(folder.glob("*.eml"))
    assert len(written) == 2
    assert f"Subject: [Fire Alarm] {code}" in written[-1].read_text(encoding="utf-8")


def test_text_messages_go_through_the_logging_gateway_masked(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    code = file_opted_in(client, "en", contact={"email": EMAIL, "phone": "13912345678"})
    with caplog.at_level(logging.INFO, logger="portal.notifications.sms"):
        route_and_resolve(app, client, code)
    sent = [record.getMessage() for record in caplog.records if record.name == "portal.notifications.sms"]
    assert len(sent) == 2
    assert sent[-1].startswith(f"SMS to ***5678: [Fire Alarm] {code}")
    assert "13912345678" not in "".join(sent)


@pytest.mark.redis
def test_a_real_worker_sends_the_mails_after_the_commit(
    app_factory: Callable[..., Flask], redis_url: str, mailbox: Mailbox
) -> None:
    queued = app_factory(REDIS_URL=redis_url, **mailbox.config(), PUBLIC_URL="https://fire-alarm.test")
    client = queued.test_client()
    code = file_opted_in(client, "en")
    route_and_resolve(queued, client, code)
    assert mailbox.messages == []  # nothing is sent in the request: the jobs wait on the queue
    with queued.app_context():
        assert run_worker(queued, burst=True) is True
    subjects = [message["Subject"] for message in mailbox.to(EMAIL)]
    assert len(subjects) == 2
    assert all(subject.startswith(f"[Fire Alarm] {code}") for subject in subjects)


def test_oversight_cases_are_told_too(app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    code = file_opted_in(
        client,
        "en",
        misconduct={"accused_name": "王某某", "accused_unit": "东岭村党支部", "party_member": "yes"},
    )
    with app.app_context():
        triage = bearer("triage", Role.TRIAGE)
        liaison = bearer("a1-discipline", Role.LIAISON, body="XD-A1:discipline")
    confirmed = client.post(
        f"/api/v1/complaints/{code}/misconduct-review",
        headers=triage,
        json={"decision": "confirm", "reason": "党员村干部涉嫌侵占补助款"},
    )
    assert confirmed.status_code == 201
    [case] = client.get("/api/v1/escalations", headers=liaison).get_json()["escalations"]
    acted = client.post(
        f"/api/v1/escalations/{case['id']}/actions", headers=liaison, json={"action": "acknowledge"}
    )
    assert acted.status_code == 201
    subjects = [message["Subject"].split(": ", 1)[1] for message in mailbox.to(EMAIL)]
    assert subjects[-2:] == [
        "Case opened with District A1 Commission for Discipline Inspection",
        "District A1 Commission for Discipline Inspection acknowledged the case",
    ]
