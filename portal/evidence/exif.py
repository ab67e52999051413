"""Read the few EXIF fields the portal uses, tolerating anything a camera, an editor or an attacker wrote.

Each reader returns None (or a neutral value) for a missing, malformed or implausible field and never
raises: metadata only informs the plausibility check, it is never a reason to refuse a photo.
"""

import math
import re
from datetime import datetime, timedelta, timezone
from numbers import Real
from typing import NamedTuple

from PIL import ExifTags, Image


class GeoPoint(NamedTuple):
    lat: float
    lon: float


_MAX_TEXT_LENGTH = 64
_EXIF_DATETIME_FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")

# Each timestamp with its own offset tag, most telling first: DateTime is when the file last changed, which an
# editing app rewrites, so it only stands in when the camera's own tags are missing.
_TIMESTAMP_TAGS = (
    (ExifTags.Base.DateTimeOriginal, ExifTags.Base.OffsetTimeOriginal),
    (ExifTags.Base.DateTimeDigitized, ExifTags.Base.OffsetTimeDigitized),
    (ExifTags.Base.DateTime, ExifTags.Base.OffsetTime),
)

# Orientations 5-8 turn the picture a quarter, so width and height swap when it is shown upright.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})


def read_exif(image: Image.Image) -> Image.Exif:
    """The image's EXIF, or an empty one when Pillow cannot parse it. Call inside `pillow_guard()`."""
    try:
        return image.getexif()
    except Exception:
        # Pillow's EXIF parser raises a variety of errors on malformed blocks; the photo is still usable.
        return Image.Exif()


def read_orientation(exif: Image.Exif) -> int:
    value = exif.get(ExifTags.Base.Orientation)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    width, height = size
    return (height, width) if orientation in _QUARTER_TURNS else (width, height)


def read_gps(exif: Image.Exif) -> GeoPoint | None:
    gps = _sub_ifd(exif, ExifTags.IFD.GPSInfo)
    lat = _signed_degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S")
    lon = _signed_degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    if lat == 0 and lon == 0:
        return None  # receivers without a fix write zeros; nobody files a complaint from the Gulf of Guinea
    return GeoPoint(lat, lon)


def read_taken_at(exif: Image.Exif) -> datetime | None:
    """When the photo was taken: aware if the camera recorded its UTC offset, else naive local time."""
    sub = _sub_ifd(exif, ExifTags.IFD.Exif)
    for time_tag, offset_tag in _TIMESTAMP_TAGS:
        # DateTime and OffsetTime live in IFD0 by the standard, the others in the Exif IFD; writers vary.
        moment = _parse_timestamp(sub.get(time_tag, exif.get(time_tag)))
        if moment is not None:
            offset = _parse_offset(sub.get(offset_tag, exif.get(offset_tag)))
            return moment if offset is None else moment.replace(tzinfo=offset)
    return None


def read_text(exif: Image.Exif, tag: int) -> str | None:
    """A short ASCII field such as Make or Model, cleaned of padding and control characters."""
    value = _text(exif.get(tag))
    if value is None:
        return None
    printable = "".join(char for char in value if char.isprintable()).strip()
    return printable[:_MAX_TEXT_LENGTH] or None


def _sub_ifd(exif: Image.Exif, ifd: int) -> dict[int, object]:
    try:
        return dict(exif.get_ifd(ifd))
    except Exception:
        return {}  # a dangling or looping IFD pointer: treat the directory as absent


def _signed_degrees(value: object, ref: object, positive: str, negative: str) -> float | None:
    """Degrees from EXIF's (degrees, minutes, seconds) rationals, negative in the S or W hemisphere."""
    hemisphere = (_text(ref) or "").strip().upper()
    if hemisphere not in (positive, negative):
        return None  # guessing the hemisphere would put the photo on the wrong side of the planet
    if not (isinstance(value, tuple) and len(value) == 3 and all(isinstance(p, Real) for p in value)):
        return None  # EXIF says three rationals; strings and other shapes are a writer's bug, not a place
    degrees, minutes, seconds = (float(part) for part in value)
    parts = (degrees, minutes, seconds)
    if not all(math.isfinite(part) and part >= 0 for part in parts) or minutes >= 60 or seconds >= 60:
        return None  # a zero denominator reads as NaN
    magnitude = degrees + minutes / 60 + seconds / 3600
    return -magnitude if hemisphere == negative else magnitude


def _parse_timestamp(value: object) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    for layout in _EXIF_DATETIME_FORMATS:
        try:
            return datetime.strptime(text.strip(), layout)
        except ValueError:
            continue  # blanks ("    :  :  ") and zeros ("0000:00:00") mean unknown
    return None


def _parse_offset(value: object) -> timezone | None:
    match = _OFFSET.fullmatch((_text(value) or "").strip())
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14) or int(minutes) >= 60:
        return None  # no place on Earth is further from UTC
    return timezone(-delta if sign == "-" else delta)


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.split("\0", 1)[0]
