"""POST /api/v1/complaints and GET /api/v1/complaints/<code>."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.complaints.codes import TRACKING_BITS
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus, Event, PartyMembership
from portal.privacy.sealing import Contact
from tests.factories import complaint_payload, file_via_api, stored_contact


def complaint_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Complaint.id))) or 0


def stored(app: Flask, code: str) -> Complaint:
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
        db.session.expunge(complaint)
        return complaint


def stored_phone(app: Flask, code: str) -> str | None:
    contact = stored_contact(app, code)
    return contact.phone if contact else None


def test_filing_returns_a_receipt_and_stores_the_complaint(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/complaints",
        json=complaint_payload(
            contact={"name": "王女士", "phone": "13912345678", "email": "wang@example.com"}
        ),
    )
    assert response.status_code == 201
    receipt = response.get_json()
    assert receipt["tracking_code"].startswith("FA-")
    assert receipt["status"] == "received"
    assert response.headers["Location"].endswith(f"/api/v1/complaints/{receipt['tracking_code']}")
    complaint = stored(app, receipt["tracking_code"])
    assert complaint.title == "人民路路灯坏了三个月"
    assert stored_contact(app, complaint.tracking_code) == Contact(
        "王女士", "13912345678", "wang@example.com"
    )
    # Only a keyed hash of the secret is stored.
    assert receipt["follow_up_secret"] not in complaint.secret_hash
    assert complaint.secret_hash.startswith("hmac-sha256$")


def test_tracking_codes_carry_at_least_60_random_bits(client: FlaskClient) -> None:
    assert TRACKING_BITS >= 60
    codes = {file_via_api(client)["tracking_code"] for _ in range(5)}
    assert len(codes) == 5


def test_inline_job_moves_the_complaint_to_the_triage_queue(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["status"] == ComplaintStatus.TRIAGE.value
    assert [item["kind"] for item in view["timeline"]] == ["received", "queued_for_triage"]


def test_anonymous_filing_stores_no_contact_data(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(client, anonymous=True, contact={"name": "王女士", "phone": "13912345678"})
    assert receipt["anonymous"] is True
    complaint = stored(app, receipt["tracking_code"])
    assert complaint.has_contact is False
    assert stored_contact(app, complaint.tracking_code) is None


def test_misconduct_allegation_is_stored(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(
        client,
        misconduct={"accused_name": "李某", "accused_unit": "A1区城管执法大队", "party_member": "yes"},
    )
    complaint = stored(app, receipt["tracking_code"])
    assert complaint.misconduct_alleged
    assert complaint.accused_unit == "A1区城管执法大队"
    assert complaint.accused_party_member is PartyMembership.YES


def test_markup_is_removed_and_text_is_stored_plain(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(
        client, title="<b>路灯</b> & 井盖", body="<script>alert(1)</script>路灯已经坏了很久 & 没人管"
    )
    complaint = stored(app, receipt["tracking_code"])
    assert complaint.title == "路灯 & 井盖"
    assert complaint.body == "alert(1)路灯已经坏了很久 & 没人管"


BAD_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"title": "短"}, "title"),
    ({"title": "长" * 101}, "title"),
    ({"title": None}, "title"),
    ({"title": ["一个", "列表"]}, "title"),
    ({"body": "太短了"}, "body"),
    ({"body": "长" * 5001}, "body"),
    ({"body": 12345}, "body"),
    ({"division": "XD-Z9"}, "division"),
    ({"division": ""}, "division"),
    ({"address": "地" * 201}, "address"),
    ({"lat": 91, "lon": 112.9}, "lat"),
    ({"lat": 28.2, "lon": -181}, "lon"),
    ({"lat": "north", "lon": 112.9}, "lat"),
    ({"lat": 28.2}, "lon"),
    ({"anonymous": "yes"}, "anonymous"),
    ({"contact": {"phone": "12345"}}, "contact.phone"),
    ({"contact": {"email": "not-an-address"}}, "contact.email"),
    ({"contact": "13912345678"}, "contact"),
    ({"misconduct": {"party_member": "maybe", "accused_unit": "A1区"}}, "misconduct.party_member"),
    ({"misconduct": {"party_member": "yes"}}, "misconduct.accused_unit"),
    ({"misconduct": ["李某"]}, "misconduct"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_FIELDS)
def test_each_bad_field_gets_a_422_naming_it_and_nothing_is_stored(
    app: Flask, client: FlaskClient, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/complaints", json=complaint_payload(**overrides))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error
    assert all(message for message in error["fields"][field])
    assert complaint_count(app) == 0


def test_all_problems_are_reported_at_once(client: FlaskClient) -> None:
    response = client.post("/api/v1/complaints", json={"title": 5, "body": "短", "division": "nowhere"})
    assert set(response.get_json()["error"]["fields"]) == {"title", "body", "division"}


def test_messages_are_chinese_by_default_and_english_on_request(client: FlaskClient) -> None:
    chinese = client.post("/api/v1/complaints", json=complaint_payload(title="短"))
    assert chinese.get_json()["error"]["fields"]["title"] == ["长度须在 4 到 100 个字符之间。"]
    english = client.post(
        "/api/v1/complaints", json=complaint_payload(title="短"), headers={"Accept-Language": "en"}
    )
    assert english.get_json()["error"]["fields"]["title"] == ["Between 4 and 100 characters."]


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("title=路灯", "application/x-www-form-urlencoded", 415),
        ("[1, 2]", "application/json", 422),
        ('"a string"', "application/json", 422),
    ],
)
def test_malformed_bodies_get_a_clear_4xx(
    app: Flask, client: FlaskClient, data: str, content_type: str, status: int
) -> None:
    response = client.post("/api/v1/complaints", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]
    assert complaint_count(app) == 0


def test_public_view_never_contains_contact_data(client: FlaskClient) -> None:
    code = file_via_api(
        client, contact={"name": "王秀英", "phone": "13912345678", "email": "wang@example.com"}
    )["tracking_code"]
    response = client.get(f"/api/v1/complaints/{code}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for private in ("王秀英", "13912345678", "wang@example.com"):
        assert private not in text
    view = response.get_json()
    assert view["division"] == {"code": "XD-A1", "name": "A1区"}
    assert view["category"] is None
    assert view["bureau"] is None


def test_lookup_forgives_case_confusable_letters_and_missing_dashes(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    sloppy = code.replace("-", "").lower().replace("0", "o").replace("1", "l")
    response = client.get(f"/api/v1/complaints/{sloppy}")
    assert response.status_code == 200
    assert response.get_json()["tracking_code"] == code


@pytest.mark.parametrize("code", ["FA-0000-0000-0000", "nonsense", "FA-" + "A" * 40])
def test_unknown_code_is_a_helpful_404(client: FlaskClient, code: str) -> None:
    response = client.get(f"/api/v1/complaints/{code}")
    assert response.status_code == 404
    assert "追踪码" in response.get_json()["error"]["message"]


def test_received_event_records_a_digest_of_the_text(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.kind == "received")).one()
        assert event.complaint.tracking_code == code
        assert len(event.payload["content_sha256"]) == 64
        assert "contact" not in str(event.payload)


def test_an_explicit_no_withdraws_the_allegation(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(client, misconduct={"alleged": False, "accused_unit": "某单位"})
    assert stored(app, receipt["tracking_code"]).misconduct_alleged is False
    refused = client.post("/api/v1/complaints", json=complaint_payload(misconduct={"alleged": "no"}))
    assert refused.status_code == 422
    assert "misconduct.alleged" in refused.get_json()["error"]["fields"]


def test_phone_numbers_are_stored_compact(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(client, contact={"phone": "139 1234 5678"})
    assert stored_phone(app, receipt["tracking_code"]) == "13912345678"
    spaced = "+ 8 6 - 0 1 0 - 8 8 8 8 8 8 8 8 - 1 2 3 4 5 6"
    # Valid once the spaces are gone, and stored that way, within the 40 characters the form allows.
    receipt = file_via_api(client, contact={"phone": spaced})
    assert stored_phone(app, receipt["tracking_code"]) == "+86-010-88888888-123456"


def test_addresses_are_redacted_too(client: FlaskClient) -> None:
    code = file_via_api(client, address="人民路5号，电话13912345678")["tracking_code"]
    assert "13912345678" not in client.get(f"/api/v1/complaints/{code}").get_json()["address"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://elsewhere.example"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_form_on_another_site_cannot_file_through_the_visitors_browser(
    app: Flask, client: FlaskClient, headers: dict[str, str]
) -> None:
    data = {"complaint": json.dumps(complaint_payload())}
    refused = client.post(
        "/api/v1/complaints", data=data, content_type="multipart/form-data", headers=headers
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "cross_site"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 0
    # Apps, scripts and partner servers send no Origin; our own origin is ours.
    for same in ({}, {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}):
        assert (
            client.post(
                "/api/v1/complaints", data=data, content_type="multipart/form-data", headers=same
            ).status_code
            == 201
        )


def test_a_retry_with_the_same_idempotency_key_gets_the_same_answer_and_files_nothing(
    app: Flask, client: FlaskClient
) -> None:
    headers = {"Idempotency-Key": "9b2f6a1e-4c1d-4f2a-9a77-1f0c2b3d4e5f"}
    first = client.post("/api/v1/complaints", json=complaint_payload(), headers=headers)
    again = client.post("/api/v1/complaints", json=complaint_payload(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        assert db.session.scalar(select(func.count(Complaint.id))) == 1
    other = client.post(
        "/api/v1/complaints", json=complaint_payload(), headers={"Idempotency-Key": "another-key-1"}
    )
    assert other.get_json()["tracking_code"] != first.get_json()["tracking_code"]


def test_an_idempotency_key_reused_for_another_complaint_is_refused(app: Flask, client: FlaskClient) -> None:
    headers = {"Idempotency-Key": "one-key-per-complaint"}
    assert client.post("/api/v1/complaints", json=complaint_payload(), headers=headers).status_code == 201
    changed = client.post(
        "/api/v1/complaints", json=complaint_payload(title="另一件事情的标题"), headers=headers
    )
    assert changed.status_code == 422
    assert changed.get_json()["error"]["code"] == "idempotency_key_reused"
    with app.app_context():
        assert db.session.scalar(select(func.count(Complaint.id))) == 1


def test_a_malformed_idempotency_key_is_a_clear_400(client: FlaskClient) -> None:
    short = client.post("/api/v1/complaints", json=complaint_payload(), headers={"Idempotency-Key": "abc"})
    assert short.status_code == 400
    assert "Idempotency-Key" in short.get_json()["error"]["message"]


def test_a_retry_that_overlaps_the_first_request_files_nothing_twice(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.complaints import receipt_copies

    headers = {"Idempotency-Key": "overlapping-retry-1"}
    first = client.post("/api/v1/complaints", json=complaint_payload(), headers=headers).get_json()
    # The retry looked before the first one committed: it saw no copy and filed on.
    real = receipt_copies.earlier_answer
    looks = iter([None])
    monkeypatch.setattr(receipt_copies, "earlier_answer", lambda *args: next(looks, None) or real(*args))
    retry = client.post("/api/v1/complaints", json=complaint_payload(), headers=headers)
    assert retry.status_code == 201
    assert retry.get_json()["tracking_code"] == first["tracking_code"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Complaint.id))) == 1


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_INTAKE": "2 per minute"}]
)
def test_replays_are_not_new_filings_for_the_rate_limit(client: FlaskClient) -> None:
    headers = {"Idempotency-Key": "replayed-many-times"}
    for _ in range(4):
        assert client.post("/api/v1/complaints", json=complaint_payload(), headers=headers).status_code == 201
    assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 201
