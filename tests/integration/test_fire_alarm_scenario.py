"""The end-to-end scenario the portal exists for, through the public and staff APIs and the CLI only.

File a misconduct complaint against a county official who is a Party member -> triage confirms -> a case at
XD-A1:discipline -> no action -> the sweep after the deadline -> a case at XD-A:discipline -> the liaison acts with
an outcome -> the public page and the accountability figures show it all; and the record still verifies.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.domain import Role
from tests.factories import bearer


def test_misconduct_goes_up_one_level_when_ignored_and_the_public_sees_it(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        triage = bearer("triage", Role.TRIAGE)
        county = bearer("a1-discipline", Role.LIAISON, body="XD-A1:discipline")
        city = bearer("a-discipline", Role.LIAISON, body="XD-A:discipline")

    filed = client.post(
        "/api/v1/complaints",
        json={
            "title": "村支书挪用低保补助款",
            "body": "A1区东岭村村支书王某某把村里三户低保户的补助款转到自己亲戚名下，已经持续两年，村民敢怒不敢言。",
            "division": "XD-A1",
            "misconduct": {"accused_name": "王某某", "accused_unit": "东岭村党支部", "party_member": "yes"},
        },
    )
    assert filed.status_code == 201
    code = filed.get_json()["tracking_code"]

    queue = client.get("/api/v1/triage/queue", headers=triage).get_json()["queue"]
    item = next(entry for entry in queue if entry["complaint"]["tracking_code"] == code)
    assert item["needs_misconduct_review"] is True
    assert item["assessment"]["misconduct"]["track"] == "discipline"

    confirmed = client.post(
        f"/api/v1/complaints/{code}/misconduct-review",
        headers=triage,
        json={"decision": "confirm", "reason": "党员村干部涉嫌侵占低保补助款"},
    )
    assert confirmed.status_code == 201
    [first] = client.get("/api/v1/escalations", headers=county).get_json()["escalations"]
    assert (first["body"]["code"], first["state"], first["level"]) == ("XD-A1:discipline", "open", "county")
    assert client.get("/api/v1/escalations", headers=city).get_json()["escalations"] == []

    # The day after the county body's deadline, whatever today is.
    after_deadline = datetime.fromisoformat(first["due_at"]) + timedelta(days=1)
    swept = runner.invoke(args=["escalation", "sweep", "--now", after_deadline.isoformat()])
    assert swept.exit_code == 0, swept.output
    assert "escalated: 1" in swept.output

    [second] = client.get("/api/v1/escalations", headers=city).get_json()["escalations"]
    assert (second["body"]["code"], second["level"], second["escalated_from"]) == (
        "XD-A:discipline",
        "city",
        first["id"],
    )
    acted = client.post(
        f"/api/v1/escalations/{second['id']}/actions",
        headers=city,
        json={
            "action": "act",
            "outcome": "disciplinary_sanction",
            "text": "给予党内严重警告处分，追回补助款",
        },
    )
    assert acted.status_code == 201

    public = client.get(f"/api/v1/complaints/{code}").get_json()
    states = [(case["body"]["code"], case["state"]) for case in public["escalations"]]
    assert states == [("XD-A1:discipline", "overdue"), ("XD-A:discipline", "acted")]
    assert public["escalations"][1]["outcome"] == "disciplinary_sanction"
    kinds = [entry["kind"] for entry in public["timeline"]]
    assert kinds.index("case_overdue") < kinds.index("case_acted")
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "A市纪律检查委员会" in page
    assert "党纪政务处分" in page

    figures = client.get("/api/v1/accountability?division=XD-A").get_json()["oversight_bodies"]
    by_code = {row["code"]: row for row in figures}
    assert (by_code["XD-A1:discipline"]["received"], by_code["XD-A1:discipline"]["overdue"]) == (1, 1)
    assert (by_code["XD-A:discipline"]["received"], by_code["XD-A:discipline"]["acted"]) == (1, 1)
    board = client.get("/accountability?division=XD-A").get_data(as_text=True)
    assert "A市纪律检查委员会" in board

    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0, verified.output
