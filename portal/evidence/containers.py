"""The three accepted containers (JPEG, PNG, WebP) read at the byte level, without Pillow.

Two jobs: recognise the type from the leading bytes (never from a file name or a client's MIME type), and
list every block that can carry metadata. The second is an independent check of the public copies: it walks
the container's own structure instead of trusting what a decoder chooses to report, so a block Pillow ignores
is still seen. A raw search for b"Exif" would not do: compressed pixel data can contain any byte sequence.
"""

import struct

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
ACCEPTED_MIME_TYPES = (JPEG, PNG, WEBP)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Chunks a bare PNG needs: header, palette, transparency, pixels, end. Anything else (tEXt, zTXt, iTXt, eXIf,
# iCCP, tIME, ...) is metadata.
_PNG_PIXEL_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})

# WebP chunks that hold pixels: lossy, lossless, alpha, and the extended header (checked separately).
_WEBP_PIXEL_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"ALPH", b"VP8X"})
_VP8X_ICC_EXIF_XMP_FLAGS = 0x20 | 0x08 | 0x04

# JPEG markers that stand alone, without a length: TEM and the restart markers RST0-RST7.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_JPEG_SOS, _JPEG_EOI, _JPEG_APP0, _JPEG_APP15, _JPEG_COM = 0xDA, 0xD9, 0xE0, 0xEF, 0xFE


def sniff_mime(data: bytes) -> str | None:
    """The accepted type `data` starts like, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def metadata_blocks(data: bytes, mime: str) -> list[str]:
    """Describe every metadata-bearing block in `data`; empty means the file holds pixels only.

    A structure that cannot be walked to its end is reported as a block too, so callers fail closed.
    """
    walkers = {JPEG: _jpeg_metadata, PNG: _png_metadata, WEBP: _webp_metadata}
    try:
        return walkers[mime](data)
    except (IndexError, ValueError, struct.error):  # ran off the end, or no marker where one must be
        return [f"unreadable {mime} structure"]


def _jpeg_metadata(data: bytes) -> list[str]:
    found: list[str] = []
    pos = 2  # after SOI
    while True:
        if data[pos] != 0xFF:
            return [*found, f"unreadable JPEG structure at byte {pos}"]
        while data[pos + 1] == 0xFF:  # fill bytes before a marker
            pos += 1
        marker = data[pos + 1]
        if marker == _JPEG_EOI:
            if pos + 2 < len(data):
                found.append("data after end of image")
            return found
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        payload = data[pos + 4 : pos + 2 + length]
        if marker == _JPEG_COM:
            found.append("COM comment")
        elif _JPEG_APP0 <= marker <= _JPEG_APP15 and not _is_jfif_header(marker, payload):
            identifier = payload[:32].split(b"\0", 1)[0].decode("ascii", "replace")
            found.append(f"APP{marker - _JPEG_APP0} {identifier}")
        pos += 2 + length
        if marker == _JPEG_SOS:
            pos = _end_of_entropy_coded_data(data, pos)


def _is_jfif_header(marker: int, payload: bytes) -> bool:
    # The only APPn segment allowed: JFXX (a thumbnail), Exif, XMP, ICC, MPF, Photoshop... all carry metadata.
    return marker == _JPEG_APP0 and payload.startswith(b"JFIF\0")


def _end_of_entropy_coded_data(data: bytes, pos: int) -> int:
    """Position of the first real marker after scan data (0xFF 0x00 is a stuffed byte, RSTn are in-scan)."""
    while True:
        pos = data.index(b"\xff", pos)
        following = data[pos + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return pos
        pos += 2


def _png_metadata(data: bytes) -> list[str]:
    found: list[str] = []
    pos = len(_PNG_SIGNATURE)
    while True:
        length, chunk_type = struct.unpack_from(">I4s", data, pos)
        if chunk_type not in _PNG_PIXEL_CHUNKS:
            found.append(f"{chunk_type.decode('latin-1')} chunk")
        pos += 12 + length  # length, type, data, CRC
        if chunk_type == b"IEND":
            if pos < len(data):
                found.append("data after IEND")
            return found


def _webp_metadata(data: bytes) -> list[str]:
    found: list[str] = []
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end = 8 + riff_size
    if end != len(data):
        found.append("RIFF size does not match the file")
    pos = 12
    while pos < end:
        fourcc, size = struct.unpack_from("<4sI", data, pos)
        if fourcc not in _WEBP_PIXEL_CHUNKS:
            found.append(f"{fourcc.decode('latin-1')} chunk")
        elif fourcc == b"VP8X" and data[pos + 8] & _VP8X_ICC_EXIF_XMP_FLAGS:
            found.append("VP8X header announces ICC, EXIF or XMP")
        pos += 8 + size + (size & 1)  # chunks are padded to an even length
    if pos != end:
        found.append("last chunk runs past the end of the file")
    return found
