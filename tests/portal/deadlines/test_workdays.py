from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.deadlines.workdays import (
    SHANGHAI,
    WorkCalendar,
    calendar_day_deadline,
    end_of_local_day,
    last_day_of,
    local_day,
)

# The official 2024 arrangements (State Council notice) for National Day and Spring Festival, with 调休.
NATIONAL_DAY_2024 = frozenset(date(2024, 10, day) for day in range(1, 8))
NATIONAL_DAY_2024_MAKEUP = frozenset({date(2024, 9, 29), date(2024, 10, 12)})  # a Sunday and a Saturday
SPRING_FESTIVAL_2024 = frozenset(date(2024, 2, day) for day in range(10, 18))
SPRING_FESTIVAL_2024_MAKEUP = frozenset({date(2024, 2, 4), date(2024, 2, 18)})  # two Sundays
CALENDAR_2024 = WorkCalendar(
    holidays=NATIONAL_DAY_2024 | SPRING_FESTIVAL_2024,
    makeup_workdays=NATIONAL_DAY_2024_MAKEUP | SPRING_FESTIVAL_2024_MAKEUP,
)
PLAIN = WorkCalendar()


def cst(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def midnight_ending(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day) + timedelta(days=1), time.min, tzinfo=SHANGHAI)


# --- local days ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(datetime(2024, 6, 3, 15, 59, 59, tzinfo=UTC), date(2024, 6, 3), id="23:59:59 CST"),
        pytest.param(datetime(2024, 6, 3, 16, 0, tzinfo=UTC), date(2024, 6, 4), id="00:00 CST next day"),
        pytest.param(datetime(2024, 6, 3, 23, 30, tzinfo=timezone(timedelta(hours=-5))), date(2024, 6, 4)),
        pytest.param(cst(2024, 6, 3, 0, 0), date(2024, 6, 3), id="local midnight"),
    ],
)
def test_local_day_is_the_shanghai_day(moment: datetime, expected: date) -> None:
    assert local_day(moment) == expected


def test_end_of_local_day_is_the_next_local_midnight() -> None:
    end = end_of_local_day(date(2024, 6, 3))
    assert end == datetime(2024, 6, 3, 16, 0, tzinfo=UTC)
    assert end.tzinfo is SHANGHAI


def test_last_day_of_a_deadline_is_the_day_it_ends() -> None:
    assert last_day_of(end_of_local_day(date(2024, 6, 10))) == date(2024, 6, 10)
    assert last_day_of(cst(2024, 6, 10, 12)) == date(2024, 6, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: local_day(naive),
        lambda naive: last_day_of(naive),
        lambda naive: calendar_day_deadline(naive, 5),
        lambda naive: PLAIN.working_day_deadline(naive, 5),
    ],
    ids=["local_day", "last_day_of", "calendar_day_deadline", "working_day_deadline"],
)
def test_naive_datetimes_are_refused(call: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2024, 6, 3, 10, 0))


# --- which days are working days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2024, 6, 3), True, id="Monday"),
        pytest.param(date(2024, 6, 7), True, id="Friday"),
        pytest.param(date(2024, 6, 8), False, id="Saturday"),
        pytest.param(date(2024, 6, 9), False, id="Sunday"),
        pytest.param(date(2024, 10, 1), False, id="National Day on a Tuesday"),
        pytest.param(date(2024, 10, 5), False, id="National Day on a Saturday"),
        pytest.param(date(2024, 9, 29), True, id="make-up Sunday"),
        pytest.param(date(2024, 10, 12), True, id="make-up Saturday"),
        pytest.param(date(2024, 2, 9), True, id="除夕 2024 was a working Friday"),
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert CALENDAR_2024.is_working_day(day) is expected


def test_without_holidays_only_weekends_are_off() -> None:
    assert PLAIN.is_working_day(date(2024, 10, 1))
    assert not PLAIN.is_working_day(date(2024, 9, 29))


# --- working-day deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "last_day"),
    [
        pytest.param(cst(2024, 6, 3), 1, date(2024, 6, 4), id="Mon+1"),
        pytest.param(cst(2024, 6, 3), 5, date(2024, 6, 10), id="Mon+5 skips a weekend"),
        pytest.param(cst(2024, 6, 7), 1, date(2024, 6, 10), id="Fri+1 is Monday"),
        pytest.param(cst(2024, 6, 7), 5, date(2024, 6, 14), id="Fri+5"),
        pytest.param(cst(2024, 6, 8), 5, date(2024, 6, 14), id="opened on a Saturday"),
        pytest.param(cst(2024, 6, 9), 5, date(2024, 6, 14), id="opened on a Sunday"),
        pytest.param(cst(2024, 6, 3), 15, date(2024, 6, 24), id="Mon+15"),
        pytest.param(cst(2024, 6, 3), 60, date(2024, 8, 26), id="Mon+60 is twelve weeks"),
        pytest.param(cst(2024, 6, 3, 0, 0), 5, date(2024, 6, 10), id="opened at local midnight"),
        pytest.param(
            cst(2024, 6, 3, 23, 59), 5, date(2024, 6, 10), id="opened at 23:59: the day does not count"
        ),
    ],
)
def test_working_day_deadline_without_holidays(start: datetime, days: int, last_day: date) -> None:
    assert PLAIN.working_day_deadline(start, days) == end_of_local_day(last_day)


@pytest.mark.parametrize(
    ("start", "days", "last_day"),
    [
        # Oct 1-7 off; Sep 29 (Sun) and Oct 12 (Sat) worked
        pytest.param(
            cst(2024, 9, 30), 5, date(2024, 10, 12), id="across National Day into a make-up Saturday"
        ),
        pytest.param(cst(2024, 9, 27), 1, date(2024, 9, 29), id="Fri+1 is the make-up Sunday"),
        pytest.param(cst(2024, 9, 29), 1, date(2024, 9, 30), id="opened on the make-up Sunday"),
        pytest.param(cst(2024, 10, 3), 1, date(2024, 10, 8), id="opened during the holiday"),
        # Feb 10-17 off; Feb 4 (Sun) and Feb 18 (Sun) worked
        pytest.param(
            cst(2024, 2, 2), 5, date(2024, 2, 8), id="through the make-up Sunday before Spring Festival"
        ),
        pytest.param(cst(2024, 2, 8), 5, date(2024, 2, 21), id="across Spring Festival"),
    ],
)
def test_working_day_deadline_with_2024_holidays(start: datetime, days: int, last_day: date) -> None:
    assert CALENDAR_2024.working_day_deadline(start, days) == end_of_local_day(last_day)


def test_holidays_without_makeup_days_push_further() -> None:
    calendar = WorkCalendar(holidays=NATIONAL_DAY_2024)
    assert calendar.working_day_deadline(cst(2024, 9, 30), 5) == midnight_ending(2024, 10, 14)


def test_the_start_counts_on_its_shanghai_day_not_its_utc_day() -> None:
    # 2024-06-02 16:30 UTC is Monday 00:30 in Shanghai but still Sunday in UTC
    start = datetime(2024, 6, 2, 16, 30, tzinfo=UTC)
    assert PLAIN.working_day_deadline(start, 5) == midnight_ending(2024, 6, 10)
    assert calendar_day_deadline(start, 1) == midnight_ending(2024, 6, 4)


def test_a_deadline_is_local_midnight_whatever_the_zone_of_the_start() -> None:
    deadline = PLAIN.working_day_deadline(datetime(2024, 6, 3, 2, 0, tzinfo=UTC), 5)
    assert deadline.tzinfo is SHANGHAI
    assert deadline == datetime(2024, 6, 10, 16, 0, tzinfo=UTC)


# --- calendar-day deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "last_day"),
    [
        pytest.param(cst(2024, 6, 7), 1, date(2024, 6, 8), id="Fri+1 is Saturday"),
        pytest.param(cst(2024, 6, 7), 5, date(2024, 6, 12), id="Fri+5"),
        pytest.param(cst(2024, 9, 30), 5, date(2024, 10, 5), id="holidays count"),
        pytest.param(cst(2024, 12, 30), 5, date(2025, 1, 4), id="across the new year"),
    ],
)
def test_calendar_day_deadline(start: datetime, days: int, last_day: date) -> None:
    assert calendar_day_deadline(start, days) == end_of_local_day(last_day)


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1, True, 1.5])
def test_day_counts_must_be_positive_whole_numbers(days: object) -> None:
    with pytest.raises(ValueError, match="whole number"):
        PLAIN.working_day_deadline(cst(2024, 6, 3), days)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole number"):
        calendar_day_deadline(cst(2024, 6, 3), days)  # type: ignore[arg-type]


def test_day_lists_must_be_frozensets() -> None:
    with pytest.raises(TypeError, match="holidays must be a frozenset"):
        WorkCalendar(holidays={date(2024, 10, 1)})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="makeup_workdays must be a frozenset"):
        WorkCalendar(makeup_workdays=[date(2024, 10, 12)])  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [datetime(2024, 10, 1, tzinfo=SHANGHAI), "2024-10-01"])
def test_day_lists_must_hold_dates(bad: object) -> None:
    with pytest.raises(TypeError, match="dates only"):
        WorkCalendar(holidays=frozenset({bad}))  # type: ignore[arg-type]


def test_a_day_cannot_be_both_holiday_and_makeup_day() -> None:
    with pytest.raises(ValueError, match="2024-10-12"):
        WorkCalendar(
            holidays=frozenset({date(2024, 10, 12)}), makeup_workdays=frozenset({date(2024, 10, 12)})
        )


# --- properties ---------------------------------------------------------------------------------------------

ZONES = [UTC, SHANGHAI, timezone(timedelta(hours=-8)), timezone(timedelta(hours=14))]
WINDOW_START = date(2024, 1, 1)
window_days = st.integers(min_value=0, max_value=200).map(
    lambda offset: WINDOW_START + timedelta(days=offset)
)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    holidays = draw(st.frozensets(window_days, max_size=40))
    weekends = window_days.filter(lambda day: day.weekday() >= 5 and day not in holidays)
    return WorkCalendar(holidays=holidays, makeup_workdays=draw(st.frozensets(weekends, max_size=10)))


starts = st.builds(
    lambda day, seconds, zone: (
        datetime.combine(day, time.min, tzinfo=SHANGHAI) + timedelta(seconds=seconds)
    ).astimezone(zone),
    window_days,
    st.integers(min_value=0, max_value=86399),
    st.sampled_from(ZONES),
)


@given(calendar=calendars(), start=starts, days=st.integers(min_value=1, max_value=80))
def test_working_day_deadline_counts_exactly_n_working_days(
    calendar: WorkCalendar, start: datetime, days: int
) -> None:
    deadline = calendar.working_day_deadline(start, days)
    local = deadline.astimezone(SHANGHAI)
    assert local.time() == time.min
    last = last_day_of(deadline)
    assert calendar.is_working_day(last)
    first = local_day(start) + timedelta(days=1)
    span = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    assert sum(calendar.is_working_day(day) for day in span) == days
    assert calendar.working_day_deadline(start, days + 1) > deadline


@given(start=starts, days=st.integers(min_value=1, max_value=400))
def test_calendar_day_deadline_is_n_days_after_the_local_start_day(start: datetime, days: int) -> None:
    deadline = calendar_day_deadline(start, days)
    assert deadline.astimezone(SHANGHAI).time() == time.min
    assert (last_day_of(deadline) - local_day(start)).days == days
