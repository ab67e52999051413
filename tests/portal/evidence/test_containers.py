import pytest

from portal.evidence.containers import JPEG, PNG, WEBP, metadata_blocks, sniff_mime
from tests.portal.evidence.photos import encode, make_exif, photo_with_everything, picture, png_chunk, save_as


@pytest.mark.parametrize("mime", [JPEG, PNG, WEBP])
def test_sniffs_the_accepted_types(mime: str) -> None:
    assert sniff_mime(encode(picture(), mime)) == mime


@pytest.mark.parametrize("pillow_format", ["GIF", "BMP", "TIFF", "PDF", "ICO", "PPM"])
def test_other_image_formats_are_not_accepted(pillow_format: str) -> None:
    assert sniff_mime(save_as(picture(), pillow_format)) is None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8",  # a JPEG start cut short
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # RIFF, but audio
        b"PK\x03\x04 a zip",
    ],
)
def test_other_bytes_are_not_accepted(data: bytes) -> None:
    assert sniff_mime(data) is None


@pytest.mark.parametrize("mime", [JPEG, PNG, WEBP])
def test_a_plain_encoding_has_no_metadata_blocks(mime: str) -> None:
    assert metadata_blocks(encode(picture(), mime), mime) == []


@pytest.mark.parametrize(
    ("mime", "expected"),
    [
        (JPEG, ["APP1 Exif", "APP1 http://ns.adobe.com/xap/1.0/", "APP2 ICC_PROFILE", "COM comment"]),
        (PNG, ["iCCP chunk", "tEXt chunk", "zTXt chunk", "iTXt chunk", "eXIf chunk"]),
        (WEBP, ["VP8X header announces ICC, EXIF or XMP", "ICCP chunk", "EXIF chunk", "XMP  chunk"]),
    ],
)
def test_every_metadata_block_is_named(mime: str, expected: list[str]) -> None:
    assert metadata_blocks(photo_with_everything(mime), mime) == expected


def test_jpeg_blocks_after_the_scan_are_found() -> None:
    # A block between the compressed pixels and EOI: only a walker that skips the scan data correctly sees it.
    plain = encode(picture(), JPEG)
    assert plain.endswith(b"\xff\xd9")
    comment = b"\xff\xfe\x00\x07hello"
    assert metadata_blocks(plain[:-2] + comment + b"\xff\xd9", JPEG) == ["COM comment"]


@pytest.mark.parametrize(
    "options",
    [{"progressive": True}, {"restart_marker_rows": 1}],
    ids=["progressive", "restart-markers"],
)
def test_jpeg_walker_crosses_multiple_scans_and_restart_markers(options: dict[str, object]) -> None:
    assert metadata_blocks(encode(picture((200, 120)), JPEG, **options), JPEG) == []


def test_jfxx_thumbnail_segment_is_metadata() -> None:
    plain = encode(picture(), JPEG)
    jfxx = b"\xff\xe0\x00\x08JFXX\x00\x10"
    assert metadata_blocks(plain[:2] + jfxx + plain[2:], JPEG) == ["APP0 JFXX"]


def test_data_after_the_end_of_a_jpeg_is_found() -> None:
    assert metadata_blocks(encode(picture(), JPEG) + b"trailer", JPEG) == ["data after end of image"]


def test_data_after_the_end_of_a_png_is_found() -> None:
    assert metadata_blocks(encode(picture(), PNG) + b"trailer", PNG) == ["data after IEND"]


def test_unknown_png_chunks_are_metadata() -> None:
    plain = encode(picture(), PNG)
    time_chunk = png_chunk(b"tIME", b"\x07\xe8\x05\x01\x08\x1e\x0f")
    assert metadata_blocks(plain[:33] + time_chunk + plain[33:], PNG) == ["tIME chunk"]


def test_trailing_webp_chunk_beyond_the_riff_size_is_found() -> None:
    assert metadata_blocks(encode(picture(), WEBP) + b"EXIF\x00\x00\x00\x00", WEBP) == [
        "RIFF size does not match the file"
    ]


@pytest.mark.parametrize("mime", [JPEG, PNG, WEBP])
def test_a_truncated_container_is_reported_not_raised(mime: str) -> None:
    data = encode(picture(), mime, exif=make_exif())
    blocks = metadata_blocks(data[: len(data) // 2], mime)
    assert blocks
    assert any("unreadable" in block or "past the end" in block or "RIFF size" in block for block in blocks)
