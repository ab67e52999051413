"""GET Service Requests: the 90-day window, the filters, service_request_id overriding them, pages, errors."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal.complaints.lookup import find_by_code
from portal.extensions import db
from portal.models import ComplaintStatus, utcnow
from portal.unit_of_work import commit
from tests.portal.open311.documents import get_both
from tests.portal.open311.filings import BASE, file_request

REQUESTS = f"{BASE}/requests"


def codes(client: FlaskClient, **query: str) -> list[str]:
    document = get_both(client, REQUESTS, "requests.schema.json", "service_requests", query=query)
    return [request["service_request_id"] for request in document]


def errors(client: FlaskClient, **query: str) -> list[str]:
    document = get_both(client, REQUESTS, "errors.schema.json", "errors", expect=400, query=query)
    assert {error["code"] for error in document} == {400}
    return [error["description"] for error in document]


def backdate(app: Flask, code: str, when: datetime) -> None:
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        complaint.created_at = when
        commit()


def set_status(app: Flask, code: str, status: ComplaintStatus) -> None:
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        complaint.status = status
        commit()


def w3c(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def test_no_requests_is_an_empty_list(client: FlaskClient) -> None:
    assert codes(client) == []


def test_default_window_is_the_last_90_days_most_recent_first(
    app: Flask, client: FlaskClient, api_key: str
) -> None:
    old, middle, new = (file_request(client, api_key) for _ in range(3))
    now = utcnow()
    backdate(app, old, now - timedelta(days=91))
    backdate(app, middle, now - timedelta(days=89))
    assert codes(client) == [new, middle]


def test_dates_bound_the_window_inclusively(app: Flask, client: FlaskClient, api_key: str) -> None:
    first, second, third = (file_request(client, api_key) for _ in range(3))
    base = utcnow().replace(microsecond=0) - timedelta(days=200)
    for offset, code in enumerate((first, second, third)):
        backdate(app, code, base + timedelta(days=10 * offset))
    assert codes(client) == []
    both = {"start_date": w3c(base + timedelta(days=10)), "end_date": w3c(base + timedelta(days=20))}
    assert codes(client, **both) == [third, second]
    assert codes(client, start_date=w3c(base)) == [third, second, first]  # 90 days from the start
    assert codes(client, end_date=w3c(base + timedelta(days=10))) == [second, first]  # 90 days to the end
    # An unencoded "+" of the offset arrives as a space and is still understood.
    shanghai = (base + timedelta(days=10, hours=8)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.get(f"{REQUESTS}.json?start_date={shanghai}+08:00&end_date={shanghai}+08:00")
    assert [request["service_request_id"] for request in response.get_json()] == [second]


def test_status_and_service_code_filters(app: Flask, client: FlaskClient, api_key: str) -> None:
    environment = file_request(client, api_key)
    transport = file_request(client, api_key, service_code="transport")
    resolved = file_request(client, api_key, service_code="transport")
    set_status(app, resolved, ComplaintStatus.RESOLVED)
    assert codes(client, status="closed") == [resolved]
    assert codes(client, status="open") == [transport, environment]
    assert codes(client, status="open,closed") == [resolved, transport, environment]
    assert codes(client, service_code="transport") == [resolved, transport]
    assert codes(client, service_code="transport", status="open") == [transport]
    assert codes(client, service_code="environment,misconduct") == [environment]
    assert codes(client, service_code="general") == []


def test_service_request_id_overrides_every_other_argument(
    app: Flask, client: FlaskClient, api_key: str
) -> None:
    old, recent = file_request(client, api_key), file_request(client, api_key)
    backdate(app, old, utcnow() - timedelta(days=400))
    listed = codes(
        client,
        service_request_id=f"{old},{recent.lower()},FA-0000-0000-0000,not-a-code",
        status="closed",
        service_code="misconduct",
        page="7",
        start_date="garbage",
    )
    assert listed == [recent, old]
    too_many = ",".join(["FA-0000-0000-0000"] * 1001)
    assert any("service_request_id" in text for text in errors(client, service_request_id=too_many))


def test_pages_are_one_based_and_past_the_end_is_empty(client: FlaskClient, api_key: str) -> None:
    filed = [file_request(client, api_key) for _ in range(3)]
    newest_first = filed[::-1]
    assert codes(client, page_size="2") == newest_first[:2]
    assert codes(client, page_size="2", page="2") == newest_first[2:]
    assert codes(client, page_size="2", page="3") == []
    assert codes(client, page="1") == newest_first


def test_every_bad_parameter_is_reported_at_once(client: FlaskClient) -> None:
    found = errors(
        client,
        service_code="environment,parking",
        status="pending",
        start_date="2025-03-01",
        end_date="soon",
        page="0",
        page_size="1001",
    )
    assert len(found) == 6, found
    for name in ("service_code", "status", "start_date", "end_date", "page", "page_size"):
        assert any(name in text for text in found), (name, found)
    assert any("parking" in text for text in found)


def test_window_errors(client: FlaskClient) -> None:
    (reversed_range,) = errors(client, start_date="2025-03-02T00:00:00Z", end_date="2025-03-01T00:00:00Z")
    assert "start_date" in reversed_range
    (too_long,) = errors(client, start_date="2025-01-01T00:00:00Z", end_date="2025-04-02T00:00:00Z")
    assert "90" in too_long
    for page_size in ("-1", "1.5", "１", "9" * 5000):
        assert any("page_size" in text for text in errors(client, page_size=page_size))


def test_requests_of_other_jurisdictions_are_not_listed(
    app: Flask, client: FlaskClient, api_key: str
) -> None:
    from portal.models import Division, DivisionLevel

    mine = file_request(client, api_key)
    with app.app_context():
        db.session.add(Division(code="DD", name_zh="东地省", name_en="Dongdi", level=DivisionLevel.PROVINCE))
        commit()
    assert codes(client, jurisdiction_id="XD") == [mine]
    assert codes(client, jurisdiction_id="DD") == []
    assert codes(client, jurisdiction_id="DD", service_request_id=mine) == []
