"""Deadlines counted in days on the Asia/Shanghai calendar, optionally in working days only.

A deadline of N days from a moment ``start`` is the end of the N-th (working) day after the local
day of ``start``: the opening day does not count, as in Chinese administrative practice
(期间开始的日不计算在内), so a case opened at 23:59 gets as many full days as one opened at 08:00.
"End of the day" is local midnight, and deadlines are returned as that instant (the start of the
next local day): a moment ``now`` is past a deadline when ``now >= deadline``. Asia/Shanghai has
had no daylight saving time since 1991, so local midnight is 16:00 UTC.

Working days are Monday to Friday, minus official holidays, plus make-up working days (调休): the
State Council publishes both lists each year, so they are configuration, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
_SATURDAY: Final = 5  # date.weekday(): Monday is 0
_ONE_DAY: Final = timedelta(days=1)


def require_aware(moment: datetime, name: str) -> None:
    """Reject naive datetimes: a deadline depends on which local day a moment falls in."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")


def local_day(moment: datetime) -> date:
    """The Asia/Shanghai calendar day a moment falls in."""
    require_aware(moment, "moment")
    return moment.astimezone(SHANGHAI).date()


def end_of_local_day(day: date) -> datetime:
    """The instant a local day ends, which is the start of the next one."""
    return datetime.combine(day + _ONE_DAY, time.min, tzinfo=SHANGHAI)


def last_day_of(deadline: datetime) -> date:
    """The local day a deadline closes, for display ("due by 2024-10-12")."""
    require_aware(deadline, "deadline")
    return local_day(deadline - timedelta(microseconds=1))


def _require_day_count(days: int) -> None:
    # bool is an int: reject it so that a flag passed by mistake is not read as one day
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"a deadline needs a whole number of days >= 1, got {days!r}")


def calendar_day_deadline(start: datetime, days: int) -> datetime:
    """The end of the ``days``-th calendar day after the local day of ``start``; every day counts."""
    _require_day_count(days)
    return end_of_local_day(local_day(start) + timedelta(days=days))


@dataclass(frozen=True)
class WorkCalendar:
    """Which local days are working days."""

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for name in ("holidays", "makeup_workdays"):
            days = getattr(self, name)
            if not isinstance(days, frozenset):
                raise TypeError(f"{name} must be a frozenset of dates, got {type(days).__name__}")
            # datetime is a subclass of date but never equals one, so it would silently never match
            if any(isinstance(day, datetime) or not isinstance(day, date) for day in days):
                raise TypeError(f"{name} must contain dates only")
        clash = self.holidays & self.makeup_workdays
        if clash:
            listed = ", ".join(day.isoformat() for day in sorted(clash))
            raise ValueError(f"a day cannot be both a holiday and a make-up working day: {listed}")

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < _SATURDAY

    def working_day_deadline(self, start: datetime, days: int) -> datetime:
        """The end of the ``days``-th working day after the local day of ``start``."""
        _require_day_count(days)
        day = local_day(start)
        remaining = days
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return end_of_local_day(day)


@dataclass(frozen=True)
class DeadlinePolicy:
    """How long each step may take. Day counts are working days when ``working_days``, calendar days otherwise
    (then holidays and make-up days are ignored)."""

    acknowledge_days: int = 5
    outcome_days: int = 60
    working_days: bool = True
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    bureau_reply_days: int = 15

    def __post_init__(self) -> None:
        for name in ("acknowledge_days", "outcome_days", "bureau_reply_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of days >= 1, got {value!r}")
        if self.acknowledge_days > self.outcome_days:
            raise ValueError("acknowledge_days cannot exceed outcome_days: both count from the opening")
        WorkCalendar(self.holidays, self.makeup_workdays)  # bad day lists fail here, not mid-sweep

    @property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(holidays=self.holidays, makeup_workdays=self.makeup_workdays)

    def due(self, start: datetime, days: int) -> datetime:
        """The deadline ``days`` (working) days after ``start``."""
        if self.working_days:
            return self.calendar.working_day_deadline(start, days)
        return calendar_day_deadline(start, days)
