import hashlib
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from portal.evidence import EvidenceError, EvidenceErrorCode, inspect_upload
from tests.portal.evidence.photos import (
    CHANGSHA,
    encode,
    make_exif,
    photo_with_everything,
    picture,
    png_claiming_size,
    save_as,
)

MIMES = ["image/jpeg", "image/png", "image/webp"]


def _refused(data: bytes, filename: str = "photo.jpg", **limits: int) -> EvidenceError:
    with pytest.raises(EvidenceError) as refused:
        inspect_upload(data, filename, **limits)
    return refused.value


@pytest.mark.parametrize("mime", MIMES)
def test_reads_facts_and_metadata_from_each_format(mime: str) -> None:
    data = encode(picture((64, 32)), mime, exif=make_exif(offset="+08:00"))
    photo = inspect_upload(data, "IMG_0001.anything")
    assert photo.mime == mime
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.size == len(data)
    assert (photo.width, photo.height) == (64, 32)
    assert photo.gps is not None
    assert photo.gps.lat == pytest.approx(CHANGSHA[0], abs=1e-5)
    assert photo.gps.lon == pytest.approx(CHANGSHA[1], abs=1e-5)
    assert photo.taken_at == datetime(2024, 5, 1, 8, 30, 15, tzinfo=timezone(timedelta(hours=8)))
    assert (photo.camera_make, photo.camera_model) == ("HUAWEI", "P60 Pro")


@pytest.mark.parametrize("mime", MIMES)
def test_a_photo_without_metadata_is_accepted_with_nothing_known(mime: str) -> None:
    photo = inspect_upload(encode(picture(), mime), "x")
    assert (photo.gps, photo.taken_at, photo.camera_make, photo.camera_model) == (None, None, None, None)


def test_dimensions_are_those_of_the_upright_photo() -> None:
    data = encode(picture((64, 32)), "image/jpeg", exif=make_exif(orientation=6))
    photo = inspect_upload(data, "portrait.jpg")
    assert (photo.width, photo.height) == (32, 64)


def test_the_file_name_does_not_decide_the_type() -> None:
    assert inspect_upload(encode(picture(), "image/png"), "holiday.jpg").mime == "image/png"


def test_empty_file() -> None:
    error = _refused(b"", "blank.jpg")
    assert error.code == EvidenceErrorCode.EMPTY
    assert "'blank.jpg'" in error.message_en


def test_too_large_is_checked_before_anything_else() -> None:
    data = encode(picture(), "image/jpeg")
    assert _refused(data, max_bytes=len(data) - 1).code == "too_large"
    assert _refused(b"GIF89a" + b"\0" * 100, max_bytes=50).code == "too_large"
    assert inspect_upload(data, "x.jpg", max_bytes=len(data)).size == len(data)


@pytest.mark.parametrize("pillow_format", ["GIF", "BMP", "TIFF", "PDF"])
def test_other_formats_disguised_as_jpeg_are_refused(pillow_format: str) -> None:
    error = _refused(save_as(picture(), pillow_format), "evidence.jpg")
    assert error.code == EvidenceErrorCode.UNSUPPORTED_TYPE
    assert "evidence.jpg" in error.message_en


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj",
        b"just some text",
    ],
)
def test_non_images_are_refused(data: bytes) -> None:
    assert _refused(data).code == EvidenceErrorCode.UNSUPPORTED_TYPE


def test_file_name_in_messages_is_shortened_and_stripped_of_paths_and_controls() -> None:
    message = _refused(b"", "C:\\Users\\me\\" + "照片\x1b[31m" + "a" * 200 + ".jpg").message_en
    assert "Users" not in message
    assert "\x1b" not in message
    assert message.startswith("'照片[31m" + "a" * 74 + "'")  # 80 characters


@pytest.mark.parametrize("mime", MIMES)
def test_truncated_photos_are_corrupt(mime: str) -> None:
    data = encode(Image.effect_noise((128, 128), 64).convert("RGB"), mime)
    assert _refused(data[: len(data) // 2]).code == EvidenceErrorCode.CORRUPT


def test_a_jpeg_missing_only_its_end_marker_is_corrupt() -> None:
    data = encode(Image.effect_noise((128, 128), 64).convert("RGB"), "image/jpeg")
    assert _refused(data[:-2]).code == EvidenceErrorCode.CORRUPT


def test_a_png_with_a_bad_checksum_is_corrupt() -> None:
    data = bytearray(encode(picture(), "image/png"))
    data[-20] ^= 0xFF  # inside the last IDAT chunk
    assert _refused(bytes(data)).code == EvidenceErrorCode.CORRUPT


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"RIFF\x10\x00\x00\x00WEBPVP8 junk",
    ],
    ids=["jpeg", "png", "webp"],
)
def test_a_right_signature_over_garbage_is_corrupt(data: bytes) -> None:
    assert _refused(data).code == EvidenceErrorCode.CORRUPT


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (50_000, 50_000),  # Pillow's own hard limit raises DecompressionBombError
        (9_500, 9_500),  # Pillow only warns here: the warning must become a refusal, not escape
        (8_000, 6_000),  # under Pillow's limits, over ours (40 million)
    ],
)
def test_decompression_bombs_are_refused_from_the_header(width: int, height: int) -> None:
    # The file is 100 bytes long and its pixel data is far too short: had anything been decoded, the error
    # would be `corrupt`, so `decompression_bomb` shows the size was checked first.
    data = png_claiming_size(width, height)
    assert len(data) < 200
    assert _refused(data).code == EvidenceErrorCode.DECOMPRESSION_BOMB


def test_the_pixel_limit_is_inclusive() -> None:
    data = encode(picture((100, 50)), "image/png")
    assert inspect_upload(data, "x.png", max_pixels=5_000).width == 100
    assert _refused(data, max_pixels=4_999).code == EvidenceErrorCode.DECOMPRESSION_BOMB


def test_the_warning_filters_are_left_as_they_were() -> None:
    before = list(warnings.filters)
    _refused(png_claiming_size(9_500, 9_500))
    inspect_upload(photo_with_everything("image/jpeg"), "x.jpg")
    assert warnings.filters == before


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_exif_block_leaves_the_photo_acceptable(exif_payload: bytes) -> None:
    data = encode(picture((16, 16)), "image/jpeg", exif=b"Exif\x00\x00" + exif_payload)
    photo = inspect_upload(data, "x.jpg")
    assert photo.mime == "image/jpeg"


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_damaged_real_exif_block_leaves_the_photo_acceptable(data: st.DataObject) -> None:
    exif = bytearray(make_exif(orientation=6, offset="+08:00").tobytes())
    for _ in range(data.draw(st.integers(1, 8))):
        exif[data.draw(st.integers(6, len(exif) - 1))] = data.draw(st.integers(0, 255))
    photo = inspect_upload(encode(picture((16, 8)), "image/jpeg", exif=bytes(exif)), "x.jpg")
    assert (photo.width, photo.height) in ((16, 8), (8, 16))
