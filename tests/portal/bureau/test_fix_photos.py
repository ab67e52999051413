"""Fix photos: a bureau's reply carries photos, each checked in public for place, time and reuse."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.domain import Role
from portal.evidence.models import Photo, PhotoHash
from portal.evidence.plausibility import CHINA_STANDARD_TIME
from portal.extensions import db
from portal.models import Event
from tests.escalation.helpers import routed_complaint
from tests.factories import PASSWORD, bearer, complaint_payload, make_staff
from tests.portal.evidence.photos import make_exif, save_as, scene

PLACE = (28.231, 112.991)  # the complaint's coordinates, in District A1
NEAR = (28.232, 112.9915)  # about 120 m away
# A reply that says what was done, so the desk publishes it without the preview step.
ANSWER = "经查，人民路三盏路灯电缆被盗，A1区城管局已于11月3日更换电缆120米，路灯已恢复照明。"
ELSEWHERE = (28.26, 113.06)  # about 7.5 km away, still in the province


def camera_now() -> datetime:
    """The time a phone set to China Standard Time writes (EXIF keeps no zone)."""
    return datetime.now(CHINA_STANDARD_TIME).replace(tzinfo=None)


def photo(seed: int, gps: tuple[float, float] | None = NEAR, *, cut: float = 0.0) -> bytes:
    image = scene(seed)
    if cut:
        image = image.crop((int(image.width * cut), 0, image.width, image.height))
    return save_as(image, "JPEG", quality=85, exif=make_exif(gps=gps, taken=camera_now()))


def reply(client: FlaskClient, code: str, headers: dict[str, str], *photos: bytes, **document: Any):
    data = {
        "reply": json.dumps({"text": "已派人清理并修复路灯。", **document}),
        "photos": [(io.BytesIO(p), f"fix{n}.jpg") for n, p in enumerate(photos)],
    }
    return client.post(
        f"/api/v1/complaints/{code}/replies", data=data, headers=headers, content_type="multipart/form-data"
    )


def file_with_photo(client: FlaskClient, data: bytes, **overrides: Any) -> str:
    body = {
        "complaint": json.dumps(complaint_payload(**overrides)),
        "evidence": [(io.BytesIO(data), "a.jpg")],
    }
    response = client.post("/api/v1/complaints", data=body, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["tracking_code"]


def test_a_located_fresh_original_photo_passes_every_check(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        code = routed_complaint(client, lat=PLACE[0], lon=PLACE[1]).tracking_code
    response = reply(client, code, officer, photo(1), resolve=True)
    assert response.status_code == 201, response.get_json()
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    [fix] = view["fix_photos"]
    assert fix["location"] == "ok"
    assert 50 < fix["distance_m"] < 200
    assert fix["time"] == "ok"
    assert fix["reused"] is None
    assert fix["reply_at"] == view["timeline"][-1]["at"]
    assert fix["url"]
    with client.get(fix["url"]) as served:
        assert served.status_code == 200
    assert view["evidence"]["photos"] == []  # the citizen's evidence is the citizen's
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.kind == "bureau_replied")).one()
        [entry] = event.payload["fix_photos"]
        assert entry == {"sha256": entry["sha256"], "location": "ok", "time": "ok", "reused": False}
        assert len(db.session.scalars(select(PhotoHash)).all()) == 10


def test_far_and_reused_photos_are_flagged_on_the_public_page_and_the_api(
    app: Flask, client: FlaskClient
) -> None:
    other = file_with_photo(client, photo(2, PLACE))  # another complaint's evidence
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        code = routed_complaint(client, lat=PLACE[0], lon=PLACE[1]).tracking_code
    # The reused one is that citizen's picture, cut 8 % and re-encoded, with a location near the place.
    response = reply(client, code, officer, photo(3, ELSEWHERE), photo(2, NEAR, cut=0.08), resolve=True)
    assert response.status_code == 201, response.get_json()
    far, reused = client.get(f"/api/v1/complaints/{code}").get_json()["fix_photos"]
    assert far["location"] == "far"
    assert far["distance_m"] > 5000
    assert far["reused"] is None
    assert reused["location"] == "ok"
    assert reused["reused"]["of"] == "citizen_photo"
    assert reused["reused"]["same_complaint"] is False
    page = client.get(f"/track/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "fix-location-far" in page
    assert "taken far from the complaint" in page
    assert "a copy of a photo a citizen sent" in page
    assert "(of another complaint)" in page
    zh = client.get(f"/track/{code}", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "fix-reused" in zh
    assert "fix-location-far" in zh
    with app.app_context():
        earlier = db.session.scalars(select(Photo).where(Photo.reply_event_id.is_(None))).one()
        assert earlier.complaint.tracking_code == other
        assert db.session.scalars(select(Photo).where(Photo.reused_photo_id == earlier.id)).one()


def test_a_fix_photo_copying_the_complaints_own_photo_is_flagged(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
    code = file_with_photo(client, photo(4, PLACE), lat=PLACE[0], lon=PLACE[1])
    with app.app_context():
        from portal.complaints.lookup import find_by_code
        from portal.complaints.routing import route
        from portal.models import RoutedBy
        from portal.unit_of_work import commit

        route(find_by_code(code), "environment", routed_by=RoutedBy.STAFF, actor="staff:t")
        commit()
    assert reply(client, code, officer, save_as(scene(4).resize((240, 180)), "PNG")).status_code == 201
    [fix] = client.get(f"/api/v1/complaints/{code}").get_json()["fix_photos"]
    assert fix["reused"]["same_complaint"] is True
    assert fix["location"] == "missing"
    assert fix["time"] == "undated"


def test_bad_fix_photos_are_refused_and_nothing_is_recorded(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        code = routed_complaint(client).tracking_code
    response = reply(client, code, officer, b"not a photo")
    assert response.status_code == 422
    assert "photos" in response.get_json()["error"]["fields"]
    no_part = client.post(
        f"/api/v1/complaints/{code}/replies",
        data={"x": "1"},
        headers=officer,
        content_type="multipart/form-data",
    )
    assert no_part.status_code == 400
    assert client.get(f"/api/v1/complaints/{code}").get_json()["status"] == "routed"


class TestRequiredFixPhoto:
    @pytest.fixture
    def config_overrides(self) -> dict[str, Any]:
        return {"FIX_PHOTO_REQUIRED_CATEGORIES": ("environment",)}

    def test_resolving_needs_a_located_photo_but_replying_does_not(
        self, app: Flask, client: FlaskClient
    ) -> None:
        with app.app_context():
            officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
            code = routed_complaint(client, lat=PLACE[0], lon=PLACE[1]).tracking_code
        url = f"/api/v1/complaints/{code}/replies"
        bare = client.post(url, json={"text": "已处理", "resolve": True}, headers=officer)
        assert bare.status_code == 422
        assert bare.get_json()["error"]["code"] == "fix_photo_required"
        unlocated = reply(client, code, officer, photo(5, None), resolve=True)
        assert unlocated.status_code == 422
        assert client.post(url, json={"text": "正在安排"}, headers=officer).status_code == 201
        assert reply(client, code, officer, photo(6), resolve=True).status_code == 201

    def test_the_desk_page_says_why_and_accepts_photos(self, app: Flask, client: FlaskClient) -> None:
        with app.app_context():
            make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
            code = routed_complaint(client, lat=PLACE[0], lon=PLACE[1]).tracking_code
            db.session.remove()
        client.post("/staff/login", data={"username": "env", "password": PASSWORD})
        form = client.get(f"/staff/bureau/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert 'enctype="multipart/form-data"' in form
        assert 'name="photos"' in form
        refused = client.post(
            f"/staff/bureau/{code}",
            data={"text": ANSWER, "resolve": "y"},
            headers={"Accept-Language": "en"},
        )
        assert refused.status_code == 422
        assert "attach a photo of the fix with its location" in refused.get_data(as_text=True)
        done = client.post(
            f"/staff/bureau/{code}",
            data={"text": ANSWER, "resolve": "y", "photos": [(io.BytesIO(photo(7)), "fix.jpg")]},
            content_type="multipart/form-data",
        )
        assert done.status_code == 302
        [fix] = client.get(f"/api/v1/complaints/{code}").get_json()["fix_photos"]
        assert fix["location"] == "ok"
