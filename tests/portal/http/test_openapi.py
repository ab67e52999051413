"""GET /api/v1/openapi.json describes exactly the API that exists."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from portal.http.api import API_PREFIX


def api_operations(app: Flask) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX + "/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(API_PREFIX) :])
            operations |= {
                (path, method.lower()) for method in rule.methods or () if method not in {"HEAD", "OPTIONS"}
            }
    return operations


def test_every_route_is_described_and_every_description_is_routed(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert described == api_operations(app)


def test_every_schema_reference_resolves(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    refs = set(
        re.findall(
            r'"\$ref": "#/components/schemas/([A-Za-z]+)"',
            client.get("/api/v1/openapi.json").get_data(as_text=True),
        )
    )
    assert refs <= set(document["components"]["schemas"])


def test_public_operations_say_so(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/complaints"]["post"]["security"] == []
    assert document["security"] == [{"bearer": []}]
