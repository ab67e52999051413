"""Decode untrusted image bytes with Pillow: type from the bytes, size checked before pixels, full decode.

Every Pillow call on untrusted data runs inside `pillow_guard()`. Pillow reports decompression bombs and
corrupt metadata through `warnings`; the guard turns the bomb warning into an exception and silences the rest
(they concern metadata we treat as best-effort), so no warning escapes to the caller or to pytest.
`catch_warnings` swaps process-wide state and is not thread-safe before Python 3.14, so the guard also holds a
lock: image work is serialised within one process, which a complaint portal's upload rate easily affords.
"""

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

from portal.evidence.containers import JPEG, PNG, WEBP, sniff_mime
from portal.evidence.errors import EvidenceError, EvidenceErrorCode

DEFAULT_MAX_PIXELS = 40_000_000

PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}  # each accepted MIME type's name in Pillow

_PILLOW_LOCK = threading.Lock()


@contextmanager
def pillow_guard() -> Iterator[None]:
    with _PILLOW_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # inserted first, so it wins
        yield


def require_accepted_type(data: bytes, label: str) -> str:
    """The MIME type of `data`, or EvidenceError('unsupported_type'). `label` names the file in messages."""
    mime = sniff_mime(data)
    if mime is None:
        raise EvidenceError(EvidenceErrorCode.UNSUPPORTED_TYPE, f"{label} is not a JPEG, PNG or WebP image")
    return mime


def pixel_count(data: bytes) -> int | None:
    """Width times height from the header alone (no pixel is decoded), or None if the header is unreadable."""
    mime = sniff_mime(data)
    if mime is None:
        return None
    try:
        with pillow_guard():
            width, height = Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[mime]]).size
    except Exception:  # unreadable: the full inspection reports it with the right code
        return None
    return width * height


def decode(data: bytes, mime: str, *, max_pixels: int, label: str) -> Image.Image:
    """The fully decoded image, inside `pillow_guard()`. EvidenceError: decompression_bomb or corrupt."""
    too_many_pixels = EvidenceError(
        EvidenceErrorCode.DECOMPRESSION_BOMB, f"{label} has more than {max_pixels:,} pixels"
    )
    try:
        header = Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[mime]])
        # Opening reads the header only: the size is known before any pixel is decompressed.
        width, height = header.size
        if width * height > max_pixels:
            raise too_many_pixels
        header.verify()  # checksums (PNG CRCs); leaves the image unusable, hence the second open
        image = Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[mime]])
        image.load()  # decodes every pixel: truncated data fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels from exc
    except EvidenceError:
        raise
    except Exception as exc:
        # A decoder fed hostile bytes can fail in many ways (OSError, SyntaxError, ValueError, struct.error,
        # MemoryError...): each one means the upload is not a usable image. The cause stays chained for logs.
        raise EvidenceError(
            EvidenceErrorCode.CORRUPT, f"{label} is damaged or incomplete and could not be decoded"
        ) from exc
    return image
