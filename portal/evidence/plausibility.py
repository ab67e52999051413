"""Does a photo's own metadata fit the complaint it is attached to? A hint for staff, never a verdict.

Metadata is easy to strip or forge, so a `consistent` photo proves nothing and an inconsistent one may be
honest (a camera with a wrong clock, an old photo of a problem that persists). It only says what to look at.

Findings, most serious first; `PhotoCheck.result` is the most serious one found, or `consistent`:
1. far_from_place: the photo's GPS is more than `claimed_radius_km` from the complaint's coordinates (on the
   boundary counts as near). Direct evidence of another place, and GPS errors of that size are rare.
2. taken_after_filing: the photo is dated after `complaint_time` by more than `clock_skew`. Impossible for an
   honest photo, but camera clocks are often wrong, hence below a place mismatch.
3. taken_long_before: taken more than `max_age_days` before `complaint_time` (exactly that age is fine).
   An old photo may still show a standing problem, hence below the two above.
4. no_location: the place cannot be compared, because the photo has no GPS or the complaint no coordinates.
   This is absence of evidence, not a contradiction, so any time finding outranks it; all findings are listed
   in `findings`. A photo without a timestamp gets no time finding and `age_days` None.

Naive EXIF times (no OffsetTime tag) are read in `camera_tz`, China Standard Time by default: the whole
country keeps one zone and no daylight saving, so a phone bought and used here is almost always set to it.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from enum import StrEnum

from portal.evidence.exif import GeoPoint
from portal.evidence.inspection import InspectedPhoto

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
DEFAULT_CLOCK_SKEW = timedelta(hours=2)
MEAN_EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


class PhotoCheckResult(StrEnum):
    CONSISTENT = "consistent"
    NO_LOCATION = "no_location"
    FAR_FROM_PLACE = "far_from_place"
    TAKEN_LONG_BEFORE = "taken_long_before"
    TAKEN_AFTER_FILING = "taken_after_filing"


_PRECEDENCE = (
    PhotoCheckResult.FAR_FROM_PLACE,
    PhotoCheckResult.TAKEN_AFTER_FILING,
    PhotoCheckResult.TAKEN_LONG_BEFORE,
    PhotoCheckResult.NO_LOCATION,
)


@dataclass(frozen=True, slots=True)
class PhotoCheck:
    result: PhotoCheckResult
    findings: tuple[PhotoCheckResult, ...]  # every finding, most serious first; empty when consistent
    distance_km: float | None  # None when the place could not be compared
    age_days: float | None  # complaint_time - taken_at in days (negative: dated later); None if undated


def check_photo(
    photo: InspectedPhoto,
    *,
    claimed_lat: float | None,
    claimed_lon: float | None,
    claimed_radius_km: float,
    complaint_time: datetime,
    max_age_days: int = 30,
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    camera_tz: tzinfo = CHINA_STANDARD_TIME,
) -> PhotoCheck:
    """Compare the photo's GPS and timestamp with the complaint's place and time (see the module doc).

    `complaint_time` must be timezone-aware: the filing time, or for evidence added later with a follow-up,
    the time of that update (a new photo of a problem that persists is legitimate).
    """
    _validate(claimed_lat, claimed_lon, claimed_radius_km, complaint_time, max_age_days)
    found: set[PhotoCheckResult] = set()

    distance_km = None
    if photo.gps is None or claimed_lat is None or claimed_lon is None:
        found.add(PhotoCheckResult.NO_LOCATION)
    else:
        distance_km = haversine_km(photo.gps, GeoPoint(claimed_lat, claimed_lon))
        if distance_km > claimed_radius_km:
            found.add(PhotoCheckResult.FAR_FROM_PLACE)

    age_days = None
    if photo.taken_at is not None:
        taken_at = photo.taken_at
        if taken_at.utcoffset() is None:
            taken_at = taken_at.replace(tzinfo=camera_tz)
        age = complaint_time - taken_at
        age_days = age / timedelta(days=1)
        if age < -clock_skew:
            found.add(PhotoCheckResult.TAKEN_AFTER_FILING)
        elif age > timedelta(days=max_age_days):
            found.add(PhotoCheckResult.TAKEN_LONG_BEFORE)

    findings = tuple(code for code in _PRECEDENCE if code in found)
    return PhotoCheck(
        result=findings[0] if findings else PhotoCheckResult.CONSISTENT,
        findings=findings,
        distance_km=distance_km,
        age_days=age_days,
    )


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius (within 0.5 % of the ellipsoid)."""
    lat_a, lon_a, lat_b, lon_b = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin((lon_b - lon_a) / 2) ** 2
    )
    return 2 * MEAN_EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _validate(
    lat: float | None, lon: float | None, radius_km: float, complaint_time: datetime, max_age_days: int
) -> None:
    if (lat is None) != (lon is None):
        raise ValueError("claimed_lat and claimed_lon must be given together")
    if lat is not None and lon is not None and not (abs(lat) <= 90 and abs(lon) <= 180):
        raise ValueError(f"claimed coordinates out of range: {lat}, {lon}")
    if not (radius_km >= 0 and math.isfinite(radius_km)):
        raise ValueError(f"claimed_radius_km must be a non-negative number, not {radius_km}")
    if complaint_time.utcoffset() is None:
        raise ValueError("complaint_time must be timezone-aware")
    if max_age_days < 0:
        raise ValueError(f"max_age_days must not be negative, not {max_age_days}")
