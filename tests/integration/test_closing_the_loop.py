"""Done when (issue 15): a complaint filed with an e-mail address is routed, answered, resolved; the citizen
answers "not fixed" from the mail's link and sees the reopened round. Every expected mail reaches the SMTP server
(subject, language, link) and unsubscribing works; an anonymous twin gets nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from tests.factories import bearer
from tests.mailbox import Mailbox, links_in, text_of

EMAIL = "li.ming@example.org"
COMPLAINT = {
    "title": "Streetlights out on Renmin Road",
    "body": "Three streetlights at the Renmin Road and Jianshe Road junction have been dark since August.",
    "division": "XD-A1",
}


@pytest.fixture
def config_overrides(mailbox: Mailbox) -> dict[str, Any]:
    return {**mailbox.config(), "PUBLIC_URL": "https://fire-alarm.test"}


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_the_loop_closes_by_mail_and_reopens_when_not_fixed(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    english = {"Accept-Language": "en"}
    filed = client.post(
        "/api/v1/complaints", json={**COMPLAINT, "contact": {"email": EMAIL}, "notify": True}, headers=english
    ).get_json()
    code = filed["tracking_code"]
    twin = client.post(
        "/api/v1/complaints", json={**COMPLAINT, "anonymous": True}, headers=english
    ).get_json()["tracking_code"]
    with app.app_context():
        triage = bearer("triage", Role.TRIAGE)
        officer = bearer("a1-housing", Role.BUREAU, bureau="XD-A1:housing_urban")

    for each in (code, twin):
        routed = client.post(
            f"/api/v1/complaints/{each}/routing",
            headers=triage,
            json={"category": "housing_urban", "reason": "路灯属于城乡建设"},
        )
        assert routed.status_code in (200, 201), routed.get_json()
        for text, resolve in (("We have ordered new lamps.", False), ("The lamps were replaced.", True)):
            replied = client.post(
                f"/api/v1/complaints/{each}/replies", headers=officer, json={"text": text, "resolve": resolve}
            )
            assert replied.status_code == 201, replied.get_json()

    _routed_mail, replied_mail, resolved_mail = mailbox.to(EMAIL)
    assert [message["Subject"].removeprefix(f"[Fire Alarm] {code}: ") for message in mailbox.to(EMAIL)] == [
        "Sent to District A1 Housing and Urban-Rural Development Bureau by a triage officer",
        "The bureau replied",
        "The bureau replied and marked the complaint resolved",
    ]
    assert all(message["Content-Language"] == "en" for message in mailbox.to(EMAIL))
    assert "We have ordered new lamps." in text_of(replied_mail)
    track_link, feedback_link, unsubscribe_link = links_in(resolved_mail)
    assert track_link == f"https://fire-alarm.test/track/{code}?lang=en"
    assert urlsplit(feedback_link).path == f"/track/{code}/feedback"

    # "Not fixed", straight from the mail: the link stands in for the secret.
    page = client.get(local(feedback_link))
    assert page.status_code == 200
    [token] = parse_qs(urlsplit(feedback_link).query)["token"]
    answered = client.post(
        f"/track/{code}/feedback",
        data={
            "token": token,
            "fixed": "no",
            "satisfaction": "unsatisfied",
            "comment": "Two lamps are still dark.",
        },
    )
    assert answered.status_code == 303
    view = client.get(f"/api/v1/complaints/{code}", headers=english).get_json()
    assert view["status"] == "reopened"
    assert view["bureau"]["code"] == "XD-A1:housing_urban"
    assert view["reply_due_at"] is not None
    assert [item["kind"] for item in view["timeline"][-2:]] == ["feedback_given", "feedback_reopened"]
    reopened_mail = mailbox.to(EMAIL)[-1]
    assert reopened_mail["Subject"] == (
        f"[Fire Alarm] {code}: Reopened after the follow-up visit: the bureau owes a new answer"
    )
    assert "Status: Reopened" in text_of(reopened_mail)
    assert (
        client.get("/api/v1/bureau/complaints", headers=officer).get_json()["complaints"][0]["tracking_code"]
        == code
    )

    # Unsubscribing works: the next answer of the bureau is mailed to nobody.
    assert client.post(local(unsubscribe_link), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    again = client.post(
        f"/api/v1/complaints/{code}/replies", headers=officer, json={"text": "Replaced again."}
    )
    assert again.status_code == 201
    assert len(mailbox.to(EMAIL)) == 4
    # The anonymous twin went through the same steps and no mail went anywhere else.
    assert {message["To"] for message in mailbox.messages} == {EMAIL}
    assert all(twin not in message["Subject"] for message in mailbox.messages)
