import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

import portal.evidence.publication as publication
from portal.evidence import EvidenceError, EvidenceErrorCode, inspect_upload, public_copy
from portal.evidence.containers import metadata_blocks, sniff_mime
from tests.portal.evidence.photos import (
    PILLOW_FORMAT,
    encode,
    make_exif,
    photo_with_everything,
    picture,
    red_blue_swapped_profile,
)

MIMES = ["image/jpeg", "image/png", "image/webp"]
# What a metadata block announces itself with, in any of the three containers (checked case-insensitively).
METADATA_MARKERS = [b"exif", b"gps", b"xmp", b"icc", b"secret", b"huawei"]


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("mime", MIMES)
def test_the_original_is_full_of_metadata(mime: str) -> None:
    # The premise of the next test: without it, "the copy has none" would prove nothing.
    original = photo_with_everything(mime)
    assert metadata_blocks(original, mime)
    image = _open(original)
    assert image.getexif().get_ifd(0x8825)
    assert all(marker in original.lower() for marker in [b"exif", b"gps", b"xmp", b"huawei"])


@pytest.mark.parametrize("mime", MIMES)
def test_the_copy_has_no_metadata_at_all(mime: str) -> None:
    copy = public_copy(photo_with_everything(mime), mime)
    image = _open(copy)
    assert image.format == PILLOW_FORMAT[mime]
    assert sniff_mime(copy) == mime
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(0x8825)
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Comment", "Author"} & set(
        image.info
    )
    assert metadata_blocks(copy, mime) == []
    lowered = copy.lower()
    assert [marker for marker in METADATA_MARKERS if marker in lowered] == []


@pytest.mark.parametrize("mime", MIMES)
@pytest.mark.parametrize("orientation", range(1, 9))
def test_the_copy_is_upright(mime: str, orientation: int) -> None:
    original = encode(picture((64, 32)), mime, exif=make_exif(orientation=orientation), lossless=True)
    copy = _open(public_copy(original, mime))
    expected = ImageOps.exif_transpose(_open(original)).convert("RGB")
    assert copy.size == expected.size
    assert (copy.width, copy.height) == (
        inspect_upload(original, "x").width,
        inspect_upload(original, "x").height,
    )
    # Corners are far from the colour edges, so even a lossy re-encoding keeps them clearly apart.
    for corner in [(1, 1), (copy.width - 2, 1), (1, copy.height - 2), (copy.width - 2, copy.height - 2)]:
        got = copy.convert("RGB").getpixel(corner)
        want = expected.getpixel(corner)
        assert isinstance(got, tuple)
        assert isinstance(want, tuple)
        assert max(abs(a - b) for a, b in zip(got, want, strict=True)) < 40, (corner, got, want)


def test_a_png_copy_keeps_the_pixels_exactly() -> None:
    original = encode(picture((64, 32)), "image/png", exif=make_exif(orientation=8))
    copy = _open(public_copy(original, "image/png"))
    assert copy.tobytes() == ImageOps.exif_transpose(_open(original)).tobytes()


@pytest.mark.parametrize("mime", MIMES)
def test_colours_are_converted_to_srgb_before_the_profile_is_dropped(mime: str) -> None:
    red_meaning_blue = encode(
        Image.new("RGB", (16, 16), (255, 0, 0)), mime, icc_profile=red_blue_swapped_profile()
    )
    copy = _open(public_copy(red_meaning_blue, mime))
    assert "icc_profile" not in copy.info
    red, green, blue = copy.convert("RGB").getpixel((8, 8))  # type: ignore[misc]
    assert blue > 200
    assert red < 40
    assert green < 40


@pytest.mark.parametrize("mime", MIMES)
def test_a_broken_profile_is_dropped_and_the_pixels_kept(mime: str) -> None:
    original = encode(Image.new("RGB", (16, 16), (255, 0, 0)), mime, icc_profile=b"not a profile at all")
    copy = _open(public_copy(original, mime))
    assert "icc_profile" not in copy.info
    red, _, blue = copy.convert("RGB").getpixel((8, 8))  # type: ignore[misc]
    assert red > 200
    assert blue < 40


def test_a_cmyk_jpeg_becomes_rgb() -> None:
    original = encode(Image.new("RGB", (16, 16), (0, 0, 255)).convert("CMYK"), "image/jpeg")
    copy = _open(public_copy(original, "image/jpeg"))
    assert copy.mode == "RGB"
    assert metadata_blocks(public_copy(original, "image/jpeg"), "image/jpeg") == []  # no Adobe APP14 left


def test_palette_transparency_survives_as_alpha() -> None:
    image = Image.new("P", (8, 8), 0)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.paste(1, (4, 0, 8, 8))
    copy = _open(public_copy(encode(image, "image/png", transparency=0), "image/png"))
    assert copy.mode == "RGBA"
    assert copy.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert copy.getpixel((6, 0)) == (0, 0, 255, 255)


@pytest.mark.parametrize("mime", ["image/png", "image/webp"])
def test_alpha_is_kept(mime: str) -> None:
    image = Image.new("RGBA", (8, 8), (255, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 4, 8))
    copy = _open(public_copy(encode(image, mime, lossless=True), mime))
    assert copy.mode == "RGBA"
    assert copy.getpixel((1, 1))[3] == 0  # type: ignore[index]
    assert copy.getpixel((6, 1))[3] == 255  # type: ignore[index]


def test_sixteen_bit_greyscale_keeps_its_depth() -> None:
    copy = _open(public_copy(encode(Image.new("I;16", (4, 4), 40_000), "image/png"), "image/png"))
    assert copy.getpixel((0, 0)) == 40_000


def test_secondary_images_of_a_multi_picture_jpeg_are_dropped() -> None:
    buffer = io.BytesIO()
    first, second = picture(), Image.new("RGB", (64, 32), "white")
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=make_exif())
    original = buffer.getvalue()
    assert "APP2 MPF" in metadata_blocks(original, "image/jpeg")
    copy = public_copy(original, "image/jpeg")
    assert metadata_blocks(copy, "image/jpeg") == []
    assert _open(copy).getpixel((1, 1)) != (255, 255, 255)


def test_data_that_is_not_of_the_stated_type_is_refused() -> None:
    with pytest.raises(EvidenceError) as refused:
        public_copy(encode(picture(), "image/png"), "image/jpeg")
    assert refused.value.code == EvidenceErrorCode.UNSUPPORTED_TYPE


def test_corrupt_data_is_refused() -> None:
    data = encode(Image.effect_noise((64, 64), 64).convert("RGB"), "image/jpeg")
    with pytest.raises(EvidenceError) as refused:
        public_copy(data[: len(data) // 2], "image/jpeg")
    assert refused.value.code == EvidenceErrorCode.CORRUPT


@pytest.mark.parametrize("mime", MIMES)
def test_an_encoder_that_leaks_metadata_makes_the_copy_fail_closed(
    mime: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulate an encoder regression (say, a Pillow release that copies EXIF by default).
    leaky = photo_with_everything(mime)
    monkeypatch.setattr(publication, "_encode", lambda *_: leaky)
    with pytest.raises(EvidenceError) as refused:
        public_copy(encode(picture(), mime), mime)
    assert refused.value.code == EvidenceErrorCode.STRIP_FAILED


def test_metadata_only_pillow_reports_is_also_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The container walk allows the bare JFIF header; Pillow's view must still be checked on its own.
    def jpeg_with_dpi(image: Image.Image, mime: str) -> bytes:
        return encode(image, "image/jpeg", dpi=(300, 300))

    monkeypatch.setattr(publication, "_encode", jpeg_with_dpi)
    with pytest.raises(EvidenceError) as refused:
        public_copy(encode(picture(), "image/jpeg"), "image/jpeg")
    assert refused.value.code == EvidenceErrorCode.STRIP_FAILED
    assert "'dpi'" in refused.value.message_en


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(MIMES))
def test_any_exif_block_is_stripped(exif_payload: bytes, mime: str) -> None:
    original = encode(picture((16, 16)), mime, exif=b"Exif\x00\x00" + exif_payload)
    assert metadata_blocks(public_copy(original, mime), mime) == []


def _outcome(upload: bytes) -> str:
    """The refusal code, or whether the published copy came out clean."""
    try:
        photo = inspect_upload(upload, "x")
        copy = public_copy(upload, photo.mime)
    except EvidenceError as refused:
        return refused.code
    return "published clean" if metadata_blocks(copy, photo.mime) == [] else "published with metadata"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MIMES), st.data())
def test_a_damaged_upload_is_refused_with_a_code_or_published_clean(mime: str, data: st.DataObject) -> None:
    damaged = bytearray(photo_with_everything(mime, orientation=6))
    for _ in range(data.draw(st.integers(1, 6))):
        damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    upload = bytes(damaged[: data.draw(st.integers(1, len(damaged)))])
    assert _outcome(upload) in {"unsupported_type", "corrupt", "decompression_bomb", "published clean"}
