"""A duplicate of a two-bureau master follows both bureaus: it shows the master's second bureau, hears of it, and
reads as resolved only when the master is (both bureaus resolved their part)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.duplicates import service
from portal.models import ComplaintStatus
from portal.unit_of_work import commit
from tests.factories import bearer, file_via_api


def test_a_duplicate_follows_both_bureaus_of_its_master(app: Flask, client: FlaskClient) -> None:
    master = file_via_api(client)["tracking_code"]
    duplicate = file_via_api(client)["tracking_code"]
    with app.app_context():
        service.link(find_by_code(duplicate), master, reason="同一路口的路灯", actor="staff:test")
        commit()
        triage = bearer("tri", Role.TRIAGE)
        first = bearer("hou", Role.BUREAU, bureau="XD-A1:housing_urban")
        second = bearer("tra", Role.BUREAU, bureau="XD-A1:transport")
    routed = client.post(
        f"/api/v1/complaints/{master}/routing",
        json={"category": "housing_urban", "reason": "两部门", "second_bureau": "XD-A1:transport"},
        headers=triage,
    )
    assert routed.status_code == 201, routed.get_json()
    view = client.get(f"/api/v1/complaints/{duplicate}").get_json()
    handled = view["duplicates"]["handled_with"]
    assert handled["second_bureau"]["bureau"]["code"] == "XD-A1:transport"
    assert any(item["kind"] == "master_progress" for item in view["timeline"])
    url = f"/api/v1/complaints/{master}/replies"
    client.post(url, json={"text": "路灯已修复。", "resolve": True}, headers=first)
    view = client.get(f"/api/v1/complaints/{duplicate}").get_json()
    assert view["duplicates"]["handled_with"]["resolved_at"] is None
    assert view["duplicates"]["handled_with"]["status"] == "replied"
    client.post(url, json={"text": "已设置临时交通标志。", "resolve": True}, headers=second)
    view = client.get(f"/api/v1/complaints/{duplicate}").get_json()
    assert view["duplicates"]["handled_with"]["resolved_at"] is not None
    assert view["duplicates"]["handled_with"]["status"] == ComplaintStatus.RESOLVED.value
