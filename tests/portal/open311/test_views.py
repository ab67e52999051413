"""The read endpoints through the test client: discovery, services, definitions, one request, tokens."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.categories import CATEGORY_KEYS
from portal.extensions import db
from portal.jurisdiction.demo import DEMO_DIVISIONS
from portal.models import Division, DivisionLevel
from portal.unit_of_work import commit
from tests.portal.open311.documents import get_both
from tests.portal.open311.filings import BASE, file_request

ALL_SERVICES = [*CATEGORY_KEYS, "misconduct", "general"]


def test_discovery_points_at_this_endpoint(client: FlaskClient) -> None:
    document = get_both(client, f"{BASE}/discovery", "discovery.schema.json", "discovery")
    (endpoint,) = document["endpoints"]
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == document["changeset"]
    assert "create-key" in document["key_service"]
    assert client.get(f"{endpoint['url']}/services.json").status_code == 200


def test_service_list_has_every_category_misconduct_and_general(client: FlaskClient) -> None:
    services = get_both(client, f"{BASE}/services", "services.schema.json", "services")
    assert [service["service_code"] for service in services] == ALL_SERVICES
    environment = services[ALL_SERVICES.index("environment")]
    assert environment["service_name"] == "环境保护"
    assert environment["metadata"] is True
    assert environment["type"] == "realtime"
    english = get_both(client, f"{BASE}/services", "services.schema.json", "services", query={"lang": "en"})
    assert english[ALL_SERVICES.index("environment")]["service_name"] == "Environmental protection"
    assert english[ALL_SERVICES.index("misconduct")]["service_name"] == "Misconduct by a public official"


@pytest.mark.parametrize("code", ALL_SERVICES)
def test_every_definition_is_valid_with_unique_codes_and_orders(client: FlaskClient, code: str) -> None:
    definition = get_both(
        client, f"{BASE}/services/{code}", "service_definition.schema.json", "service_definition"
    )
    assert definition["service_code"] == code
    attributes = definition["attributes"]
    codes = [attribute["code"] for attribute in attributes]
    orders = [attribute["order"] for attribute in attributes]
    assert len(set(codes)) == len(codes)
    assert sorted(orders) == list(range(1, len(orders) + 1))
    division = attributes[0]
    assert (division["code"], division["datatype"], division["required"]) == (
        "division",
        "singlevaluelist",
        True,
    )
    assert [value["key"] for value in division["values"]] == sorted(demo.code for demo in DEMO_DIVISIONS)


def test_misconduct_definition_asks_the_allegation_questions(client: FlaskClient) -> None:
    definition = get_both(
        client, f"{BASE}/services/misconduct", "service_definition.schema.json", "service_definition"
    )
    by_code = {attribute["code"]: attribute for attribute in definition["attributes"]}
    assert list(by_code) == ["division", "accused_name", "accused_unit", "party_member"]
    assert (by_code["accused_name"]["datatype"], by_code["accused_name"]["required"]) == ("string", False)
    assert "values" not in by_code["accused_unit"]
    party = by_code["party_member"]
    assert party["required"] is True
    assert party["values"] == [
        {"key": "yes", "name": "是"},
        {"key": "no", "name": "否"},
        {"key": "unknown", "name": "不清楚"},
    ]


def test_unknown_service_code_is_a_404_error_list(client: FlaskClient) -> None:
    errors = get_both(client, f"{BASE}/services/parking_tickets", "errors.schema.json", "errors", expect=404)
    assert errors == [{"code": 404, "description": errors[0]["description"]}]
    assert "service_code" in errors[0]["description"]
    assert "parking_tickets" in errors[0]["description"]


def test_jurisdiction_is_the_province(client: FlaskClient) -> None:
    assert client.get(f"{BASE}/services.json?jurisdiction_id=XD").status_code == 200
    assert client.get(f"{BASE}/services.json?jurisdiction_id=").status_code == 200  # empty means absent
    for not_a_province in ("XD-A1", "ZZ"):
        errors = get_both(
            client,
            f"{BASE}/services",
            "errors.schema.json",
            "errors",
            expect=404,
            query={"jurisdiction_id": not_a_province},
        )
        assert "jurisdiction_id" in errors[0]["description"]
        assert not_a_province in errors[0]["description"]


def test_with_two_provinces_jurisdiction_id_is_required(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        province = Division(code="DD", name_zh="东地省", name_en="Dongdi", level=DivisionLevel.PROVINCE)
        db.session.add_all(
            [
                province,
                Division(
                    code="DD-1", name_zh="一区", name_en="One", level=DivisionLevel.COUNTY, parent=province
                ),
            ]
        )
        commit()
    errors = get_both(client, f"{BASE}/services", "errors.schema.json", "errors", expect=400)
    assert "jurisdiction_id" in errors[0]["description"]
    definition = client.get(f"{BASE}/services/general.json?jurisdiction_id=DD").get_json()
    assert [value["key"] for value in definition["attributes"][0]["values"]] == ["DD", "DD-1"]


def test_one_request_in_both_formats(client: FlaskClient, api_key: str) -> None:
    code = file_request(client, api_key)
    (request,) = get_both(client, f"{BASE}/requests/{code}", "request.schema.json", "service_requests")
    assert request["service_request_id"] == code
    # Look-ups forgive case, missing dashes and O/0 confusions, and answer with the canonical code.
    sloppy = code.lower().replace("-", "").replace("0", "o")
    assert client.get(f"{BASE}/requests/{sloppy}.json").get_json()[0]["service_request_id"] == code
    # The O/0 rule itself, whatever symbols this random code happens to contain.
    from portal.complaints.codes import normalise_tracking_code

    assert normalise_tracking_code("fa-7kqo-m9xd-4trv") == "FA-7KQ0-M9XD-4TRV"


def test_unknown_request_or_other_jurisdiction_is_404(app: Flask, client: FlaskClient, api_key: str) -> None:
    errors = get_both(
        client, f"{BASE}/requests/FA-0000-0000-0000", "errors.schema.json", "errors", expect=404
    )
    assert "service_request_id" in errors[0]["description"]
    code = file_request(client, api_key)
    with app.app_context():
        db.session.add(Division(code="DD", name_zh="东地省", name_en="Dongdi", level=DivisionLevel.PROVINCE))
        commit()
    assert client.get(f"{BASE}/requests/{code}.json?jurisdiction_id=XD").status_code == 200
    assert client.get(f"{BASE}/requests/{code}.json?jurisdiction_id=DD").status_code == 404


def test_tokens_are_never_issued_so_every_token_is_404(client: FlaskClient) -> None:
    errors = get_both(client, f"{BASE}/tokens/abc123", "errors.schema.json", "errors", expect=404)
    assert "token" in errors[0]["description"]
