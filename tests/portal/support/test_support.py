""" "Me too": POST /api/v1/complaints/<code>/support, the status page's button, the count everywhere it shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.complaints.lookup import find_by_code
from portal.extensions import db
from portal.models import ComplaintStatus
from portal.models.types import utcnow
from portal.support.models import SupportMark
from portal.support.service import forget_expired_marks, supporters_of
from tests.factories import file_via_api
from tests.portal.open311.documents import validate

SOMEONE = {"REMOTE_ADDR": "198.51.100.7"}
SOMEONE_ELSE = {"REMOTE_ADDR": "203.0.113.9"}


def support(client: FlaskClient, code: str, who: dict[str, str] = SOMEONE) -> tuple[int, dict[str, object]]:
    response = client.post(f"/api/v1/complaints/{code}/support", environ_base=who)
    return response.status_code, response.get_json()


def test_each_address_counts_once_a_day_and_the_status_api_shows_the_count(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    assert client.get(f"/api/v1/complaints/{code}").get_json()["supporters"] == 0
    assert support(client, code) == (201, {"tracking_code": code, "supporters": 1, "counted": True})
    assert support(client, code) == (200, {"tracking_code": code, "supporters": 1, "counted": False})
    assert support(client, code, SOMEONE_ELSE)[1]["supporters"] == 2
    assert client.get(f"/api/v1/complaints/{code}").get_json()["supporters"] == 2


def test_no_address_is_stored_and_the_marks_go_after_their_day(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    support(client, code)
    support(client, code, SOMEONE_ELSE)
    with app.app_context():
        digests = db.session.scalars(select(SupportMark.digest)).all()
        assert len(digests) == 2
        assert not any("198.51.100.7" in d or "203.0.113.9" in d for d in digests)
        assert forget_expired_marks() == 0  # today's marks stay: they stop a second count today
        db.session.execute(update(SupportMark).values(expires_at=utcnow() - timedelta(seconds=1)))
        assert forget_expired_marks() == 2
        db.session.commit()
        complaint = find_by_code(code)
        assert complaint is not None
        assert supporters_of(complaint) == 2  # the count outlives the marks


def test_a_resolved_complaint_takes_no_support_and_an_unknown_code_is_404(
    app: Flask, client: FlaskClient
) -> None:
    code = file_via_api(client)["tracking_code"]
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        complaint.status = ComplaintStatus.RESOLVED
        db.session.commit()
    status, body = support(client, code)
    assert status == 409
    assert body["error"]["code"] == "complaint_resolved"
    assert support(client, "FA-0000-0000-0000")[0] == 404


def test_the_status_page_button_works_without_javascript(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert f'action="/track/{code}/support"' in page
    answer = client.post(f"/track/{code}/support", environ_base=SOMEONE)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/track/{code}")
    page = client.get(f"/track/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 person says: me too." in page
    again = client.post(
        f"/track/{code}/support",
        environ_base=SOMEONE,
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "already counted today" in again.get_data(as_text=True)
    assert support(client, code)[1]["supporters"] == 1  # page and API count one address once


def test_open311_carries_the_count_as_an_extended_attribute(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    support(client, code)
    plain = client.get(f"/open311/v2/requests/{code}.json").get_json()
    assert "extended_attributes" not in plain[0]
    extended = client.get(f"/open311/v2/requests/{code}.json?extensions=true").get_json()
    validate("request.schema.json", extended)
    assert extended[0]["extended_attributes"] == {"supporters": 1}
    xml = client.get(f"/open311/v2/requests/{code}.xml?extensions=true").get_data(as_text=True)
    assert "<extended_attributes>" in xml
    assert "<supporters>1</supporters>" in xml


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_SUPPORT": "3 per minute"}]
)
def test_support_is_rate_limited_across_page_and_api(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    assert client.post(f"/track/{code}/support", environ_base=SOMEONE).status_code == 303
    assert support(client, code)[0] == 200
    assert support(client, code)[0] == 200
    assert support(client, code)[0] == 429
