"""The Atom feed of a complaint's public timeline: valid Atom (read by feedparser), public items only."""

from __future__ import annotations

import feedparser
from flask import Flask
from flask.testing import FlaskClient

from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.privacy.reveals import reveal
from portal.unit_of_work import commit
from tests.escalation.helpers import routed_complaint
from tests.factories import bearer, make_staff


def test_the_feed_is_atom_with_the_public_timeline_only(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
        complaint = routed_complaint(client, contact={"phone": "13912345678"})
        code = complaint.tracking_code
        # A private event: staff were shown the contact details (with a reason that must not leak).
        admin = make_staff("adm", Role.ADMIN)
        reveal(find_by_code(code), staff=admin, reason="需要回访核实SECRET-REASON")
        commit()
    replied = client.post(
        f"/api/v1/complaints/{code}/replies",
        json={"text": "已派人清理，电话13900001111。", "resolve": True},
        headers=officer,
    )
    assert replied.status_code == 201
    response = client.get(f"/track/{code}/feed.atom?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    public = client.get(f"/api/v1/complaints/{code}", headers={"Accept-Language": "en"}).get_json()
    assert [entry.title for entry in feed.entries] == [item["text"] for item in reversed(public["timeline"])]
    assert feed.feed.title.startswith(code)
    assert feed.feed.link == f"http://localhost/track/{code}"
    newest = feed.entries[0]
    assert newest.title == "The bureau replied and marked the complaint resolved"
    assert newest.content[0].value == public["timeline"][-1]["detail"]
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    text = response.get_data(as_text=True)
    for private in ("SECRET-REASON", "contact_revealed", "13900001111", "13912345678"):
        assert private not in text


def test_the_feed_follows_codes_like_the_page(client: FlaskClient) -> None:
    assert client.get("/track/FA-0000-0000-0000/feed.atom").status_code == 404
    code = client.post(
        "/api/v1/complaints",
        json={"title": "河道垃圾无人清理", "body": "A1区清水河两岸垃圾堆积，已经发臭。", "division": "XD-A1"},
    ).get_json()["tracking_code"]
    moved = client.get(f"/track/{code.lower().replace('-', '')}/feed.atom")
    assert moved.status_code == 302
    assert moved.location.endswith(f"/track/{code}/feed.atom")
    feed = feedparser.parse(client.get(f"/track/{code}/feed.atom").data)
    assert not feed.bozo
    assert feed.feed.language == "zh"
    assert [entry.title for entry in feed.entries] == ["等待分办人员确定责任部门", "已收到投诉"]
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert f'href="/track/{code}/feed.atom"' in page
