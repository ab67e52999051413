"""Similar open complaints before filing: the engine, GET /api/v1/complaints/similar and the form's second step."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.complaints.likeness import SAME_PROBLEM_THRESHOLD, document, most_alike
from portal.complaints.lookup import find_by_code
from portal.evidence.models import Photo
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus
from tests.factories import file_via_api
from tests.portal.evidence.test_photos import jpeg_with_gps

STREETLIGHT = {
    "title": "人民路路灯坏了三个月",
    "body": "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。",
}
# Another citizen, other words, the same lights.
STREETLIGHT_AGAIN = {
    "title": "人民路建设路口路灯不亮",
    "body": "人民路和建设路交叉口那几盏路灯好几个月都不亮了，晚上过马路看不清，希望尽快修好路灯。",
}
SCHOOL_FEES = {
    "title": "实验小学乱收补课费",
    "body": "A1区实验小学老师在周末组织学生补课，每人收取补课费八百元，家长不敢拒绝，请教育局查处。",
}


def complaints_filed(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Complaint.id))) or 0


def test_a_paraphrase_is_alike_and_another_problem_is_not() -> None:
    query = document(**STREETLIGHT_AGAIN)
    matches = most_alike(query, [document(**SCHOOL_FEES), document(**STREETLIGHT)])
    assert [match.index for match in matches] == [1]
    assert matches[0].score >= SAME_PROBLEM_THRESHOLD


def test_the_api_suggests_open_complaints_of_the_same_division_only(app: Flask, client: FlaskClient) -> None:
    same = file_via_api(client, **STREETLIGHT)["tracking_code"]
    file_via_api(client, **SCHOOL_FEES)
    elsewhere = file_via_api(client, **STREETLIGHT, division="XD-A2")["tracking_code"]
    resolved = file_via_api(client, **STREETLIGHT)["tracking_code"]
    with app.app_context():
        complaint = find_by_code(resolved)
        assert complaint is not None
        complaint.status = ComplaintStatus.RESOLVED
        db.session.commit()
    answer = client.get("/api/v1/complaints/similar", query_string={"division": "XD-A1", **STREETLIGHT_AGAIN})
    assert answer.status_code == 200
    found = answer.get_json()["similar"]
    assert [item["tracking_code"] for item in found] == [same]
    assert found[0]["status"] == "triage"
    assert found[0]["support_url"].endswith(f"/api/v1/complaints/{same}/support")
    other = client.get("/api/v1/complaints/similar", query_string={"division": "XD-A2", **STREETLIGHT_AGAIN})
    assert [item["tracking_code"] for item in other.get_json()["similar"]] == [elsewhere]
    nothing = client.get(
        "/api/v1/complaints/similar", query_string={"division": "XD-B1", **STREETLIGHT_AGAIN}
    )
    assert nothing.get_json()["similar"] == []


def test_the_api_refuses_an_unknown_division_and_an_empty_text(client: FlaskClient) -> None:
    answer = client.get(
        "/api/v1/complaints/similar",
        query_string={"division": "XX-9", "title": "路"},
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"division", "title"}


def test_the_form_shows_a_near_copy_and_me_too_files_nothing(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **STREETLIGHT)["tracking_code"]
    form = {
        **STREETLIGHT_AGAIN,
        "division": "XD-A1",
        "evidence": (io.BytesIO(jpeg_with_gps()), "lights.jpg"),
    }
    step = client.post("/", data=form, content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert step.status_code == 200
    page = step.get_data(as_text=True)
    assert "Is one of these your problem?" in page
    assert f'action="/track/{code}/support"' in page
    assert STREETLIGHT_AGAIN["body"] in page  # everything typed is kept
    assert "lights.jpg" in page  # and the photo is held
    assert 'name="similar_seen" value="1"' in page
    assert complaints_filed(app) == 1
    supported = client.post(f"/track/{code}/support")
    assert supported.status_code == 303
    assert complaints_filed(app) == 1
    assert client.get(f"/api/v1/complaints/{code}").get_json()["supporters"] == 1


def test_file_mine_anyway_files_with_the_held_photo(app: Flask, client: FlaskClient) -> None:
    file_via_api(client, **STREETLIGHT)
    form = {**STREETLIGHT_AGAIN, "division": "XD-A1", "evidence": (io.BytesIO(jpeg_with_gps()), "lights.jpg")}
    suggested = client.post("/", data=form, content_type="multipart/form-data")
    assert "lights.jpg" in suggested.get_data(as_text=True)
    assert "held_photos=" in suggested.headers["Set-Cookie"]  # held for this browser
    anyway = {
        **STREETLIGHT_AGAIN,
        "division": "XD-A1",
        "keep_photo": "0",
        "similar_seen": "1",
    }
    assert client.post("/", data=anyway, content_type="multipart/form-data").status_code == 303
    assert complaints_filed(app) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count(Photo.id))) == 1


def test_a_complaint_in_another_division_is_never_suggested_on_the_form(
    app: Flask, client: FlaskClient
) -> None:
    file_via_api(client, **STREETLIGHT, division="XD-A2")
    filed = client.post("/", data={**STREETLIGHT, "division": "XD-A1"})
    assert filed.status_code == 303
    assert complaints_filed(app) == 2
