"""The citizen, with the follow-up secret, sees how often, when and by which role their contact details were shown."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from tests.factories import bearer, file_via_api

CONTACT = {"name": "王秀英", "phone": "13912345678"}
WRONG_SECRET_ZH = "补充密钥与本投诉不符。"


def revealed_twice(app: Flask, client: FlaskClient) -> tuple[str, str]:
    receipt = file_via_api(client, contact=CONTACT)
    code = receipt["tracking_code"]
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        admin = bearer("adm", Role.ADMIN)
    for headers in (triage, admin):
        response = client.post(
            f"/api/v1/complaints/{code}/contact", json={"reason": "核实情况"}, headers=headers
        )
        assert response.status_code == 200
    return code, receipt["follow_up_secret"]


def test_the_api_tells_the_secret_holder_when_and_by_which_role(app: Flask, client: FlaskClient) -> None:
    code, secret = revealed_twice(app, client)
    response = client.post(f"/api/v1/complaints/{code}/contact-reveals", json={"secret": secret})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["contact_stored"] is True
    assert [seen["role"] for seen in body["reveals"]] == ["triage", "admin"]
    assert all(set(seen) == {"at", "role"} for seen in body["reveals"])  # never who, never why
    assert body["reveals"][0]["at"] <= body["reveals"][1]["at"]
    assert "tri" not in str(body).replace("triage", "")
    assert "核实情况" not in str(body)


def test_a_wrong_or_missing_secret_shows_nothing(app: Flask, client: FlaskClient) -> None:
    code, _secret = revealed_twice(app, client)
    wrong = client.post(f"/api/v1/complaints/{code}/contact-reveals", json={"secret": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 403
    assert wrong.get_json()["error"]["code"] == "wrong_secret"
    assert "reveals" not in wrong.get_json()
    missing = client.post(f"/api/v1/complaints/{code}/contact-reveals", json={})
    assert missing.status_code == 422
    assert list(missing.get_json()["error"]["fields"]) == ["secret"]
    unknown = client.post("/api/v1/complaints/FA-0000-0000-0000/contact-reveals", json={"secret": "x"})
    assert unknown.status_code == 404


def test_nothing_revealed_yet_and_anonymous_complaints(client: FlaskClient) -> None:
    receipt = file_via_api(client, contact=CONTACT)
    body = client.post(
        f"/api/v1/complaints/{receipt['tracking_code']}/contact-reveals",
        json={"secret": receipt["follow_up_secret"]},
    ).get_json()
    assert body == {"contact_stored": True, "reveals": []}
    anonymous = file_via_api(client, anonymous=True)
    body = client.post(
        f"/api/v1/complaints/{anonymous['tracking_code']}/contact-reveals",
        json={"secret": anonymous["follow_up_secret"]},
    ).get_json()
    assert body == {"contact_stored": False, "reveals": []}


def test_the_status_page_shows_the_count_with_the_right_secret_only(app: Flask, client: FlaskClient) -> None:
    code, secret = revealed_twice(app, client)
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert f"/track/{code}/contact-reveals" in page  # the form sits on the status page
    assert 'class="reveals"' not in page

    url = f"/track/{code}/contact-reveals"
    wrong = client.post(url, data={"reveals-secret": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 403
    text = wrong.get_data(as_text=True)
    assert WRONG_SECRET_ZH in text
    assert 'class="reveals"' not in text

    right = client.post(url, data={"reveals-secret": secret}, headers={"Accept-Language": "en"})
    assert right.status_code == 200
    assert right.headers["Cache-Control"] == "no-store"
    text = right.get_data(as_text=True)
    assert "Your contact details were shown 2 times" in text
    assert text.count("<li><time") == 2
    assert "triage officer" in text
    assert "administrator" in text
    assert "tri<" not in text
    assert "adm<" not in text
    assert "核实情况" not in text  # nor their reasons
    assert code in text  # still the complaint's status page

    chinese = client.post(url, data={"reveals-secret": secret}).get_data(as_text=True)
    assert "共被查看 2 次" in chinese


def test_the_status_page_says_when_nothing_is_stored(client: FlaskClient) -> None:
    receipt = file_via_api(client, anonymous=True)
    page = client.post(
        f"/track/{receipt['tracking_code']}/contact-reveals",
        data={"reveals-secret": receipt["follow_up_secret"]},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "No contact details are stored for this complaint" in page
    empty = client.post(f"/track/{receipt['tracking_code']}/contact-reveals", data={"reveals-secret": ""})
    assert empty.status_code == 422


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_the_status_page_form_carries_a_working_csrf_token(client: FlaskClient) -> None:
    receipt = file_via_api(client, contact=CONTACT)
    code = receipt["tracking_code"]
    page = client.get(f"/track/{code}").get_data(as_text=True)
    found = re.search(r'name="reveals-csrf_token" type="hidden" value="([^"]+)"', page)
    assert found is not None
    data = {"reveals-secret": receipt["follow_up_secret"]}
    assert client.post(f"/track/{code}/contact-reveals", data=data).status_code == 400
    answered = client.post(
        f"/track/{code}/contact-reveals", data={**data, "reveals-csrf_token": found.group(1)}
    )
    assert answered.status_code == 200
