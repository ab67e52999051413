"""A complaint as a <request>: status mapping, service-code precedence (Python and SQL), and the field values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.bureau.replies import post_reply
from portal.complaints.lookup import find_by_code
from portal.complaints.routing import route
from portal.domain import Role
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus, RoutedBy, StaffUser
from portal.open311.catalogue import SERVICE_CODES
from portal.open311.mapping import (
    STATUS_NOTES_MAX,
    open311_status,
    service_code_column,
    service_code_for,
    status_notes,
    statuses_for,
)
from portal.unit_of_work import commit
from tests.factories import file_via_api, make_staff
from tests.portal.open311.filings import BASE, file_request

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_only_resolved_is_closed() -> None:
    assert {status: open311_status(status) for status in ComplaintStatus} == {
        ComplaintStatus.RECEIVED: "open",
        ComplaintStatus.TRIAGE: "open",
        ComplaintStatus.ROUTED: "open",
        ComplaintStatus.REPLIED: "open",
        ComplaintStatus.RESOLVED: "closed",
        ComplaintStatus.REOPENED: "open",
    }
    assert statuses_for("closed") == {ComplaintStatus.RESOLVED}
    assert statuses_for("open") == set(ComplaintStatus) - {ComplaintStatus.RESOLVED}


@pytest.mark.parametrize(
    ("misconduct", "category", "requested", "expected"),
    [
        (True, "transport", "environment", "misconduct"),
        (False, "transport", "environment", "transport"),
        (False, None, "environment", "environment"),
        (False, None, None, "general"),
    ],
)
def test_service_code_precedence(
    misconduct: bool, category: str | None, requested: str | None, expected: str
) -> None:
    assert service_code_for(misconduct=misconduct, category_key=category, requested_key=requested) == expected


def test_sql_precedence_agrees_with_python(app: Flask, client: FlaskClient, api_key: str) -> None:
    misconduct = {"attribute[accused_unit]": "A1区城管执法大队", "attribute[party_member]": "no"}
    filed = [
        file_request(client, api_key, service_code="misconduct", **misconduct),
        file_request(client, api_key, service_code="misconduct", **misconduct),
        file_request(client, api_key, service_code="environment"),
        file_request(client, api_key, service_code="environment"),
        file_via_api(client)["tracking_code"],
        file_via_api(client)["tracking_code"],
    ]
    with app.app_context():
        # Routing wins over the requested category, an allegation over both.
        for code in (filed[1], filed[3], filed[5]):
            route(find_by_code(code), "transport", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
        complaints = db.session.scalars(select(Complaint)).all()
        in_python = {
            complaint.tracking_code: service_code_for(
                misconduct=complaint.misconduct_alleged,
                category_key=complaint.category.key if complaint.category else None,
                requested_key=complaint.requested_category_key,
            )
            for complaint in complaints
        }
        assert sorted(in_python.values()) == sorted(
            ["misconduct", "misconduct", "environment", "transport", "general", "transport"]
        )
        for code in SERVICE_CODES:
            in_sql = db.session.scalars(
                select(Complaint.tracking_code).where(service_code_column() == code)
            ).all()
            assert sorted(in_sql) == sorted(c for c, found in in_python.items() if found == code), code
    listed = client.get(f"{BASE}/requests.json").get_json()
    assert {request["service_request_id"]: request["service_code"] for request in listed} == in_python


def latest_event_time(client: FlaskClient, code: str) -> str:
    latest = client.get(f"/api/v1/complaints/{code}").get_json()["timeline"][-1]["at"]
    return datetime.fromisoformat(latest).astimezone(SHANGHAI).isoformat(timespec="seconds")


def test_routed_then_resolved(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, address="人民路与建设路交叉口")["tracking_code"]
    routed_at = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    with app.app_context():
        officer_id = make_staff("env", Role.BUREAU, bureau="XD-A1:environment").id
        complaint = find_by_code(code)
        route(complaint, "environment", routed_by=RoutedBy.STAFF, actor="staff:t", now=routed_at)
        commit()
        due = complaint.reply_due_at
    (routed,) = client.get(f"{BASE}/requests/{code}.json").get_json()
    assert routed["status"] == "open"
    assert routed["service_code"] == "environment"
    assert routed["agency_responsible"] == "A1区生态环境局"
    assert routed["expected_datetime"] == due.astimezone(SHANGHAI).isoformat(timespec="seconds")
    assert routed["service_notice"].startswith("A1区生态环境局")
    assert due.astimezone(SHANGHAI).date().isoformat() in routed["service_notice"]
    assert routed["address"] == "人民路与建设路交叉口, A1区, A市, 西地省"
    # Filed on the web: the title is not part of the body, so the description starts with it.
    assert routed["description"].startswith("人民路路灯坏了三个月\n")
    assert routed["status_notes"].count("；") == 2
    assert routed["updated_datetime"] == latest_event_time(client, code)

    replied_at = routed_at + timedelta(days=2)
    with app.app_context():
        officer = db.session.get_one(StaffUser, officer_id)
        post_reply(find_by_code(code), staff=officer, text="已修复路灯。", resolve=True, now=replied_at)
        commit()
    (closed,) = client.get(f"{BASE}/requests/{code}.json").get_json()
    assert closed["status"] == "closed"
    assert closed["expected_datetime"] is None
    assert closed["service_notice"] is None
    assert closed["status_notes"].endswith("：已修复路灯。")
    # The spec: updated_datetime of a closed request is when it closed, here the time of the resolving reply.
    timeline = client.get(f"/api/v1/complaints/{code}").get_json()["timeline"]
    assert timeline[-1]["kind"] == "bureau_replied"
    assert closed["updated_datetime"] == latest_event_time(client, code)


def test_public_text_is_redacted(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, body="楼下张三的饭店油烟很大，老板电话13912345678，请环保部门来查一查。")[
        "tracking_code"
    ]
    with app.app_context():
        find_by_code(code).redactions = ["张三"]
        commit()
    (request,) = client.get(f"{BASE}/requests/{code}.json").get_json()
    assert "13912345678" not in request["description"]
    assert "张三" not in request["description"]
    listed = client.get(f"{BASE}/requests.xml").get_data(as_text=True)
    assert "13912345678" not in listed
    assert "张三" not in listed


def _timeline(*texts: str) -> dict[str, object]:
    at = datetime(2025, 3, 1, 20, 0, tzinfo=UTC).isoformat()  # 04:00 the next day in Shanghai
    return {"timeline": [{"at": at, "text": text, "detail": None} for text in texts]}


def test_status_notes_are_local_dates_latest_kept() -> None:
    assert (
        status_notes(_timeline("已收到投诉", "等待分办"), SHANGHAI, "zh")
        == "2025-03-02 已收到投诉；2025-03-02 等待分办"
    )
    assert status_notes(_timeline("Received"), SHANGHAI, "en") == "2025-03-02 Received"
    assert status_notes(_timeline(), SHANGHAI, "zh") is None
    many = status_notes(_timeline(*(f"第{n}步" for n in range(30))), SHANGHAI, "zh")
    assert many is not None
    assert many.startswith("2025-03-02 第20步")  # the last ten events
    assert many.endswith("第29步")
    long = status_notes(_timeline("旧" * 600, "新" * 600), SHANGHAI, "zh")
    assert long is not None
    assert "旧" not in long  # the latest wins when both do not fit
    huge = status_notes(_timeline("长" * 2000), SHANGHAI, "zh")
    assert huge is not None
    assert len(huge) == STATUS_NOTES_MAX
    assert huge.endswith("…")
