"""The citizen's form at /, the one-time receipt, and the status page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Complaint
from tests.factories import VALID_COMPLAINT, file_via_api

FORM = {**VALID_COMPLAINT}


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Complaint.id))) or 0


def test_form_is_in_chinese_by_default(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "我要投诉" in page
    assert '<html lang="zh-Hans">' in page
    assert "A市 · A1区" in page


def test_english_switch_is_remembered(client: FlaskClient) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "File a complaint" in page
    assert "District A1" in page
    # The cookie set by the switch keeps English on the next page.
    assert "Track a complaint" in client.get("/track").get_data(as_text=True)


def _receipt_of(client: FlaskClient, data: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """File through the form; the receipt page's path, the tracking code and the secret."""
    filed = client.post("/", data=data or FORM)
    assert filed.status_code == 303
    location = filed.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    code = re.search(r"FA-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page)
    secret = re.search(r'id="follow-up-secret">(.+?)</code>', page)
    assert code is not None
    assert secret is not None
    return location, code.group(0), re.sub(r"<[^>]+>", "", secret.group(1))


def test_filing_through_the_form_redirects_to_a_private_receipt(app: Flask, client: FlaskClient) -> None:
    filed = client.post("/", data=FORM)
    assert filed.status_code == 303
    cookie = filed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert f"Path={filed.headers['Location']}" in cookie
    # The same text again is first shown the complaint just filed as a suggestion: this citizen files anyway.
    location, code, secret = _receipt_of(client, {**FORM, "similar_seen": "1"})
    receipt = client.get(location)
    assert receipt.status_code == 200
    assert receipt.headers["Cache-Control"] == "no-store"
    # The secret is in the page only: not in a cookie, and the database holds it only sealed.
    assert secret not in cookie
    with app.app_context():
        from portal.complaints.models import ReceiptCopy

        assert all(secret.encode() not in copy.sealed for copy in db.session.scalars(select(ReceiptCopy)))
    assert count(app) == 2
    track = client.get(f"/track/{code}").get_data(as_text=True)
    assert FORM["title"] in track


def test_reloading_the_receipt_files_nothing_and_shows_the_same_secret(
    app: Flask, client: FlaskClient
) -> None:
    location, code, secret = _receipt_of(client)
    again = client.get(location).get_data(as_text=True)
    assert code in again
    assert secret.replace("-", "") in re.sub(r"<[^>]+>|-", "", again)
    english = client.get(f"{location}?lang=en").get_data(as_text=True)
    assert "Your complaint was received" in english
    assert code in english
    assert count(app) == 1


def test_another_browser_or_a_late_visit_does_not_see_the_receipt(app: Flask, client: FlaskClient) -> None:
    location, _code, secret = _receipt_of(client)
    stranger = app.test_client()
    gone = stranger.get(location)
    assert gone.status_code == 410
    assert secret not in gone.get_data(as_text=True)
    with app.app_context():
        from portal.complaints import receipt_copies
        from portal.complaints.models import ReceiptCopy
        from portal.models.types import utcnow

        copy = db.session.scalars(select(ReceiptCopy)).one()
        copy.expires_at = utcnow()
        db.session.commit()
        assert client.get(location).status_code == 410
        receipt_copies.forget_expired()
        db.session.commit()
        assert db.session.scalars(select(ReceiptCopy)).all() == []


def test_the_receipt_downloads_as_one_file_the_verifier_reads(app: Flask, client: FlaskClient) -> None:
    from portal.record.proofs import Receipt

    location, code, secret = _receipt_of(client)
    download = client.get(f"{location}/receipt.json")
    assert download.status_code == 200
    assert f'filename="receipt-{code}.json"' in download.headers["Content-Disposition"]
    document = download.get_json()
    assert document["tracking_code"] == code
    assert document["content_salt"]
    assert secret not in download.get_data(as_text=True)
    Receipt.from_json(document)  # the stand-alone verifier's own reader takes it as it is


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "短"}, "长度须在 4 到 100 个字符之间。"),
        ({"body": ""}, "此项为必填。"),
        ({"division": "XD-Q"}, "未知的区县。"),
        ({"contact-phone": "call me"}, "请填写大陆手机号码，或带区号的固定电话。"),
        ({"misconduct-alleged": "y"}, "请说明被举报人：所在单位、姓名或职务，至少填写一项。"),
        ({"misconduct-accused_name": "王科长", "misconduct-accused_unit": "A1区住建局"}, "您填写了被举报人"),
        ({"lat": "二十八"}, "请填写数字。"),
    ],
)
def test_bad_input_redisplays_the_form_with_a_message(
    app: Flask, client: FlaskClient, overrides: dict[str, Any], message: str
) -> None:
    response = client.post("/", data={**FORM, **overrides})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    # What the citizen typed is kept.
    assert FORM["body"] in page or overrides.get("body") == ""
    assert count(app) == 0


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_form_requires_a_csrf_token(app: Flask, client: FlaskClient) -> None:
    response = client.post("/", data=FORM)
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert count(app) == 0


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_api_is_exempt_from_csrf(client: FlaskClient) -> None:
    file_via_api(client)


def test_track_lookup_redirects_to_the_canonical_code(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    response = client.get(f"/track?code={code.lower().replace('-', ' ')}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/track/{code}")


def test_unknown_code_page_is_a_helpful_404(client: FlaskClient) -> None:
    response = client.get("/track/FA-0000-0000-0000")
    assert response.status_code == 404
    assert "没有追踪码为 FA-0000-0000-0000 的投诉" in response.get_data(as_text=True)


def test_follow_up_with_the_secret_is_added_to_the_record(client: FlaskClient) -> None:
    receipt = file_via_api(client)
    code, secret = receipt["tracking_code"], receipt["follow_up_secret"]
    wrong = client.post(f"/track/{code}", data={"secret": "AAAA-BBBB", "text": "补充：路灯还是不亮。"})
    assert wrong.status_code == 403
    assert "补充密钥与本投诉不符。" in wrong.get_data(as_text=True)
    right = client.post(f"/track/{code}", data={"secret": secret.lower(), "text": "补充：路灯还是不亮。"})
    assert right.status_code == 303
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "群众补充了信息" in page


def test_contesting_needs_a_reply_or_resolution_first(client: FlaskClient) -> None:
    receipt = file_via_api(client)
    response = client.post(
        f"/api/v1/complaints/{receipt['tracking_code']}/updates",
        json={"secret": receipt["follow_up_secret"], "text": "没有解决", "contest": True},
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_contestable"


def test_api_follow_up_validates_and_checks_the_secret(client: FlaskClient) -> None:
    receipt = file_via_api(client)
    url = f"/api/v1/complaints/{receipt['tracking_code']}/updates"
    assert client.post(url, json={"secret": receipt["follow_up_secret"]}).status_code == 422
    assert client.post(url, json={"secret": 5, "text": "补充信息"}).status_code == 422
    assert client.post(url, json={"secret": "WRONG", "text": "补充信息"}).status_code == 403
    ok = client.post(url, json={"secret": receipt["follow_up_secret"], "text": "补充信息"})
    assert ok.status_code == 201
    assert ok.get_json() == {"kind": "citizen_update", "status": "triage"}
