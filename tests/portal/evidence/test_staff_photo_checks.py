"""Photo checks as staff read them: a thumbnail of each photo, times a person can read, days counted in words."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from tests.factories import PASSWORD, make_staff
from tests.portal.evidence.test_photos import file_with_photos, jpeg_with_gps

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _triage_page(app: Flask, client: FlaskClient, taken: datetime, language: str) -> str:
    response = file_with_photos(client, (jpeg_with_gps(taken=taken), "a.jpg"))
    assert response.status_code == 201
    code = response.get_json()["tracking_code"]
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    return client.get(f"/staff/triage/{code}?lang={language}").get_data(as_text=True)


def test_staff_see_a_thumbnail_and_a_readable_camera_time(app: Flask, client: FlaskClient) -> None:
    page = _triage_page(app, client, datetime(2024, 5, 1, 8, 30, 15), "en")
    thumbnail = re.search(r'<img class="thumbnail" src="([^"]+)"', page)
    assert thumbnail is not None
    with client.get(thumbnail.group(1)) as shown:  # the thumbnail loads: the published, metadata-free copy
        assert shown.status_code == 200
        assert shown.mimetype == "image/jpeg"
    assert re.search(
        r'<time datetime="2024-05-01T08:30:15">May 1, 2024, 8:30:15\W+AM \(camera clock, time zone unknown\)',
        page,
    )
    assert ">2024-05-01T08:30:15" not in page  # the raw ISO string is only the machine-readable attribute


def test_one_day_reads_as_one_day(app: Flask, client: FlaskClient) -> None:
    yesterday = (datetime.now(SHANGHAI) - timedelta(days=1)).replace(tzinfo=None)
    page = _triage_page(app, client, yesterday, "en")
    assert "1 day before filing" in page
    assert "1 days" not in page
