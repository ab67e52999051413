"""GET Service Requests: its parameters, checked all at once, and the query they make.

Spec: ``service_request_id`` "overrides all other arguments"; otherwise the filters apply within a window of at
most 90 days on ``requested_datetime``, most recent first, "first 1000 requests". ``page`` (1-based) and
``page_size`` are the community's pagination extension (open311.github.io ``GeoReport_v2/Extensions.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.complaints.codes import normalise_tracking_code
from portal.complaints.timeline import PUBLIC_VIEW_LOADS
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus
from portal.open311.catalogue import SERVICE_CODES
from portal.open311.dates import (
    MAX_SPAN,
    DateError,
    WindowError,
    WindowProblem,
    parse_datetime,
    search_window,
)
from portal.open311.errors import Open311Error, problem
from portal.open311.jurisdiction import Jurisdiction
from portal.open311.mapping import CLOSED, OPEN, service_code_column, statuses_for

MAX_RESULTS = 1000  # spec, Response Volume; also the largest page_size
MAX_PAGE = 1_000_000  # keeps the offset within every database's integer range
DATE_EXAMPLE = "2025-03-01T00:00:00+08:00"


@dataclass(frozen=True)
class RequestSearch:
    # Canonical tracking codes when service_request_id was given: then nothing else applies.
    tracking_codes: tuple[str, ...] | None = None
    service_codes: frozenset[str] = frozenset()  # empty: every service
    statuses: frozenset[ComplaintStatus] = frozenset()  # empty: every status
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = MAX_RESULTS


def _list(args: MultiDict[str, str], name: str) -> list[str]:
    """A comma-separated parameter, also accepted repeated; empty items are ignored (empty means absent)."""
    return [item.strip() for value in args.getlist(name) for item in value.split(",") if item.strip()]


def _date(args: MultiDict[str, str], name: str, errors: list[str]) -> datetime | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_datetime(text)
    except DateError:
        errors.append(
            _(
                "%(parameter)s must be a date and time with a time zone, such as %(example)s",
                parameter=name,
                example=DATE_EXAMPLE,
            )
        )
        return None


def _whole_number(args: MultiDict[str, str], name: str, default: int, high: int, errors: list[str]) -> int:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    if text.isascii() and text.isdigit() and len(text) <= len(str(high)) and 1 <= int(text) <= high:
        return int(text)
    errors.append(_("%(parameter)s must be a whole number from 1 to %(high)d", parameter=name, high=high))
    return default


def _window_message(window_error: WindowError) -> str:
    if window_error.problem is WindowProblem.REVERSED:
        return _("start_date is after end_date")
    return _("start_date and end_date may not span more than %(days)d days", days=MAX_SPAN.days)


def parse_search(args: MultiDict[str, str], now: datetime) -> RequestSearch:
    """The search the parameters ask for; raises :class:`Open311Error` 400 naming every bad parameter."""
    ids = _list(args, "service_request_id")
    if ids:
        if len(ids) > MAX_RESULTS:
            raise Open311Error(
                400, [_("service_request_id may list at most %(count)d ids", count=MAX_RESULTS)]
            )
        # An id that cannot be a tracking code is simply not found, like an unknown one.
        codes = (normalise_tracking_code(text) for text in ids)
        return RequestSearch(tracking_codes=tuple(dict.fromkeys(code for code in codes if code)))

    errors: list[str] = []
    service_codes = _list(args, "service_code")
    for code in service_codes:
        if code not in SERVICE_CODES:
            errors.append(problem("service_code", _("%(value)s is not one of the services", value=code[:64])))
    statuses: set[ComplaintStatus] = set()
    for value in (value.lower() for value in _list(args, "status")):
        if value in (OPEN, CLOSED):
            statuses |= statuses_for(value)
        else:
            errors.append(problem("status", _("must be open or closed, not %(value)s", value=value[:64])))
    page = _whole_number(args, "page", 1, MAX_PAGE, errors)
    page_size = _whole_number(args, "page_size", MAX_RESULTS, MAX_RESULTS, errors)
    date_errors: list[str] = []
    start, end = _date(args, "start_date", date_errors), _date(args, "end_date", date_errors)
    window = None
    if not date_errors:
        try:
            window = search_window(start, end, now)
        except WindowError as window_error:
            date_errors.append(_window_message(window_error))
    if errors or date_errors or window is None:
        raise Open311Error(400, [*errors, *date_errors])
    return RequestSearch(
        service_codes=frozenset(service_codes),
        statuses=frozenset(statuses),
        start=window[0],
        end=window[1],
        page=page,
        page_size=page_size,
    )


def run_search(search: RequestSearch, jurisdiction: Jurisdiction) -> Sequence[Complaint]:
    query = select(Complaint).where(Complaint.division_id.in_(jurisdiction.division_ids))
    if search.tracking_codes is not None:
        query = query.where(Complaint.tracking_code.in_(search.tracking_codes))
    else:
        query = query.where(Complaint.created_at >= search.start, Complaint.created_at <= search.end)
        if search.statuses:
            query = query.where(Complaint.status.in_(search.statuses))
        if search.service_codes:
            query = query.where(service_code_column().in_(search.service_codes))
        query = query.offset((search.page - 1) * search.page_size).limit(search.page_size)
    # Newest first through ix_complaints_created_at; what the public views read is loaded in bulk.
    query = query.order_by(Complaint.created_at.desc(), Complaint.id.desc()).options(*PUBLIC_VIEW_LOADS)
    return db.session.scalars(query).all()
