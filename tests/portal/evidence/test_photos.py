"""Photo evidence through the API and the form: checked, stored privately, published without metadata."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from portal.evidence import photos
from portal.evidence.containers import metadata_blocks
from portal.evidence.models import Photo
from portal.extensions import db
from portal.models import Complaint, Event
from tests.factories import VALID_COMPLAINT, complaint_payload
from tests.portal.evidence.photos import make_exif, photo_with_everything, picture, save_as

A1 = (28.231, 112.991)  # inside District A1 of the demo jurisdiction
ELSEWHERE = (39.915, 116.404)  # Beijing, far outside the demo province


def jpeg_with_gps(gps: tuple[float, float] = A1, taken: datetime | None = None) -> bytes:
    return save_as(picture((320, 240)), "JPEG", exif=make_exif(gps=gps, taken=taken or datetime.now()))


def file_with_photos(client: FlaskClient, *files: tuple[bytes, str], **overrides: object):
    data = {
        "complaint": json.dumps(complaint_payload(**overrides)),
        "evidence": [(io.BytesIO(content), name) for content, name in files],
    }
    return client.post("/api/v1/complaints", data=data, content_type="multipart/form-data")


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_jpeg_with_gps_gets_a_public_copy_without_exif(app: Flask, client: FlaskClient) -> None:
    response = file_with_photos(client, (jpeg_with_gps(), "路灯.jpg"))
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["tracking_code"]
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["evidence"]["withheld"] == 0
    [published] = view["evidence"]["photos"]
    with client.get(published["url"]) as served:
        assert served.status_code == 200
        assert served.mimetype == "image/jpeg"
        copy = served.get_data()
    image = Image.open(io.BytesIO(copy))
    assert not image.getexif()
    assert image.getexif().get_ifd(0x8825) == {}
    assert metadata_blocks(copy, "image/jpeg") == []
    assert b"Exif" not in copy
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        assert photo.check_result == "consistent"
        assert photo.gps_lat == pytest.approx(A1[0], abs=1e-3)
        received = db.session.scalars(select(Event).where(Event.kind == "received")).one()
        assert received.payload["evidence_sha256"] == [photo.sha256]
        # The original keeps its metadata, privately.
        original = photos.original_path(photo).read_bytes()
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)


@pytest.mark.parametrize("mime", ["image/png", "image/webp"])
def test_png_and_webp_copies_are_stripped_too(client: FlaskClient, mime: str) -> None:
    extension = mime.split("/")[1]
    response = file_with_photos(client, (photo_with_everything(mime), f"x.{extension}"))
    code = response.get_json()["tracking_code"]
    [published] = client.get(f"/api/v1/complaints/{code}").get_json()["evidence"]["photos"]
    with client.get(published["url"]) as served:
        copy = served.get_data()
    assert metadata_blocks(copy, mime) == []


def test_far_away_photo_is_flagged_for_staff(app: Flask, client: FlaskClient) -> None:
    file_with_photos(client, (jpeg_with_gps(ELSEWHERE), "p.jpg"))
    with app.app_context():
        assert db.session.scalars(select(Photo.check_result)).one() == "far_from_place"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"GIF89a" + b"\0" * 40, "a.jpg", "不是 JPEG、PNG 或 WebP 照片"),
        (b"%PDF-1.7 not a photo", "b.jpg", "不是 JPEG、PNG 或 WebP 照片"),
        (b"", "c.jpg", "是空文件"),
        (jpeg_with_gps()[:300], "d.jpg", "已损坏"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, content: bytes, name: str, message: str
) -> None:
    response = file_with_photos(client, (jpeg_with_gps(), "good.jpg"), (content, name))
    assert response.status_code == 422
    errors = response.get_json()["error"]["fields"]["evidence"]
    assert any(message in error and name in error for error in errors), errors
    assert count(app, Complaint) == 0
    assert count(app, Photo) == 0
    assert not list((app.config and photos_folder(app)).glob("*"))


@pytest.mark.parametrize("config_overrides", [{"EVIDENCE_MAX_BYTES": 3000}])
def test_oversized_photo_is_refused(app: Flask, client: FlaskClient) -> None:
    response = file_with_photos(client, (b"\xff\xd8\xff" + b"\0" * 3000, "big.jpg"))
    assert response.status_code == 422
    [message] = response.get_json()["error"]["fields"]["evidence"]
    assert message.startswith("big.jpg 超过")
    assert count(app, Complaint) == 0


def photos_folder(app: Flask):
    from pathlib import Path

    return Path(app.config["UPLOAD_FOLDER"])


def test_decompression_bomb_is_refused(app: Flask, client: FlaskClient) -> None:
    from tests.portal.evidence.photos import png_claiming_size

    response = file_with_photos(client, (png_claiming_size(50000, 50000), "bomb.png"))
    assert response.status_code == 422
    assert count(app, Complaint) == 0


def test_at_most_five_photos(app: Flask, client: FlaskClient) -> None:
    response = file_with_photos(client, *[(jpeg_with_gps(), f"{i}.jpg") for i in range(6)])
    assert response.status_code == 422
    assert count(app, Complaint) == 0


def test_multipart_needs_the_complaint_part(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/complaints",
        data={"evidence": (io.BytesIO(jpeg_with_gps()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_the_form_accepts_photos_and_shows_the_check_to_staff(app: Flask, client: FlaskClient) -> None:
    from portal.domain import Role
    from tests.factories import PASSWORD, make_staff

    form = {**VALID_COMPLAINT, "evidence": (io.BytesIO(jpeg_with_gps(ELSEWHERE)), "photo.jpg")}
    assert client.post("/", data=form, content_type="multipart/form-data").status_code == 303
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
        code = db.session.scalars(select(Complaint.tracking_code)).one()
    public_page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "/evidence/" in public_page
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    staff_page = client.get(f"/staff/triage/{code}").get_data(as_text=True)
    assert "远离投诉地点" in staff_page


def test_form_rejects_a_bad_photo_and_keeps_the_text(app: Flask, client: FlaskClient) -> None:
    form = {**VALID_COMPLAINT, "evidence": (io.BytesIO(b"not an image at all"), "x.jpg")}
    response = client.post("/", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert VALID_COMPLAINT["body"] in response.get_data(as_text=True)
    assert count(app, Complaint) == 0


def test_unpublished_photos_are_not_served(app: Flask, client: FlaskClient) -> None:
    response = file_with_photos(client, (jpeg_with_gps(), "a.jpg"))
    assert response.status_code == 201
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        photo.published = False
        db.session.commit()
        name = f"{photo.public_name}.jpg"
    assert client.get(f"/evidence/{name}").status_code == 404
    assert client.get("/evidence/nothing.jpg").status_code == 404


def test_originals_are_for_authorised_staff_only(app: Flask, client: FlaskClient) -> None:
    from portal.domain import Role
    from tests.factories import PASSWORD, make_staff

    file_with_photos(client, (jpeg_with_gps(), "a.jpg"))
    with app.app_context():
        make_staff("li", Role.LIAISON, body="XD-A1:discipline")
        make_staff("tri", Role.TRIAGE)
        photo_id = db.session.scalars(select(Photo.id)).one()
    assert client.get(f"/staff/evidence/{photo_id}").status_code == 302
    client.post("/staff/login", data={"username": "li", "password": PASSWORD})
    assert client.get(f"/staff/evidence/{photo_id}").status_code == 404
    client.post("/staff/logout")
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    with client.get(f"/staff/evidence/{photo_id}") as original:
        assert original.status_code == 200
        assert original.headers["Cache-Control"] == "private, no-store"


def test_a_bureau_never_sees_where_when_or_with_what_a_misconduct_reporter_took_a_photo(
    app: Flask, client: FlaskClient
) -> None:
    from portal.complaints.routing import route
    from portal.domain import Role
    from portal.models import RoutedBy
    from portal.unit_of_work import commit
    from tests.factories import PASSWORD, make_staff

    allegation = {"accused_name": "某科长", "accused_unit": "A1区某街道办事处", "party_member": "no"}
    response = file_with_photos(client, (jpeg_with_gps(), "a.jpg"), misconduct=allegation)
    code = response.get_json()["tracking_code"]
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
        route(complaint, "environment", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
        make_staff("bureau", Role.BUREAU, bureau="XD-A1:environment")
        make_staff("tri", Role.TRIAGE)
    client.post("/staff/login", data={"username": "bureau", "password": PASSWORD})
    bureau_page = client.get(f"/staff/bureau/{code}")
    assert bureau_page.status_code == 200
    shown = bureau_page.get_data(as_text=True)
    assert "28.23100" not in shown
    assert "HUAWEI" not in shown
    assert re.search(r"[0-9]\s*km\b", shown) is None  # no distance (photo URLs are random and may hold "km")
    assert bureau_page.headers["Cache-Control"] == "private, no-store"
    client.post("/staff/logout")
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    triage_page = client.get(f"/staff/triage/{code}").get_data(as_text=True)
    assert "28.23100" in triage_page
    assert "HUAWEI" in triage_page


def test_giant_images_are_refused_from_their_headers_before_any_pixel_is_decoded(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    giant = io.BytesIO()
    Image.new("1", (8000, 5000)).save(giant, "PNG")  # 40 megapixels in a few kilobytes
    decoded: list[object] = []
    monkeypatch.setattr("portal.evidence.inspection.decode", lambda *args, **_options: decoded.append(args))
    response = file_with_photos(client, *[(giant.getvalue(), f"big{number}.png") for number in range(5)])
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["evidence"] == [
        "这些照片合计超过 60 百万像素：请减少照片或缩小尺寸。"
    ]
    assert decoded == []
    assert count(app, Complaint) == 0


def test_photos_are_kept_when_the_form_comes_back_with_another_error(app: Flask, client: FlaskClient) -> None:
    form = {
        **VALID_COMPLAINT,
        "title": "短",
        "evidence": [
            (io.BytesIO(jpeg_with_gps()), "first.jpg"),
            (io.BytesIO(jpeg_with_gps(ELSEWHERE)), "second.jpg"),
        ],
    }
    again = client.post("/", data=form, content_type="multipart/form-data")
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "first.jpg" in page
    assert "second.jpg" in page
    # The batch is this browser's alone: its token is in an HttpOnly cookie, never in the page.
    cookie = again.headers["Set-Cookie"]
    assert "held_photos=" in cookie
    assert "HttpOnly" in cookie
    token = cookie.split("held_photos=", 1)[1].split(";", 1)[0]
    assert token not in page
    # Another browser sending the same form gets none of them.
    stranger = app.test_client()
    assert stranger.post("/", data={**VALID_COMPLAINT, "keep_photo": "0"}).status_code == 303
    assert count(app, Photo) == 0
    # The citizen fixes the title, leaves the second photo out and sends: the first one is filed with it.
    fixed = {**VALID_COMPLAINT, "keep_photo": "0", "similar_seen": "1"}  # the stranger filed the same text
    assert client.post("/", data=fixed, content_type="multipart/form-data").status_code == 303
    with app.app_context():
        from portal.evidence.models import HeldPhoto

        assert count(app, Photo) == 1
        assert db.session.scalars(select(HeldPhoto)).all() == []


@pytest.mark.parametrize("config_overrides", [{"HELD_PHOTOS_PER_CLIENT_BYTES": 10}])
def test_photos_beyond_the_holding_budget_are_asked_for_again(client: FlaskClient) -> None:
    form = {**VALID_COMPLAINT, "title": "短", "evidence": (io.BytesIO(jpeg_with_gps()), "first.jpg")}
    page = client.post("/", data=form, content_type="multipart/form-data").get_data(as_text=True)
    assert "请重新添加" in page


def test_odd_photo_positions_are_ignored_not_a_500(client: FlaskClient) -> None:
    for value in ("²", "-1", "x", "9" * 40):
        assert (
            client.post("/", data={**VALID_COMPLAINT, "title": "短", "keep_photo": value}).status_code == 422
        )


@pytest.mark.parametrize(
    "config_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_INTAKE": "1 per minute"}]
)
def test_a_rate_limited_form_still_shows_the_photos_it_holds(client: FlaskClient) -> None:
    form = {**VALID_COMPLAINT, "title": "短", "evidence": (io.BytesIO(jpeg_with_gps()), "kept.jpg")}
    assert client.post("/", data=form, content_type="multipart/form-data").status_code == 422
    assert (
        client.post("/api/v1/complaints", json=complaint_payload()).status_code == 201
    )  # the minute's filing
    limited = client.post("/", data={**VALID_COMPLAINT, "keep_photo": "0"})
    assert limited.status_code == 429
    assert "kept.jpg" in limited.get_data(as_text=True)
