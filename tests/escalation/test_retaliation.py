"""The retaliation check-in: after a misconduct case closes, the sweep asks the reporter (30 and 90 days by
default); "yes" opens a supervision case one level above the accused unit's division, on the public record and
counted on accountability."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.domain import Role
from tests.factories import bearer
from tests.mailbox import Mailbox

EMAIL = "reporter@example.org"


@pytest.fixture
def config_overrides(mailbox: Mailbox) -> dict[str, Any]:
    return mailbox.config()


def closed_misconduct_case(app: Flask, client: FlaskClient) -> tuple[str, str, datetime]:
    filed = client.post(
        "/api/v1/complaints",
        json={
            "title": "村主任侵占征地补偿款",
            "body": "A1区东岭村村主任把三户村民的征地补偿款扣下不发，村民去问就被威胁。",
            "division": "XD-A1",
            "contact": {"email": EMAIL},
            "notify": True,
            "misconduct": {"accused_name": "赵某", "accused_unit": "东岭村村委会", "party_member": "no"},
        },
        headers={"Accept-Language": "en"},
    ).get_json()
    code = filed["tracking_code"]
    with app.app_context():
        triage = bearer("triage", Role.TRIAGE)
        county = bearer("a1-supervision", Role.LIAISON, body="XD-A1:supervision")
    confirmed = client.post(
        f"/api/v1/complaints/{code}/misconduct-review",
        headers=triage,
        json={"decision": "confirm", "reason": "村干部涉嫌侵占补偿款"},
    )
    assert confirmed.status_code == 201
    [case] = client.get("/api/v1/escalations", headers=county).get_json()["escalations"]
    assert case["body"]["code"] == "XD-A1:supervision"
    acted = client.post(
        f"/api/v1/escalations/{case['id']}/actions",
        headers=county,
        json={"action": "act", "outcome": "admonition", "text": "已诫勉谈话，补偿款已发放。"},
    )
    assert acted.status_code == 201
    closed_at = datetime.fromisoformat(acted.get_json()["closed_at"])
    return code, filed["follow_up_secret"], closed_at


def sweep(runner: FlaskCliRunner, at: datetime) -> str:
    result = runner.invoke(args=["escalation", "sweep", "--now", at.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def check_in(client: FlaskClient, code: str, **body: Any) -> Any:
    return client.post(f"/api/v1/complaints/{code}/retaliation", json=body, headers={"Accept-Language": "en"})


def test_yes_after_the_clock_moves_opens_a_case_one_level_up(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, mailbox: Mailbox
) -> None:
    code, secret, closed_at = closed_misconduct_case(app, client)
    assert "retaliation check-ins asked: 0" in sweep(runner, closed_at + timedelta(days=29))
    early = check_in(client, code, secret=secret, retaliation="yes")
    assert early.status_code == 409
    assert early.get_json()["error"]["message"] == (
        "No question about retaliation is waiting for an answer on this complaint."
    )

    assert "retaliation check-ins asked: 1" in sweep(runner, closed_at + timedelta(days=31))
    asked = mailbox.to(EMAIL)[-1]
    assert asked["Subject"] == (
        f"[Fire Alarm] {code}: Check-in: has the person who reported the misconduct faced retaliation since the "
        "case closed?"
    )
    page = client.get(f"/track/{code}?lang=en").get_data(as_text=True)
    assert f'href="/track/{code}/retaliation"' in page

    assert check_in(client, code, secret="wrong", retaliation="yes").status_code == 403
    unknown = check_in(client, code, secret=secret, retaliation="maybe")
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["fields"] == {"retaliation": ["Choose yes or no."]}
    reported = check_in(client, code, secret=secret, retaliation="yes", description="村主任停了我家的低保。")
    assert reported.status_code == 201, reported.get_json()
    case = reported.get_json()["case"]
    assert (case["body"]["code"], case["kind"], case["level"], case["state"]) == (
        "XD-A:supervision",
        "retaliation",
        "city",
        "open",
    )
    assert check_in(client, code, secret=secret, retaliation="yes").status_code == 409  # answered once

    public = client.get(f"/api/v1/complaints/{code}").get_json()
    assert [c["kind"] for c in public["escalations"]] == ["misconduct", "retaliation"]
    kinds = [item["kind"] for item in public["timeline"]]
    assert kinds[-3:] == ["retaliation_check_in", "retaliation_reported", "case_opened"]
    assert public["timeline"][-2]["detail"] == "村主任停了我家的低保。"
    figures = client.get("/api/v1/accountability?division=XD-A").get_json()["oversight_bodies"]
    city = next(row for row in figures if row["code"] == "XD-A:supervision")
    assert (city["received"], city["retaliation"]) == (1, 1)
    board = client.get("/accountability?division=XD-A&lang=en").get_data(as_text=True)
    assert "Retaliation reported" in board

    # The second check-in, at 90 days: "no" is recorded and opens nothing.
    # (The same sweep escalates the retaliation case nobody acknowledged, as any other.)
    assert "retaliation check-ins asked: 1" in sweep(runner, closed_at + timedelta(days=91))
    before = client.get(f"/api/v1/complaints/{code}").get_json()["escalations"]
    denied = check_in(client, code, secret=secret, retaliation="no")
    assert denied.status_code == 201
    assert denied.get_json()["case"] is None
    after = client.get(f"/api/v1/complaints/{code}").get_json()
    assert after["timeline"][-1]["kind"] == "retaliation_denied"
    assert after["escalations"] == before


def test_the_page_answers_with_the_secret(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> None:
    code, secret, closed_at = closed_misconduct_case(app, client)
    sweep(runner, closed_at + timedelta(days=31))
    wrong = client.post(f"/track/{code}/retaliation?lang=en", data={"secret": "x", "retaliation": "yes"})
    assert wrong.status_code == 403
    assert "The follow-up secret does not match" in wrong.get_data(as_text=True)
    sent = client.post(f"/track/{code}/retaliation", data={"secret": secret, "retaliation": "yes"})
    assert sent.status_code == 303
    [_misconduct, retaliation] = client.get(f"/api/v1/complaints/{code}").get_json()["escalations"]
    assert retaliation["body"]["code"] == "XD-A:supervision"
