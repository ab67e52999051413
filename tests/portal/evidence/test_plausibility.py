import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from portal.evidence import GeoPoint, InspectedPhoto, PhotoCheck, PhotoCheckResult, check_photo, haversine_km
from portal.evidence.plausibility import MEAN_EARTH_RADIUS_KM

UTC = UTC
CST = timezone(timedelta(hours=8))
FILED = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
PLACE = GeoPoint(28.2282, 112.9388)  # the complaint's coordinates


def _photo(
    gps: GeoPoint | None = PLACE, taken_at: datetime | None = FILED - timedelta(days=1)
) -> InspectedPhoto:
    return InspectedPhoto(
        sha256="0" * 64,
        mime="image/jpeg",
        width=4000,
        height=3000,
        size=1_000_000,
        gps=gps,
        taken_at=taken_at,
        camera_make=None,
        camera_model=None,
    )


def _north_of(point: GeoPoint, km: float) -> GeoPoint:
    return GeoPoint(point.lat + math.degrees(km / MEAN_EARTH_RADIUS_KM), point.lon)


def _check(photo: InspectedPhoto, *, radius_km: float = 1.0, **options: Any) -> PhotoCheck:
    return check_photo(
        photo,
        claimed_lat=PLACE.lat,
        claimed_lon=PLACE.lon,
        claimed_radius_km=radius_km,
        complaint_time=FILED,
        **options,
    )


def test_haversine_known_distances() -> None:
    beijing, shanghai = GeoPoint(39.9042, 116.4074), GeoPoint(31.2304, 121.4737)
    assert haversine_km(beijing, shanghai) == pytest.approx(1067.3, abs=1.0)
    assert haversine_km(GeoPoint(0, 0), GeoPoint(1, 0)) == pytest.approx(111.195, abs=0.001)
    assert haversine_km(GeoPoint(0, 0), GeoPoint(0, 180)) == pytest.approx(math.pi * MEAN_EARTH_RADIUS_KM)
    assert haversine_km(GeoPoint(89.9, 10), GeoPoint(89.9, -170)) == pytest.approx(22.24, abs=0.01)
    assert haversine_km(PLACE, PLACE) == 0
    assert haversine_km(beijing, shanghai) == haversine_km(shanghai, beijing)


def test_near_and_recent_is_consistent() -> None:
    check = _check(_photo(gps=_north_of(PLACE, 0.3)))
    assert check.result == PhotoCheckResult.CONSISTENT
    assert check.findings == ()
    assert check.distance_km == pytest.approx(0.3)
    assert check.age_days == pytest.approx(1.0)


@pytest.mark.parametrize(("km", "expected"), [(0.99, "consistent"), (1.01, "far_from_place")])
def test_either_side_of_the_radius(km: float, expected: str) -> None:
    assert _check(_photo(gps=_north_of(PLACE, km)), radius_km=1.0).result == expected


def test_exactly_on_the_radius_counts_as_near() -> None:
    photo = _photo(gps=_north_of(PLACE, 2.0))
    distance = haversine_km(photo.gps, PLACE)  # type: ignore[arg-type]
    assert _check(photo, radius_km=distance).result == PhotoCheckResult.CONSISTENT
    assert _check(photo, radius_km=math.nextafter(distance, 0)).result == PhotoCheckResult.FAR_FROM_PLACE


def test_a_zero_radius_accepts_only_the_exact_point() -> None:
    assert _check(_photo(gps=PLACE), radius_km=0).result == PhotoCheckResult.CONSISTENT
    assert _check(_photo(gps=_north_of(PLACE, 0.001)), radius_km=0).result == PhotoCheckResult.FAR_FROM_PLACE


def test_a_photo_without_gps_has_no_location_even_when_its_time_is_fine() -> None:
    check = _check(_photo(gps=None))
    assert check.result == PhotoCheckResult.NO_LOCATION
    assert check.distance_km is None
    assert check.age_days == pytest.approx(1.0)


def test_a_complaint_without_coordinates_cannot_be_compared() -> None:
    check = check_photo(
        _photo(), claimed_lat=None, claimed_lon=None, claimed_radius_km=1, complaint_time=FILED
    )
    assert check.result == PhotoCheckResult.NO_LOCATION
    assert check.distance_km is None


def test_an_undated_photo_is_judged_on_place_alone() -> None:
    check = _check(_photo(taken_at=None))
    assert check.result == PhotoCheckResult.CONSISTENT
    assert check.age_days is None
    assert _check(_photo(gps=None, taken_at=None)).result == PhotoCheckResult.NO_LOCATION


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(days=30), "consistent"),
        (timedelta(days=30, seconds=1), "taken_long_before"),
        (timedelta(days=400), "taken_long_before"),
        (-timedelta(hours=2), "consistent"),  # within the allowed clock skew
        (-timedelta(hours=2, seconds=1), "taken_after_filing"),
        (-timedelta(days=3), "taken_after_filing"),
    ],
)
def test_time_boundaries(age: timedelta, expected: str) -> None:
    check = _check(_photo(taken_at=FILED - age))
    assert check.result == expected
    assert check.age_days == pytest.approx(age / timedelta(days=1))


def test_age_limit_and_clock_skew_can_be_changed() -> None:
    photo = _photo(taken_at=FILED - timedelta(days=10))
    assert _check(photo, max_age_days=7).result == PhotoCheckResult.TAKEN_LONG_BEFORE
    later = _photo(taken_at=FILED + timedelta(minutes=30))
    assert _check(later, clock_skew=timedelta(minutes=10)).result == PhotoCheckResult.TAKEN_AFTER_FILING


def test_naive_camera_time_is_read_as_china_standard_time() -> None:
    # 19:30 on the camera's clock is 11:30 UTC, half an hour before filing. Read as UTC it would be 7.5 hours
    # after filing.
    check = _check(_photo(taken_at=datetime(2024, 5, 10, 19, 30)))
    assert check.result == PhotoCheckResult.CONSISTENT
    assert check.age_days == pytest.approx(0.5 / 24)


def test_the_camera_time_zone_can_be_changed() -> None:
    check = _check(_photo(taken_at=datetime(2024, 5, 10, 19, 30)), camera_tz=UTC)
    assert check.result == PhotoCheckResult.TAKEN_AFTER_FILING


def test_a_recorded_offset_wins_over_the_assumed_zone() -> None:
    taken = datetime(2024, 5, 10, 11, 30, tzinfo=UTC).astimezone(timezone(timedelta(hours=-5)))
    assert _check(_photo(taken_at=taken)).age_days == pytest.approx(0.5 / 24)
    assert _check(_photo(taken_at=taken.astimezone(CST))).age_days == pytest.approx(0.5 / 24)


@pytest.mark.parametrize(
    ("gps", "age", "findings"),
    [
        (_north_of(PLACE, 50), timedelta(days=90), ("far_from_place", "taken_long_before")),
        (_north_of(PLACE, 50), -timedelta(days=1), ("far_from_place", "taken_after_filing")),
        (None, timedelta(days=90), ("taken_long_before", "no_location")),
        (None, -timedelta(days=1), ("taken_after_filing", "no_location")),
    ],
)
def test_the_most_serious_finding_is_the_result_and_all_are_listed(
    gps: GeoPoint | None, age: timedelta, findings: tuple[str, ...]
) -> None:
    check = _check(_photo(gps=gps, taken_at=FILED - age))
    assert check.findings == findings
    assert check.result == findings[0]


@pytest.mark.parametrize(
    "options",
    [
        {"claimed_lat": 28.0, "claimed_lon": None},
        {"claimed_lat": 91.0, "claimed_lon": 10.0},
        {"claimed_lat": 10.0, "claimed_lon": -181.0},
        {"claimed_radius_km": -1.0},
        {"claimed_radius_km": float("nan")},
        {"complaint_time": datetime(2024, 5, 10, 12)},  # naive
        {"max_age_days": -1},
    ],
)
def test_invalid_arguments_are_refused(options: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "claimed_lat": PLACE.lat,
        "claimed_lon": PLACE.lon,
        "claimed_radius_km": 1.0,
        "complaint_time": FILED,
    }
    arguments.update(options)
    with pytest.raises(ValueError, match=r"\w"):
        check_photo(_photo(), **arguments)


def test_result_codes_compare_equal_to_their_strings() -> None:
    assert {code.value for code in PhotoCheckResult} == {
        "consistent",
        "no_location",
        "far_from_place",
        "taken_long_before",
        "taken_after_filing",
    }
