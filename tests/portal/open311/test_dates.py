"""W3C dates with a zone, and the 90-day search window of GET Service Requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.open311.dates import (
    MAX_SPAN,
    DateError,
    WindowError,
    WindowProblem,
    format_datetime,
    parse_datetime,
    search_window,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01T09:30:00Z", datetime(2025, 3, 1, 9, 30, tzinfo=UTC)),
        ("2025-03-01T09:30:00+08:00", datetime(2025, 3, 1, 1, 30, tzinfo=UTC)),
        ("2025-03-01T09:30:00-05:00", datetime(2025, 3, 1, 14, 30, tzinfo=UTC)),
        ("2025-03-01T09:30+08:00", datetime(2025, 3, 1, 1, 30, tzinfo=UTC)),
        ("2025-03-01T09:30:00.250+08:00", datetime(2025, 3, 1, 1, 30, 0, 250000, tzinfo=UTC)),
        # An unencoded "+" in a query string arrives as a space.
        ("2025-03-01T09:30:00 08:00", datetime(2025, 3, 1, 1, 30, tzinfo=UTC)),
        (" 2025-03-01T09:30:00Z ", datetime(2025, 3, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_parse_accepts_w3c_datetimes_with_a_zone(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01T09:30:00",
        "2025-03-01",
        "2025-03-01 09:30:00+08:00",
        "yesterday",
        "",
        "2025-13-01T00:00Z",
        # At the ends of the calendar the 90-day window arithmetic would overflow.
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_parse_refuses_naive_date_only_and_garbage(text: str) -> None:
    with pytest.raises(DateError):
        parse_datetime(text)


def test_format_is_local_time_with_offset_and_whole_seconds() -> None:
    value = datetime(2025, 3, 1, 1, 30, 5, 987654, tzinfo=UTC)
    assert format_datetime(value, SHANGHAI) == "2025-03-01T09:30:05+08:00"
    assert format_datetime(value, UTC) == "2025-03-01T01:30:05+00:00"
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2025, 3, 1), SHANGHAI)


def test_window_defaults_to_the_last_90_days() -> None:
    assert search_window(None, None, NOW) == (NOW - MAX_SPAN, NOW)


def test_window_from_one_end_spans_90_days() -> None:
    start = datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    assert search_window(start, None, NOW) == (start.astimezone(UTC), (start + MAX_SPAN).astimezone(UTC))
    assert search_window(None, start, NOW) == ((start - MAX_SPAN).astimezone(UTC), start.astimezone(UTC))


def test_window_as_given_when_both_ends_fit() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    assert search_window(start, start + MAX_SPAN, NOW) == (start, start + MAX_SPAN)
    assert search_window(start, start, NOW) == (start, start)


def test_window_refuses_reversed_and_too_long_ranges() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(WindowError) as reversed_range:
        search_window(start, start - timedelta(seconds=1), NOW)
    assert reversed_range.value.problem is WindowProblem.REVERSED
    with pytest.raises(WindowError) as too_long:
        search_window(start, start + MAX_SPAN + timedelta(seconds=1), NOW)
    assert too_long.value.problem is WindowProblem.TOO_LONG
