"""End to end, issue 17: a bureau resolves with a photo far from the complaint and one reused from another
complaint; the public page, the public API and the accountability figures (page, charts, API) show both."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from tests.escalation.helpers import routed_complaint
from tests.factories import bearer
from tests.portal.bureau.test_fix_photos import ANSWER, ELSEWHERE, NEAR, PLACE, file_with_photo, photo, reply

BUREAU = "XD-A1:environment"


def _bureau(document: dict, code: str = BUREAU) -> dict:
    return next(row for row in document["bureaus"] if row["code"] == code)


def test_far_and_reused_fix_photos_show_on_the_status_page_the_api_and_accountability(
    app: Flask, client: FlaskClient
) -> None:
    before = _bureau(client.get("/api/v1/accountability").get_json())["proof"]
    assert before["fix_photos"] == 0
    assert before["median_reply_quality"] is None
    file_with_photo(client, photo(21, PLACE))  # a citizen's photo of another complaint
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau=BUREAU)
        code = routed_complaint(client, lat=PLACE[0], lon=PLACE[1]).tracking_code
        other = routed_complaint(client).tracking_code
    done = reply(
        client, code, officer, photo(22, ELSEWHERE), photo(21, NEAR, cut=0.06), text=ANSWER, resolve=True
    )
    assert done.status_code == 201, done.get_json()
    assert reply(client, other, officer, text="已转交相关部门处理。").status_code == 201

    # The public API and the status page, beside the reply.
    far, reused = client.get(f"/api/v1/complaints/{code}").get_json()["fix_photos"]
    assert far["location"] == "far"
    assert reused["reused"]["of"] == "citizen_photo"
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "fix-location-far" in page
    assert "fix-reused" in page

    # Accountability, in the API ...
    proof = _bureau(client.get("/api/v1/accountability").get_json())["proof"]
    assert proof["fix_photos"] == 2
    assert proof["fix_photos_far"] == 1
    assert proof["fix_photos_reused"] == 1
    assert proof["fix_photos_without_location"] == 0
    assert proof["fix_photos_passed"] == 0
    assert proof["replies"] == 2
    assert proof["replies_deflection"] == 1
    assert proof["median_reply_quality"] is not None
    elsewhere = client.get("/api/v1/accountability?division=XD-B").get_json()["bureaus"]
    assert all(row["proof"]["fix_photos"] == 0 for row in elsewhere)

    # ... and on the page, in its table and its charts.
    board = client.get("/accountability", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'class="num proof-far">1<' in board
    assert 'class="num proof-reused">1<' in board
    assert "Bureaus: fix photos and their checks" in board
    assert "Reused picture" in board
    assert "Bureaus: replies flagged" in board
