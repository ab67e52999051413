"""The copy of a photo that may be published: upright, re-encoded from its pixels, with no metadata at all.

What is dropped: EXIF (GPS, time, camera, serial numbers, thumbnails), XMP, IPTC/Photoshop blocks, JPEG
comments, PNG text chunks, MPF secondary images and anything after the end of the image. ICC profiles are
dropped too, after converting the pixels to sRGB (the web's default), so a wide-gamut phone photo keeps its
colours (which can matter: the colour of a river is evidence) without publishing the profile, whose text can
name the device. Animated images keep their first frame only.

Fail closed: the output is re-read twice, by Pillow and by walking the container's blocks (`containers`), and
any metadata found raises EvidenceError('strip_failed'); the caller must then not publish the photo.
"""

import io

from PIL import ExifTags, Image, ImageCms, ImageOps

from portal.evidence.containers import JPEG, PNG, WEBP, metadata_blocks, sniff_mime
from portal.evidence.decoding import DEFAULT_MAX_PIXELS, PILLOW_FORMAT, decode, pillow_guard
from portal.evidence.errors import EvidenceError, EvidenceErrorCode
from portal.evidence.exif import read_exif, read_orientation

# Quality 85: the usual setting for photos on the web. PNG level 3 and WebP method 2 were measured on a
# 12-megapixel photo and a phone screenshot: 1.6-2.6 times faster than the defaults (6 and 4), and within 3 %
# of their size (smaller in three cases of four). Speed matters as image work is serialised (see `decoding`).
_ENCODER_OPTIONS: dict[str, dict[str, int]] = {
    JPEG: {"quality": 85},
    PNG: {"compress_level": 3},
    WEBP: {"quality": 85, "method": 2},
}
_LABEL = "the photo"

# Pillow's `info` keys that describe only how pixels are stored; any other key in the output is metadata.
_PIXEL_ONLY_INFO = {
    JPEG: frozenset({"jfif", "jfif_version", "jfif_unit", "jfif_density"}),
    PNG: frozenset(),
    WEBP: frozenset({"loop", "background", "timestamp", "duration"}),
}
_ICC_CONVERTIBLE_MODES = frozenset({"RGB", "RGBA", "CMYK"})
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


def public_copy(data: bytes, mime: str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> bytes:
    """Re-encode `data` (an upload accepted by `inspect_upload`, of type `mime`) for publication.

    JPEG in, JPEG out (quality 85); PNG in, PNG out; WebP in, WebP out (quality 85). Raises EvidenceError:
    unsupported_type if `data` is not of type `mime`, corrupt / decompression_bomb as `inspect_upload`, and
    strip_failed if the output still carries metadata.
    """
    if sniff_mime(data) != mime:
        raise EvidenceError(EvidenceErrorCode.UNSUPPORTED_TYPE, f"{_LABEL} is not of type {mime}")
    with pillow_guard():
        image = decode(data, mime, max_pixels=max_pixels, label=_LABEL)
        orientation = read_orientation(read_exif(image))
        output = _encode(_upright(_bare_pixels(image, mime), orientation), mime)
        leftovers = _metadata_left(output, mime)
    if leftovers:
        raise EvidenceError(
            EvidenceErrorCode.STRIP_FAILED, f"{_LABEL} still carries metadata: {', '.join(leftovers)}"
        )
    return output


def _bare_pixels(image: Image.Image, mime: str) -> Image.Image:
    """A new image holding only the pixels, in sRGB and a mode the output format stores.

    A fresh Image has an empty `info`, so no encoder can pick up a comment, profile or EXIF block by default
    (Pillow's JPEG encoder, for one, copies `info["comment"]` unless told otherwise).
    """
    mode = _output_mode(image, mime)
    icc = image.info.get("icc_profile")
    pixels = image
    if pixels.mode not in (mode, "CMYK"):
        # Palettes and colour-key transparency become plain RGB(A) before the colour conversion; a CMYK
        # profile, though, only applies to CMYK pixels.
        pixels = pixels.convert(mode)
    if icc and pixels.mode in _ICC_CONVERTIBLE_MODES:
        pixels = _to_srgb(pixels, icc)
    if pixels.mode != mode:
        pixels = pixels.convert(mode)  # CMYK without a usable profile
    bare = Image.new(mode, pixels.size)
    bare.paste(pixels)
    return bare


def _output_mode(image: Image.Image, mime: str) -> str:
    if mime == JPEG:
        return "L" if image.mode == "L" else "RGB"
    if image.mode in _ALPHA_MODES or "transparency" in image.info:
        return "RGBA"
    if mime == PNG and image.mode in ("L", "I;16"):
        return image.mode  # keep greyscale, including 16-bit depth, which "L" would clip
    return "RGB"


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGB" if image.mode == "CMYK" else image.mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken or mismatched profile: keep the pixels as stored and just drop the profile
    return converted if converted is not None else image


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """Turn `image` as its orientation says, handing exif_transpose nothing but that one tag.

    ImageOps.exif_transpose also re-serialises the EXIF it finds, which raises on the malformed blocks real
    cameras and editors write; the bare image's EXIF holds only the orientation, so that cannot happen.
    """
    if orientation == 1:
        return image
    image.getexif()[ExifTags.Base.Orientation] = orientation
    return ImageOps.exif_transpose(image)


def _encode(image: Image.Image, mime: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, PILLOW_FORMAT[mime], **_ENCODER_OPTIONS[mime])
    return buffer.getvalue()


def _metadata_left(output: bytes, mime: str) -> list[str]:
    """Metadata found in our own output, by walking its blocks and by reading it back with Pillow."""
    found = metadata_blocks(output, mime)
    try:
        reread = Image.open(io.BytesIO(output), formats=[PILLOW_FORMAT[mime]])
        reread.load()
        found += [f"{key!r} in the decoded info" for key in sorted(set(reread.info) - _PIXEL_ONLY_INFO[mime])]
        if reread.getexif():
            found.append("EXIF tags")
    except Exception:
        found.append("the output could not be read back")  # never publish what we cannot check
    return found
