"""Check an uploaded photo before it is stored, and read what it says about where and when it was taken."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from PIL import ExifTags

from portal.evidence.decoding import DEFAULT_MAX_PIXELS, decode, pillow_guard, require_accepted_type
from portal.evidence.errors import EvidenceError, EvidenceErrorCode
from portal.evidence.exif import (
    GeoPoint,
    read_exif,
    read_gps,
    read_orientation,
    read_taken_at,
    read_text,
    upright_size,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_SHOWN_FILENAME_LENGTH = 80


@dataclass(frozen=True, slots=True)
class InspectedPhoto:
    """Facts about an accepted upload. GPS, time and camera are private: for staff and checks, never public.

    `width` and `height` are those of the upright photo (after its EXIF orientation), as in `public_copy`.
    `taken_at` is timezone-aware when the camera recorded its UTC offset (OffsetTime* tags), else naive camera
    local time: EXIF has no time zone of its own.
    """

    sha256: str
    mime: str
    width: int
    height: int
    size: int
    gps: GeoPoint | None
    taken_at: datetime | None
    camera_make: str | None
    camera_model: str | None


def inspect_upload(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> InspectedPhoto:
    """Accept a JPEG, PNG or WebP photo, or raise EvidenceError with a stable code.

    The type comes from the bytes; `filename` is only quoted in error messages. Codes, in the order checked:
    empty, too_large, unsupported_type, decompression_bomb (from the header, before any pixel is decoded),
    corrupt (the whole image is decoded, so truncated files fail).
    """
    label = _shown_filename(filename)
    if not data:
        raise EvidenceError(EvidenceErrorCode.EMPTY, f"{label} is empty")
    if len(data) > max_bytes:
        raise EvidenceError(
            EvidenceErrorCode.TOO_LARGE, f"{label} is {len(data):,} bytes; the limit is {max_bytes:,}"
        )
    mime = require_accepted_type(data, label)
    with pillow_guard():
        image = decode(data, mime, max_pixels=max_pixels, label=label)
        exif = read_exif(image)
        width, height = upright_size(image.size, read_orientation(exif))
        return InspectedPhoto(
            sha256=hashlib.sha256(data).hexdigest(),
            mime=mime,
            width=width,
            height=height,
            size=len(data),
            gps=read_gps(exif),
            taken_at=read_taken_at(exif),
            camera_make=read_text(exif, ExifTags.Base.Make),
            camera_model=read_text(exif, ExifTags.Base.Model),
        )


def _shown_filename(filename: str) -> str:
    """The client's file name, shortened and without control characters, quoted for messages."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable())[:_SHOWN_FILENAME_LENGTH]
    return f"'{name}'" if name else "the file"
