"""The escalation API: roles and bodies are enforced; the liaison of one body never reads another's case."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from tests.factories import bearer, file_via_api


def open_case(client: FlaskClient, triage: dict[str, str], **body: str) -> dict:
    code = file_via_api(
        client, misconduct={"accused_name": "李某", "accused_unit": "某村村委会", "party_member": "yes"}
    )["tracking_code"]
    response = client.post(
        f"/api/v1/complaints/{code}/escalations",
        json={"track": "discipline", "reason": "党员干部涉嫌挪用补助款", **body},
        headers=triage,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_triage_opens_a_case_and_only_that_body_sees_it(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        mine = bearer("li", Role.LIAISON, body="XD-A1:discipline")
        other = bearer("li2", Role.LIAISON, body="XD-B1:discipline")
        admin = bearer("adm", Role.ADMIN)
    case = open_case(client, triage)
    assert case["body"]["code"] == "XD-A1:discipline"
    assert [c["id"] for c in client.get("/api/v1/escalations", headers=mine).get_json()["escalations"]] == [
        case["id"]
    ]
    assert client.get("/api/v1/escalations", headers=other).get_json()["escalations"] == []
    assert client.get(f"/api/v1/escalations/{case['id']}", headers=other).status_code == 404
    acted = client.post(
        f"/api/v1/escalations/{case['id']}/actions", json={"action": "acknowledge"}, headers=other
    )
    assert acted.status_code == 404
    # An admin may read every case but not answer for a body.
    assert client.get(f"/api/v1/escalations/{case['id']}", headers=admin).status_code == 200
    refused = client.post(
        f"/api/v1/escalations/{case['id']}/actions", json={"action": "acknowledge"}, headers=admin
    )
    assert refused.status_code == 403
    ok = client.post(
        f"/api/v1/escalations/{case['id']}/actions", json={"action": "acknowledge"}, headers=mine
    )
    assert ok.status_code == 201
    assert ok.get_json()["state"] == "acknowledged"


def test_roles_are_enforced(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        bureau = bearer("bu", Role.BUREAU, bureau="XD-A1:environment")
        liaison = bearer("li", Role.LIAISON, body="XD-A1:discipline")
    code = file_via_api(client)["tracking_code"]
    escalate = {"track": "supervision", "reason": "窗口人员索要好处费"}
    assert (
        client.post(f"/api/v1/complaints/{code}/escalations", json=escalate, headers=liaison).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/complaints/{code}/escalations", json=escalate, headers=bureau).status_code
        == 403
    )
    assert client.get("/api/v1/escalations", headers=triage).status_code == 403
    assert client.get("/api/v1/escalations", headers=bureau).status_code == 403


def test_action_validation(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        liaison = bearer("li", Role.LIAISON, body="XD-A1:discipline")
    case_id = open_case(client, triage)["id"]
    url = f"/api/v1/escalations/{case_id}/actions"
    assert client.post(url, json={"action": "fly"}, headers=liaison).status_code == 422
    no_outcome = client.post(url, json={"action": "act"}, headers=liaison)
    assert no_outcome.status_code == 422
    assert "outcome" in no_outcome.get_json()["error"]["fields"]
    no_reason = client.post(url, json={"action": "decline"}, headers=liaison)
    assert "text" in no_reason.get_json()["error"]["fields"]
    assert (
        client.post(url, json={"action": "acknowledge", "outcome": "admonition"}, headers=liaison).status_code
        == 422
    )
    declined = client.post(url, json={"action": "decline", "reason": "线索不实"}, headers=liaison)
    assert declined.status_code == 201
    assert declined.get_json()["answer"] == "线索不实"
    again = client.post(url, json={"action": "acknowledge"}, headers=liaison)
    assert again.status_code == 409
    assert client.get("/api/v1/escalations?state=bogus", headers=liaison).status_code == 422


def test_opening_needs_a_known_track_and_division(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    code = file_via_api(client)["tracking_code"]
    url = f"/api/v1/complaints/{code}/escalations"
    assert client.post(url, json={"track": "police", "reason": "x1"}, headers=triage).status_code == 422
    assert client.post(url, json={"track": "discipline"}, headers=triage).status_code == 422
    bad_division = client.post(
        url, json={"track": "discipline", "reason": "理由", "division": "XD-Q"}, headers=triage
    )
    assert bad_division.status_code == 422
    assert (
        client.post("/api/v1/complaints/FA-0000-0000-0000/escalations", json={}, headers=triage).status_code
        == 404
    )


def test_public_page_shows_the_case(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    code = file_via_api(client)["tracking_code"]
    client.post(
        f"/api/v1/complaints/{code}/escalations",
        json={"track": "supervision", "reason": "理由"},
        headers=triage,
    )
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert [(c["body"]["code"], c["state"], c["level"]) for c in view["escalations"]] == [
        ("XD-A1:supervision", "open", "county")
    ]
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "A1区监察局" in page


def test_case_ids_beyond_the_column_are_simply_not_found(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        liaison = bearer("li", Role.LIAISON, body="XD-A1:discipline")
    assert client.get("/api/v1/escalations/100000000000000000000", headers=liaison).status_code == 404
    huge = client.post(
        "/api/v1/escalations/9223372036854775808/actions", json={"action": "acknowledge"}, headers=liaison
    )
    assert huge.status_code == 404


def test_every_referral_takes_one_path_and_refuses_alike(app: Flask, client: FlaskClient) -> None:
    """The desk's confirmation and a case opened directly leave the same record, and fail the same way."""
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    opened = open_case(client, triage)
    direct = client.get(f"/api/v1/complaints/{opened['complaint']['tracking_code']}").get_json()
    reviewed_code = file_via_api(
        client, misconduct={"accused_name": "李某", "accused_unit": "某村村委会", "party_member": "yes"}
    )["tracking_code"]
    review = client.post(
        f"/api/v1/complaints/{reviewed_code}/misconduct-review",
        json={"decision": "confirm", "reason": "党员干部涉嫌挪用补助款"},
        headers=triage,
    )
    assert review.status_code == 201
    reviewed = client.get(f"/api/v1/complaints/{reviewed_code}").get_json()
    for view in (direct, reviewed):
        kinds = [entry["kind"] for entry in view["timeline"]]
        assert kinds[-2:] == ["misconduct_confirmed", "case_opened"]
        assert [case["body"]["code"] for case in view["escalations"]] == ["XD-A1:discipline"]

    # The direct path settled the pending flag: the desk cannot confirm it a second time.
    again = client.post(
        f"/api/v1/complaints/{opened['complaint']['tracking_code']}/misconduct-review",
        json={"decision": "confirm", "reason": "再次确认"},
        headers=triage,
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_reviewed"

    for path, body in (
        ("escalations", {"track": "discipline"}),
        ("misconduct-review", {"decision": "confirm"}),
    ):
        code = file_via_api(client, misconduct={"accused_unit": "某局", "party_member": "no"})[
            "tracking_code"
        ]
        refused = client.post(
            f"/api/v1/complaints/{code}/{path}",
            json={**body, "reason": "单位代码有误", "accused_unit_code": "XD-A1:nothing"},
            headers=triage,
        )
        assert refused.status_code == 422, path
        assert refused.get_json()["error"]["fields"] == {"accused_unit_code": ["未知的行政区划或单位代码。"]}
        kinds = [entry["kind"] for entry in client.get(f"/api/v1/complaints/{code}").get_json()["timeline"]]
        assert "misconduct_confirmed" not in kinds  # refused: nothing of the referral is kept


def test_an_allegation_alone_reads_as_its_case_once_the_body_acted(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        liaison = bearer("li", Role.LIAISON, body="XD-A1:supervision")
    code = file_via_api(client, misconduct={"accused_name": "王科长", "accused_unit": "某街道办"})[
        "tracking_code"
    ]
    case = client.post(
        f"/api/v1/complaints/{code}/escalations",
        json={"track": "supervision", "reason": "理由"},
        headers=triage,
    ).get_json()
    acted = client.post(
        f"/api/v1/escalations/{case['id']}/actions",
        json={"action": "act", "outcome": "admonition", "text": "已对当事人进行诫勉谈话"},
        headers=liaison,
    )
    assert acted.status_code == 201, acted.get_json()
    english = client.get(f"/api/v1/complaints/{code}", headers={"Accept-Language": "en"}).get_json()
    assert english["status"] == "triage"  # no bureau holds it; the label says who does
    assert english["status_label"] == "Awaiting triage · District A1 Bureau of Supervision: Acted"
    assert "A1区监察局：已处理" in client.get(f"/track/{code}").get_data(as_text=True)
