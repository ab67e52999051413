"""One document, two formats: the GeoReport v2 XML and its Spark-convention JSON (pure: no Flask).

A response is built once as plain Python (dicts in the spec's field order, lists, strings, numbers, booleans,
``None``) and written by :func:`to_xml` or :func:`to_json`, so the two formats cannot drift apart. The JSON is the
Spark mapping of the XML (open311.github.io ``JSON_and_XML_Conversion.md``): the root element is dropped, a
container of one repeated element becomes an array (even with a single item), an empty element becomes ``null``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

# Container element -> the name of each of its items, as in the spec's XML examples.
ITEM_NAMES: Mapping[str, str] = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all, not even escaped (ElementTree would write them and break the document).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Document = Mapping[str, Any] | Sequence[Any]


class UnknownContainer(KeyError):
    """A list was given for an element whose item name is not known (a bug in the caller)."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        try:
            item_name = ITEM_NAMES[element.tag]
        except KeyError:
            raise UnknownContainer(element.tag) from None
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, document: Document) -> bytes:
    """The document as UTF-8 XML under ``root``: booleans as ``true``/``false``, ``None`` as an empty element."""
    element = ET.Element(root)
    _fill(element, document)
    ET.indent(element)
    # Written by hand: ElementTree's own declaration uses single quotes, the spec's examples double quotes.
    return (XML_DECLARATION + ET.tostring(element, encoding="unicode")).encode("utf-8")


def to_json(document: Document) -> bytes:
    """The document as UTF-8 JSON, keys in the order given (the spec's field order), Chinese unescaped."""
    # "replace": a lone surrogate cannot be encoded; it must not turn the whole answer into an error.
    return json.dumps(document, ensure_ascii=False).encode("utf-8", errors="replace")
