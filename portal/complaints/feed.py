"""The public timeline of one complaint as an Atom feed (RFC 4287), so any feed reader follows it, anonymously.

Built from the public view (:func:`portal.complaints.timeline.public_complaint`) and nothing else: the feed can
never say more than the status page. Entries are numbered by their place in the public timeline, which only
ever grows (events are append-only and never change from private to public), so an entry keeps its id.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

ATOM = "http://www.w3.org/2005/Atom"
ElementTree.register_namespace("", ATOM)


def _add(
    parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str
) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(
    view: dict[str, Any],
    *,
    track_url: str,
    self_url: str,
    host: str,
    language: str,
    author: str,
    subtitle: str,
) -> bytes:
    """The feed of the public ``view`` of a complaint."""
    code = view["tracking_code"]
    filed_day = view["filed_at"][:10]
    items = view["timeline"]
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    _add(feed, "id", f"tag:{host},{filed_day}:complaint/{code}")
    _add(feed, "title", f"{code} · {view['title']}")
    _add(feed, "subtitle", subtitle)
    _add(feed, "updated", items[-1]["at"] if items else view["filed_at"])
    _add(_add(feed, "author"), "name", author)
    _add(feed, "link", rel="alternate", type="text/html", href=track_url)
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    for number, item in reversed(list(enumerate(items, start=1))):  # newest first, as readers expect
        entry = _add(feed, "entry")
        _add(entry, "id", f"tag:{host},{filed_day}:complaint/{code}/{number}")
        _add(entry, "title", item["text"])
        _add(entry, "updated", item["at"])
        _add(entry, "published", item["at"])
        _add(entry, "link", rel="alternate", type="text/html", href=track_url)
        _add(entry, "category", term=item["kind"])
        if item.get("detail"):
            _add(entry, "content", item["detail"], type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
