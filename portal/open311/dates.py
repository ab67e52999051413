"""GeoReport v2 dates and the 90-day search window (pure: no Flask).

The spec ("Date/time format") asks for W3C-DTF with a time zone, ``2010-01-01T00:00:00Z`` or
``2010-01-01T00:00:00-08:00``. GET Service Requests searches ``requested_datetime`` between ``start_date`` and
``end_date`` (both included); the range "may not span more than 90 days" and defaults to "the most recent 90
days".
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime, timedelta, tzinfo

MAX_SPAN = timedelta(days=90)
EARLIEST = datetime.min.replace(tzinfo=UTC) + 2 * MAX_SPAN
LATEST = datetime.max.replace(tzinfo=UTC) - 2 * MAX_SPAN
# A "+" in a query string that was not percent-encoded arrives as a space: "...T09:30:00 08:00".
_PLUS_AS_SPACE = re.compile(r"^(\d{4}-\d{2}-\d{2}T[\d:.]+) (\d{2}:?\d{2})$")


class DateError(ValueError):
    """Not a W3C date-time with a time zone."""


class WindowProblem(enum.Enum):
    REVERSED = "reversed"  # start_date after end_date
    TOO_LONG = "too_long"  # more than 90 days


class WindowError(ValueError):
    def __init__(self, problem: WindowProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def parse_datetime(text: str) -> datetime:
    """An aware datetime from W3C-DTF text; naive values and bare dates are refused (the zone is required)."""
    candidate = _PLUS_AS_SPACE.sub(r"\1+\2", text.strip())
    if "T" not in candidate.upper():
        raise DateError(text)
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError as exc:
        raise DateError(text) from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise DateError(text)
    # Years at the ends of the calendar (0001, 9999) would overflow in the window arithmetic.
    try:
        in_range = EARLIEST <= value.astimezone(UTC) <= LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise DateError(text)
    return value


def format_datetime(value: datetime, zone: tzinfo) -> str:
    """``2025-03-01T09:30:00+08:00``: the local time of ``zone``, whole seconds, with its offset."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(zone).replace(microsecond=0).isoformat(timespec="seconds")


def search_window(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """The inclusive ``requested_datetime`` range to search, in UTC.

    Neither end given: the last 90 days. One end given: 90 days from it (the spec names only the other two
    cases; this keeps its limit). Both: as given, but not reversed and not longer than 90 days (refused, not
    silently clamped: the spec says the range "may not span" more).
    """
    if start is None:
        end = end if end is not None else now
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if start > end:
        raise WindowError(WindowProblem.REVERSED)
    if end - start > MAX_SPAN:
        raise WindowError(WindowProblem.TOO_LONG)
    return start.astimezone(UTC), end.astimezone(UTC)
