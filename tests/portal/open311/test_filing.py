"""POST Service Request: api_key, the checks in the spec's order, every field error at once, media upload."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.complaints.lookup import find_by_code
from portal.evidence.models import Photo
from portal.extensions import db
from portal.models import Complaint, PartyMembership
from portal.open311.filing import contact_name, derive_title
from portal.open311.keys import revoke_key
from portal.privacy.sealing import Contact
from portal.unit_of_work import commit
from tests.factories import stored_contact
from tests.portal.evidence.photos import encode, picture
from tests.portal.open311.documents import JSON_CONTENT_TYPE, assert_same_document, parse_xml, validate
from tests.portal.open311.filings import BASE, DESCRIPTION, VALID_REQUEST, file_request, post_request


def stored(app: Flask, code: str) -> Complaint:
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        db.session.expunge(complaint)
        return complaint


def complaint_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Complaint.id))) or 0


def refused(response: Any, status: int) -> list[str]:
    assert response.status_code == status, response.get_data(as_text=True)
    document = json.loads(response.data)
    validate("errors.schema.json", document)
    assert {error["code"] for error in document} == {status}
    return [error["description"] for error in document]


def test_filing_creates_a_complaint_shown_on_its_status_page(
    app: Flask, client: FlaskClient, api_key: str
) -> None:
    response = post_request(client, api_key)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON_CONTENT_TYPE
    document = json.loads(response.data)
    validate("post_request_response.schema.json", document)
    (answer,) = document
    code = answer["service_request_id"]
    assert answer["account_id"] is None
    assert "15" in answer["service_notice"]
    complaint = stored(app, code)
    assert complaint.title == DESCRIPTION.splitlines()[0]
    assert complaint.body == DESCRIPTION
    assert complaint.address == "滨河路12号"
    assert complaint.requested_category_key == "environment"
    assert complaint.anonymous  # no contact parameters at all
    assert not complaint.misconduct_alleged
    page = client.get(f"/track/{code}")
    assert page.status_code == 200
    assert code in page.get_data(as_text=True)


def test_xml_answer(client: FlaskClient, api_key: str) -> None:
    response = post_request(client, api_key, fmt="xml")
    assert response.status_code == 200
    root = parse_xml(response.data, "service_requests")
    (request,) = root
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    account = request.find("account_id")
    assert account is not None
    assert account.text is None  # an empty element: we have no accounts
    code = request.findtext("service_request_id")
    document = client.get(f"{BASE}/requests/{code}.json").get_json()
    assert document[0]["service_request_id"] == code


def test_contact_details_are_kept_and_names_follow_their_language(
    app: Flask, client: FlaskClient, api_key: str
) -> None:
    chinese = file_request(client, api_key, first_name="小明", last_name="王", phone="13912345678")
    assert stored(app, chinese).anonymous is False
    assert stored_contact(app, chinese) == Contact("王小明", "13912345678", None)
    english = file_request(client, api_key, first_name="Mary", last_name="Smith", email="mary@example.com")
    assert stored_contact(app, english) == Contact("Mary Smith", None, "mary@example.com")


def test_misconduct_service_files_an_allegation(app: Flask, client: FlaskClient, api_key: str) -> None:
    code = file_request(
        client,
        api_key,
        service_code="misconduct",
        **{"attribute[accused_unit]": "A1区城管执法大队", "attribute[party_member]": "yes"},
    )
    complaint = stored(app, code)
    assert complaint.misconduct_alleged
    assert (complaint.accused_unit, complaint.accused_name) == ("A1区城管执法大队", None)
    assert complaint.accused_party_member is PartyMembership.YES
    assert complaint.requested_category_key is None
    assert client.get(f"{BASE}/requests/{code}.json").get_json()[0]["service_code"] == "misconduct"


def test_misconduct_needs_who_and_party_membership(client: FlaskClient, api_key: str) -> None:
    found = refused(post_request(client, api_key, service_code="misconduct"), 400)
    assert len(found) == 2, found
    assert "attribute[party_member]" in found[0]
    assert "attribute[accused_unit]" in found[1]
    found = refused(
        post_request(
            client,
            api_key,
            service_code="misconduct",
            **{"attribute[accused_name]": "李某", "attribute[party_member]": "maybe"},
        ),
        400,
    )
    assert len(found) == 1, found
    assert "attribute[party_member]" in found[0]
    assert "yes, no, unknown" in found[0]


def test_api_key_missing_wrong_or_revoked_is_403(app: Flask, client: FlaskClient, api_key: str) -> None:
    for fmt in ("json", "xml"):
        missing = client.post(f"{BASE}/requests.{fmt}", data={"service_code": "environment"})
        assert missing.status_code == 403
        assert missing.headers["Content-Type"].startswith("text/xml" if fmt == "xml" else "application/json")
    assert refused(post_request(client, None), 403) == ["未提供 api_key"]
    (wrong,) = refused(post_request(client, "o311_not-a-key"), 403)
    assert "api_key" in wrong
    # The key is checked before anything else, even a missing service_code.
    assert len(refused(post_request(client, "o311_not-a-key", drop=("service_code",)), 403)) == 1
    with app.app_context():
        revoke_key("test partner")
        commit()
    refused(post_request(client, api_key), 403)
    assert complaint_count(app) == 0


def test_jurisdiction_may_come_in_the_query_string_but_never_the_api_key(
    client: FlaskClient, api_key: str
) -> None:
    response = client.post(
        f"{BASE}/requests.json?jurisdiction_id=XD", data={**VALID_REQUEST, "api_key": api_key}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    # A key in the URL lands in every access log on its way: refused, even when it is valid.
    (in_url,) = refused(client.post(f"{BASE}/requests.json?api_key={api_key}", data=dict(VALID_REQUEST)), 400)
    assert "api_key" in in_url


def test_service_code_and_jurisdiction_are_checked_before_the_fields(
    client: FlaskClient, api_key: str
) -> None:
    (missing,) = refused(post_request(client, api_key, drop=("service_code", "description")), 400)
    assert "service_code" in missing
    (unknown,) = refused(post_request(client, api_key, service_code="potholes", drop=("description",)), 404)
    assert "potholes" in unknown
    (jurisdiction,) = refused(post_request(client, api_key, jurisdiction_id="YY"), 404)
    assert "jurisdiction_id" in jurisdiction


def test_every_missing_field_is_one_error(app: Flask, client: FlaskClient, api_key: str) -> None:
    found = refused(
        post_request(client, api_key, drop=("attribute[division]", "description", "address_string")), 400
    )
    assert len(found) == 3, found
    assert "attribute[division]" in found[0]
    assert "description" in found[1]
    assert "address_string" in found[2]
    assert "lat" in found[2]
    assert complaint_count(app) == 0


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"lat": "28.2"}, "long"),
        ({"lat": "north", "long": "112.9"}, "lat"),
        ({"long": "500", "lat": "28.2"}, "long"),
        ({"description": "太短了"}, "description"),
        ({"description": "很" * 4001}, "description"),
        ({"address_string": "路" * 201}, "address_string"),
        ({"first_name": "名" * 101}, "first_name"),
        ({"last_name": "Smith" * 30}, "last_name"),
        ({"attribute[division]": "XD-Z9"}, "attribute[division]"),
        ({"attribute[colour]": "red"}, "attribute[colour]"),
        ({"attribute[division][]": "XD-A1"}, "attribute[division]"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
def test_each_field_error_names_its_parameter(
    app: Flask, client: FlaskClient, api_key: str, params: dict[str, str], parameter: str
) -> None:
    found = refused(post_request(client, api_key, **params), 400)
    assert found, found
    assert all(text.startswith(parameter) for text in found), found
    assert complaint_count(app) == 0


def test_location_by_coordinates_alone_is_enough(app: Flask, client: FlaskClient, api_key: str) -> None:
    code = file_request(client, api_key, lat="28.2412", long="112.9871", drop=("address_string",))
    complaint = stored(app, code)
    assert (complaint.latitude, complaint.longitude, complaint.address) == (28.2412, 112.9871, None)
    (request,) = client.get(f"{BASE}/requests/{code}.json").get_json()
    # Never the complaint's own point (it can be a home): the centre of its district, which is public.
    assert (request["lat"], request["long"]) == (28.23, 112.99) != (28.2412, 112.9871)  # District A1's centre


def test_a_media_url_is_kept_as_a_reference_and_never_fetched(
    app: Flask, client: FlaskClient, api_key: str
) -> None:
    code = file_request(client, api_key, media_url="https://photos.example.org/report/17.jpg")
    assert stored(app, code).media_url == "https://photos.example.org/report/17.jpg"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    (request,) = client.get(f"{BASE}/requests/{code}.json").get_json()
    assert request["media_url"] == "https://photos.example.org/report/17.jpg"


def test_media_upload_attaches_evidence(app: Flask, client: FlaskClient, api_key: str) -> None:
    photo = encode(picture(), "image/jpeg")
    data = {**VALID_REQUEST, "api_key": api_key, "media": (io.BytesIO(photo), "river.jpg")}
    response = client.post(f"{BASE}/requests.json", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    code = json.loads(response.data)[0]["service_request_id"]
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        (stored_photo,) = db.session.scalars(select(Photo).where(Photo.complaint_id == complaint.id))
        assert stored_photo.mime == "image/jpeg"
    (request,) = client.get(f"{BASE}/requests/{code}.json").get_json()
    assert request["media_url"].startswith("http://localhost/evidence/")
    with client.get(request["media_url"]) as published:
        assert published.status_code == 200
        assert published.mimetype == "image/jpeg"


def test_bad_media_rejects_the_whole_request(app: Flask, client: FlaskClient, api_key: str) -> None:
    data = {**VALID_REQUEST, "api_key": api_key, "media": (io.BytesIO(b"not a photo at all"), "notes.txt")}
    found = refused(client.post(f"{BASE}/requests.json", data=data, content_type="multipart/form-data"), 400)
    assert len(found) == 1
    assert found[0].startswith("media")
    assert "notes.txt" in found[0]
    assert complaint_count(app) == 0


def test_xml_error_list(client: FlaskClient, api_key: str) -> None:
    response = post_request(client, api_key, fmt="xml", drop=("description", "attribute[division]"))
    assert response.status_code == 400
    root = parse_xml(response.data, "errors")
    document = [{"code": 400, "description": error.findtext("description")} for error in root]
    assert_same_document(root, document)
    assert len(document) == 2


def test_derive_title() -> None:
    assert derive_title("路灯坏了三个月\n详细情况如下……") == "路灯坏了三个月"
    assert derive_title("\n\n  路灯坏了三个月  \n") == "路灯坏了三个月"
    assert derive_title("短\n路灯坏了") == "短 路灯坏了"  # a first line too short for a title
    long_line = "很" * 150
    assert derive_title(long_line) == "很" * 99 + "…"
    assert derive_title("") == ""


def test_contact_name() -> None:
    assert contact_name("小明", "王") == "王小明"
    assert contact_name("Mary", "Smith") == "Mary Smith"
    assert contact_name("", "Smith") == "Smith"
    assert contact_name("", "") == ""
