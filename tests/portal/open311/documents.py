"""Checks shared by the Open311 tests: our JSON schemas, and the XML as the spec names its elements."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "portal" / "open311" / "schemas"
SCHEMAS = {
    path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMA_DIR.glob("*.schema.json")
}
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)
# The spec's element names (GeoReport v2 examples; Service Discovery), written out here rather than imported,
# so a wrong name in the serializer fails the tests.
SPEC_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"


def validate(schema_name: str, document: object) -> None:
    Draft202012Validator(
        SCHEMAS[schema_name], registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def parse_xml(body: bytes, root: str) -> ET.Element:
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), body[:60]
    element = ET.fromstring(body)  # noqa: S314 - our own server's answer, parsed to check it
    assert element.tag == root
    return element


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def assert_same_document(xml: ET.Element, document: Any) -> None:
    """The XML element is the document under the Spark convention: same names, same order, same values."""
    if isinstance(document, list):
        item = SPEC_ITEMS[xml.tag]
        assert [child.tag for child in xml] == [item] * len(document), (xml.tag, [c.tag for c in xml])
        for child, value in zip(xml, document, strict=True):
            assert_same_document(child, value)
    elif isinstance(document, dict):
        assert [child.tag for child in xml] == list(document), (xml.tag, [c.tag for c in xml], list(document))
        for child, value in zip(xml, document.values(), strict=True):
            assert_same_document(child, value)
    else:
        assert len(xml) == 0, xml.tag
        text = xml.text.strip() if xml.text and xml.text.strip() else None
        expected = _xml_text(document)
        assert text == (expected.strip() if expected else None), (xml.tag, text, expected)


def get_both(
    client: Any, url: str, schema: str, root: str, expect: int = 200, query: dict[str, str] | None = None
) -> Any:
    """GET ``url`` + ``.json`` and ``.xml``: check status, content type, the schema and that the XML says the same.

    Returns the JSON document.
    """
    as_json = client.get(f"{url}.json", query_string=query)
    as_xml = client.get(f"{url}.xml", query_string=query)
    assert (as_json.status_code, as_xml.status_code) == (expect, expect), as_json.get_data(as_text=True)
    assert as_json.headers["Content-Type"] == JSON_CONTENT_TYPE
    assert as_xml.headers["Content-Type"] == XML_CONTENT_TYPE
    document = json.loads(as_json.data)
    validate(schema, document)
    assert_same_document(parse_xml(as_xml.data, root), document)
    return document
