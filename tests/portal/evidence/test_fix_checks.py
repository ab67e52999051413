"""The public checks of a fix photo: where and when it was taken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.evidence.exif import GeoPoint
from portal.evidence.fix_checks import FixLocation, FixTime, Place, check_fix_photo
from portal.evidence.inspection import InspectedPhoto

FILED = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
REPLIED = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
PLACE = Place(GeoPoint(28.231, 112.991), max_metres=300)


AT_PLACE = GeoPoint(28.231, 112.991)


def photo(gps: GeoPoint | None = AT_PLACE, taken: datetime | None = None) -> InspectedPhoto:
    return InspectedPhoto(
        sha256="0" * 64,
        mime="image/jpeg",
        width=10,
        height=10,
        size=100,
        gps=gps,
        taken_at=taken if taken is not None else datetime(2026, 11, 5, 10, 0),  # naive: camera time, CST
        camera_make=None,
        camera_model=None,
    )


def check(p: InspectedPhoto, place: Place | None = PLACE):
    return check_fix_photo(p, place=place, filed_at=FILED, replied_at=REPLIED)


@pytest.mark.parametrize(
    ("gps", "expected"),
    [
        (GeoPoint(28.231, 112.991), FixLocation.OK),
        (GeoPoint(28.2335, 112.991), FixLocation.OK),  # about 280 m north
        (GeoPoint(28.2345, 112.991), FixLocation.FAR),  # about 390 m north
        (GeoPoint(39.915, 116.404), FixLocation.FAR),
        (None, FixLocation.MISSING),
    ],
)
def test_location_against_the_configured_distance(gps: GeoPoint | None, expected: FixLocation) -> None:
    result = check(photo(gps))
    assert result.location is expected
    assert result.has_location is (gps is not None)
    assert (result.distance_m is None) is (gps is None)


def test_without_a_place_to_compare_a_located_photo_reads_as_far() -> None:
    assert check(photo(), place=None).location is FixLocation.FAR
    assert check(photo(None), place=None).location is FixLocation.MISSING


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        (datetime(2026, 11, 5, 10, 0), FixTime.OK),
        (datetime(2026, 10, 20, 10, 0), FixTime.BEFORE_FILING),
        (datetime(2026, 11, 20, 10, 0), FixTime.AFTER_REPLY),
        # Within the clock skew of either end: an honest camera a little off.
        ((FILED - timedelta(hours=1)).replace(tzinfo=None) + timedelta(hours=8), FixTime.OK),
        (REPLIED + timedelta(hours=1), FixTime.OK),
        (REPLIED + timedelta(hours=3), FixTime.AFTER_REPLY),
    ],
)
def test_time_between_filing_and_reply(taken: datetime, expected: FixTime) -> None:
    assert check(photo(taken=taken)).time is expected


def test_an_undated_photo_says_so() -> None:
    p = photo()
    undated = InspectedPhoto(**{**{f: getattr(p, f) for f in p.__slots__}, "taken_at": None})
    assert check(undated).time is FixTime.UNDATED


def test_times_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_fix_photo(photo(), place=PLACE, filed_at=FILED.replace(tzinfo=None), replied_at=REPLIED)
