"""Integration: the PyPI client georeport (0.3.x) and plain HTTP clients against a live server.

georeport parses XML with xmltodict, so a list of one comes back as a dict and an empty list crashes it: the
tests file at least two requests before reading, and unwrap single items where the client does not.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import requests
from flask.testing import FlaskCliRunner
from georeport import GeoReport

from portal.categories import CATEGORY_KEYS
from portal.models import utcnow
from tests.portal.evidence.photos import encode, picture
from tests.portal.open311.documents import assert_same_document, parse_xml, validate
from tests.portal.open311.filings import DESCRIPTION, VALID_REQUEST
from tests.portal.open311.test_cli import created_key

ALL_SERVICES = [*CATEGORY_KEYS, "misconduct", "general"]
MISCONDUCT = {
    "service_code": "misconduct",
    "attribute[division]": "XD-A2",
    "attribute[accused_name]": "某科长",
    "attribute[party_member]": "unknown",
    "description": "A2区某街道办科长办理低保时索要好处费，不给钱就拖着不办。\n已有多位居民遇到同样的情况。",
    "lat": "28.14",
    "long": "112.98",
}
TIMEOUT = 30


def listed(value: Any) -> list[Any]:
    """xmltodict gives one child as a dict, several as a list."""
    return value if isinstance(value, list) else [value]


def post(root: str, data: dict[str, str], fmt: str = "json", **kwargs: Any) -> requests.Response:
    return requests.post(f"{root}/open311/v2/requests.{fmt}", data=data, timeout=TIMEOUT, **kwargs)


def file_two(root: str, key: str) -> list[str]:
    """An environment complaint and a misconduct allegation, filed form-encoded; oldest first."""
    codes = []
    for data in (VALID_REQUEST, MISCONDUCT):
        response = post(root, {**data, "api_key": key})
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        document = response.json()
        validate("post_request_response.schema.json", document)
        codes.append(document[0]["service_request_id"])
    return codes


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(
    live_root: str, runner: FlaskCliRunner, fmt: str
) -> None:
    key = created_key(runner.invoke(args=["open311", "create-key", "georeport test"]).output)
    environment, misconduct = file_two(live_root, key)
    client = GeoReport(f"{live_root}/open311/v2", jurisdiction="XD", output_format=fmt)

    services = client.get_service_list()
    assert [service["service_code"] for service in services] == ALL_SERVICES
    assert {str(service["metadata"]).lower() for service in services} == {"true"}

    definition = client.get_service_definition("misconduct")
    assert definition["service_code"] == "misconduct"
    attributes = definition["attributes"] if fmt == "json" else listed(definition["attributes"]["attribute"])
    assert [attribute["code"] for attribute in attributes] == [
        "division",
        "accused_name",
        "accused_unit",
        "party_member",
    ]
    party = attributes[-1]["values"] if fmt == "json" else listed(attributes[-1]["values"]["value"])
    assert [value["key"] for value in party] == ["yes", "no", "unknown"]

    found = client.get_service_requests()
    assert [request["service_request_id"] for request in found] == [misconduct, environment]
    assert [request["service_code"] for request in found] == ["misconduct", "environment"]
    assert {request["status"] for request in found} == {"open"}
    # Dates with an offset go through the client's own encoding ("+" as %2B).
    now = utcnow().astimezone().replace(microsecond=0)
    window = client.get_service_requests(
        service_request_id=None,
        start_date=(now - timedelta(days=1)).isoformat(),
        end_date=(now + timedelta(days=1)).isoformat(),
        status="open",
    )
    assert len(window) == 2
    by_id = client.get_service_requests(service_request_id=f"{environment},{misconduct}")
    assert {request["service_request_id"] for request in by_id} == {environment, misconduct}

    one = client.get_service_request(misconduct)
    assert one["service_request_id"] == misconduct
    assert one["service_name"] == "公职人员问题举报"
    assert one["address"] == "A2区, A市, 西地省"
    with pytest.raises(requests.HTTPError) as missing:
        client.get_service_request("FA-0000-0000-0000")
    assert missing.value.response.status_code == 404


def test_every_answer_over_http_matches_its_schema_and_the_xml(live_root: str, api_key: str) -> None:
    environment, _misconduct = file_two(live_root, api_key)
    base = f"{live_root}/open311/v2"
    answers = [
        ("discovery", "discovery.schema.json", "discovery", 200),
        ("services", "services.schema.json", "services", 200),
        ("services/misconduct", "service_definition.schema.json", "service_definition", 200),
        ("services/general", "service_definition.schema.json", "service_definition", 200),
        ("requests", "requests.schema.json", "service_requests", 200),
        (f"requests/{environment}", "request.schema.json", "service_requests", 200),
        ("requests/FA-0000-0000-0000", "errors.schema.json", "errors", 404),
        ("tokens/abc", "errors.schema.json", "errors", 404),
        ("services/potholes", "errors.schema.json", "errors", 404),
    ]
    for path, schema, root, status in answers:
        as_json = requests.get(f"{base}/{path}.json", timeout=TIMEOUT)
        as_xml = requests.get(f"{base}/{path}.xml", timeout=TIMEOUT)
        assert (as_json.status_code, as_xml.status_code) == (status, status), path
        validate(schema, as_json.json())
        assert_same_document(parse_xml(as_xml.content, root), as_json.json())


def test_form_encoded_post_shows_on_the_status_page(live_root: str, api_key: str) -> None:
    response = post(live_root, {**VALID_REQUEST, "api_key": api_key}, fmt="xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    code = parse_xml(response.content, "service_requests").findtext("request/service_request_id")
    assert code
    page = requests.get(f"{live_root}/track/{code}", timeout=TIMEOUT)
    assert page.status_code == 200
    assert code in page.text
    assert DESCRIPTION.splitlines()[0] in page.text


def test_key_and_field_errors_over_http(live_root: str, api_key: str) -> None:
    for data in ({**VALID_REQUEST}, {**VALID_REQUEST, "api_key": "o311_wrong"}):
        refused = post(live_root, data)
        assert refused.status_code == 403
        validate("errors.schema.json", refused.json())
        assert "api_key" in refused.json()[0]["description"]
    missing = post(live_root, {"api_key": api_key, "service_code": "environment"})
    assert missing.status_code == 400
    descriptions = [error["description"] for error in missing.json()]
    assert len(descriptions) == 3
    for parameter in ("attribute[division]", "description", "address_string"):
        assert any(parameter in text for text in descriptions), (parameter, descriptions)
    as_xml = post(live_root, {"api_key": api_key, "service_code": "environment"}, fmt="xml")
    assert as_xml.status_code == 400
    errors = parse_xml(as_xml.content, "errors")
    assert [error.findtext("description") for error in errors] == descriptions


def test_media_upload_over_http(live_root: str, api_key: str) -> None:
    photo = encode(picture((120, 80)), "image/jpeg")
    response = post(
        live_root,
        {**VALID_REQUEST, "api_key": api_key},
        files=[("media", ("river.jpg", io.BytesIO(photo), "image/jpeg"))],
    )
    assert response.status_code == 200, response.text
    code = response.json()[0]["service_request_id"]
    (request,) = requests.get(f"{live_root}/open311/v2/requests/{code}.json", timeout=TIMEOUT).json()
    assert request["media_url"].startswith(f"{live_root}/evidence/")
    published = requests.get(request["media_url"], timeout=TIMEOUT)
    assert published.status_code == 200
    assert published.headers["Content-Type"] == "image/jpeg"
