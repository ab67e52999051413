from datetime import datetime, timedelta, timezone

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from portal.evidence.exif import (
    read_gps,
    read_orientation,
    read_taken_at,
    read_text,
    upright_size,
)
from tests.portal.evidence.photos import dms, make_exif

LAT, LON = ExifTags.GPS.GPSLatitude, ExifTags.GPS.GPSLongitude
LAT_REF, LON_REF = ExifTags.GPS.GPSLatitudeRef, ExifTags.GPS.GPSLongitudeRef


def _gps_exif(**tags: object) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    defaults: dict[int, object] = {LAT_REF: "N", LAT: dms(28.2), LON_REF: "E", LON: dms(112.9)}
    names = {"lat": LAT, "lon": LON, "lat_ref": LAT_REF, "lon_ref": LON_REF}
    defaults.update({names[name]: value for name, value in tags.items()})
    gps.update({tag: value for tag, value in defaults.items() if value is not None})
    return exif


def _round_trip(exif: Image.Exif) -> Image.Exif:
    """The EXIF as a reader sees it after a camera wrote it to a file."""
    loaded = Image.Exif()
    loaded.load(exif.tobytes())
    return loaded


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((28.2096, 112.9668), (28.2096, 112.9668)),
        ((-33.8568, 151.2153), (-33.8568, 151.2153)),  # southern hemisphere
        ((40.6892, -74.0445), (40.6892, -74.0445)),  # western hemisphere
    ],
)
def test_reads_gps_with_hemispheres(point: tuple[float, float], expected: tuple[float, float]) -> None:
    gps = read_gps(_round_trip(make_exif(gps=point)))
    assert gps is not None
    assert gps.lat == pytest.approx(expected[0], abs=1e-5)
    assert gps.lon == pytest.approx(expected[1], abs=1e-5)


def test_reads_decimal_minutes_and_bytes_references() -> None:
    half_minute = (IFDRational(28, 1), IFDRational(1230, 100), IFDRational(0, 1))
    exif = _gps_exif(lat=half_minute, lat_ref=b"S\x00", lon_ref="w")
    gps = read_gps(exif)
    assert gps is not None
    assert gps.lat == pytest.approx(-28.205)
    assert gps.lon == pytest.approx(-112.9, abs=1e-5)


def test_no_gps_directory_means_no_location() -> None:
    assert read_gps(make_exif(gps=None)) is None
    assert read_gps(Image.Exif()) is None


@pytest.mark.parametrize(
    "tags",
    [
        {"lat_ref": None},  # hemisphere unknown: never guess
        {"lon_ref": "Q"},
        {"lat_ref": 7},
        {"lat": (IFDRational(28, 0), IFDRational(0, 1), IFDRational(0, 1))},  # zero denominator
        {"lat": (IFDRational(28, 1), IFDRational(75, 1), IFDRational(0, 1))},  # 75 minutes
        {"lat": (IFDRational(28, 1), IFDRational(0, 1), IFDRational(60, 1))},  # 60 seconds
        {"lat": (IFDRational(-28, 1), IFDRational(0, 1), IFDRational(0, 1))},  # sign belongs in the reference
        {"lat": (IFDRational(95, 1), IFDRational(0, 1), IFDRational(0, 1))},  # beyond the pole
        {"lon": (IFDRational(181, 1), IFDRational(0, 1), IFDRational(0, 1))},
        {"lat": (IFDRational(28, 1), IFDRational(0, 1))},  # two parts
        {"lat": 28.2},  # a bare number
        {"lat": ("28", "12", "34")},
        {"lat": (b"\x00", None, [])},
        {"lat": (float("inf"), 0.0, 0.0)},
        {"lat": (IFDRational(0, 1),) * 3, "lon": (IFDRational(0, 1),) * 3},  # no fix written as zeros
    ],
)
def test_degenerate_gps_values_mean_no_location(tags: dict[str, object]) -> None:
    assert read_gps(_gps_exif(**tags)) is None


def test_a_gps_pointer_to_nowhere_means_no_location() -> None:
    exif = Image.Exif()
    exif.load(make_exif(gps=None).tobytes())
    exif[ExifTags.IFD.GPSInfo] = 0xFFFF  # points past the end of the block
    assert read_gps(exif) is None


def test_reads_original_time_as_naive_local_time() -> None:
    exif = _round_trip(make_exif(taken=datetime(2024, 5, 1, 8, 30, 15)))
    assert read_taken_at(exif) == datetime(2024, 5, 1, 8, 30, 15)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [("+08:00", timedelta(hours=8)), ("-05:30", timedelta(hours=-5, minutes=-30)), ("+00:00", timedelta(0))],
)
def test_offset_time_original_makes_the_time_aware(offset: str, expected: timedelta) -> None:
    taken = read_taken_at(_round_trip(make_exif(taken=datetime(2024, 5, 1, 8, 30), offset=offset)))
    assert taken is not None
    assert taken.utcoffset() == expected
    assert taken.replace(tzinfo=None) == datetime(2024, 5, 1, 8, 30)


@pytest.mark.parametrize("offset", ["+25:00", "+08:75", "8", "   :  ", "+0800"])
def test_an_invalid_offset_leaves_the_time_naive(offset: str) -> None:
    taken = read_taken_at(make_exif(taken=datetime(2024, 5, 1, 8, 30), offset=offset))
    assert taken == datetime(2024, 5, 1, 8, 30)


def test_falls_back_to_digitized_then_to_file_time() -> None:
    exif = make_exif(taken=None)
    exif[ExifTags.Base.DateTime] = "2024:06:02 10:00:00"
    exif[ExifTags.Base.OffsetTime] = "+08:00"
    assert read_taken_at(exif) == datetime(2024, 6, 2, 10, tzinfo=timezone(timedelta(hours=8)))
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeDigitized] = "2024:06:01 09:00:00"
    assert read_taken_at(exif) == datetime(2024, 6, 1, 9)


def test_original_time_wins_over_file_time() -> None:
    exif = make_exif(taken=datetime(2024, 5, 1, 8, 30))
    exif[ExifTags.Base.DateTime] = "2024:06:02 10:00:00"  # when an editing app last saved it
    assert read_taken_at(exif) == datetime(2024, 5, 1, 8, 30)


@pytest.mark.parametrize(
    "value",
    ["    :  :     :  :  ", "0000:00:00 00:00:00", "2024:13:01 00:00:00", "yesterday", 20240501, b"\xff\xfe"],
)
def test_unusable_timestamps_mean_no_time(value: object) -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = value
    assert read_taken_at(exif) is None


def test_dashed_dates_and_nul_padding_are_read() -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024-05-01 08:30:15\x00"
    assert read_taken_at(exif) == datetime(2024, 5, 1, 8, 30, 15)


def test_camera_text_is_cleaned_and_bounded() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = " Xiaomi\x07 \x00\x00garbage"
    exif[ExifTags.Base.Model] = "M" * 500
    assert read_text(exif, ExifTags.Base.Make) == "Xiaomi"
    assert read_text(exif, ExifTags.Base.Model) == "M" * 64
    assert read_text(exif, ExifTags.Base.Software) is None


@pytest.mark.parametrize(("value", "expected"), [(6, 6), (1, 1), (9, 1), (0, 1), ("6", 1), (None, 1)])
def test_orientation_outside_the_standard_is_ignored(value: object, expected: int) -> None:
    exif = Image.Exif()
    if value is not None:
        exif[ExifTags.Base.Orientation] = value
    assert read_orientation(exif) == expected


@pytest.mark.parametrize(
    ("orientation", "swapped"), [(1, False), (3, False), (5, True), (6, True), (8, True)]
)
def test_quarter_turns_swap_width_and_height(orientation: int, swapped: bool) -> None:
    assert upright_size((4000, 3000), orientation) == ((3000, 4000) if swapped else (4000, 3000))
