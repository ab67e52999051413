"""The pure XML/JSON writer: Spark-convention JSON, the spec's XML, and text no parser chokes on."""

from __future__ import annotations

import json

import pytest

from portal.open311.serialize import UnknownContainer, to_json, to_xml
from tests.portal.open311.documents import parse_xml


def test_xml_declaration_items_and_scalars() -> None:
    body = to_xml(
        "services",
        [{"service_code": "environment", "metadata": True, "group": None, "order": 3, "lat": 30.5}],
    )
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<services>')
    root = parse_xml(body, "services")
    (service,) = root
    assert service.tag == "service"
    assert [(child.tag, child.text) for child in service] == [
        ("service_code", "environment"),
        ("metadata", "true"),
        ("group", None),
        ("order", "3"),
        ("lat", "30.5"),
    ]


def test_nested_containers_are_named_by_the_spec() -> None:
    document = {
        "service_code": "misconduct",
        "attributes": [{"code": "party_member", "values": [{"key": "yes", "name": "是"}]}],
    }
    root = parse_xml(to_xml("service_definition", document), "service_definition")
    assert [child.tag for child in root] == ["service_code", "attributes"]
    value = root.find("attributes/attribute/values/value")
    assert value is not None
    assert [(child.tag, child.text) for child in value] == [("key", "yes"), ("name", "是")]


def test_empty_list_is_an_empty_container() -> None:
    root = parse_xml(to_xml("service_requests", []), "service_requests")
    assert list(root) == []


def test_a_list_under_an_unknown_element_is_a_bug() -> None:
    with pytest.raises(UnknownContainer):
        to_xml("service_requests", [{"notes": ["a"]}])


def test_characters_xml_cannot_carry_are_dropped_and_markup_is_escaped() -> None:
    body = to_xml("errors", [{"code": 400, "description": "bad \x01\x0b\ufffe char & <x> 中文\n"}])
    description = parse_xml(body, "errors").find("error/description")
    assert description is not None
    assert description.text == "bad  char & <x> 中文\n"


def test_json_keeps_order_types_and_chinese() -> None:
    body = to_json([{"service_request_id": "FA-1", "lat": None, "metadata": False, "name": "环境保护"}])
    assert body.decode() == (
        '[{"service_request_id": "FA-1", "lat": null, "metadata": false, "name": "环境保护"}]'
    )
    assert json.loads(body) == [
        {"service_request_id": "FA-1", "lat": None, "metadata": False, "name": "环境保护"}
    ]


def test_json_survives_a_lone_surrogate() -> None:
    assert json.loads(to_json({"text": "a\ud800b"})) == {"text": "a?b"}
