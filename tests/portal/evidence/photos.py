"""Build test photos in memory: real encoders, chosen metadata, and a few deliberately broken files."""

import io
import struct
import zlib
from datetime import datetime

from PIL import ExifTags, Image, ImageCms, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# Typical XMP from a phone: its GPS and time duplicate the EXIF ones, so stripping EXIF alone is not enough.
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="28,12.576N"'
    b' exif:GPSLongitude="112,58.0083E"/></rdf:RDF></x:xmpmeta>'
)
CHANGSHA = (28.2096, 112.96680555555556)  # 28°12'34.56"N 112°58'0.5"E


def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees as EXIF writes them: whole degrees, whole minutes, seconds in hundredths."""
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100)


def make_exif(
    *,
    gps: tuple[float, float] | None = CHANGSHA,
    taken: datetime | None = datetime(2024, 5, 1, 8, 30, 15),
    offset: str | None = None,
    orientation: int | None = None,
    camera: tuple[str, str] | None = ("HUAWEI", "P60 Pro"),
) -> Image.Exif:
    exif = Image.Exif()
    if camera is not None:
        exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = camera
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if taken is not None:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        sub[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset is not None:
            sub[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps is not None:
        lat, lon = gps
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        gps_ifd[ExifTags.GPS.GPSLatitude] = dms(abs(lat))
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        gps_ifd[ExifTags.GPS.GPSLongitude] = dms(abs(lon))
    return exif


def picture(size: tuple[int, int] = (64, 32), mode: str = "RGB") -> Image.Image:
    """An asymmetric picture (red left, blue right, a green top-left corner) that shows turns and flips."""
    width, height = size
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    image.paste((20, 200, 20), (0, 0, width // 4, height // 4))
    return image.convert(mode)


def encode(image: Image.Image, mime: str, **options: object) -> bytes:
    return save_as(image, PILLOW_FORMAT[mime], **options)


def save_as(image: Image.Image, pillow_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def photo_with_everything(mime: str, *, orientation: int | None = None) -> bytes:
    """A photo with every kind of metadata its format can hold: EXIF with GPS, XMP, ICC, comments, text."""
    options: dict[str, object] = {
        "exif": make_exif(orientation=orientation),
        "icc_profile": SRGB_PROFILE,
    }
    if mime == "image/png":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "secret: home address")
        text.add_text("Author", "secret: owner's name", zip=True)
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        options["pnginfo"] = text
    else:
        options["xmp"] = XMP
    if mime == "image/jpeg":
        options["comment"] = b"secret: taken at home"
    return encode(picture(), mime, **options)


SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

# sRGB's primaries adapted to D50, as ICC profiles store them.
_SRGB_RED, _SRGB_GREEN, _SRGB_BLUE = (
    (0.4361, 0.2225, 0.0139),
    (0.3851, 0.7169, 0.0971),
    (0.1431, 0.0606, 0.7141),
)


def red_blue_swapped_profile() -> bytes:
    """A minimal ICC v2 RGB profile whose red channel means sRGB blue and vice versa.

    Colour management is visible with it: pure red pixels tagged with this profile are blue in sRGB.
    """

    def s15fixed16(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15fixed16(x) + s15fixed16(y) + s15fixed16(z)

    gamma_22 = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    name = b"swapped\0"
    description = b"desc\0\0\0\0" + struct.pack(">I", len(name)) + name + b"\0" * 79
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*_SRGB_BLUE)),
        (b"gXYZ", xyz(*_SRGB_GREEN)),
        (b"bXYZ", xyz(*_SRGB_RED)),
        (b"rTRC", gamma_22),
        (b"gTRC", gamma_22),
        (b"bTRC", gamma_22),
    ]
    first_offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        padded = data + b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", first_offset + len(body), len(padded))
        body += padded
    header = struct.pack(
        ">I4sI4s4s4s", first_offset + len(body), b"none", 0x02100000, b"mntr", b"RGB ", b"XYZ "
    )
    # date, signature, then platform, flags, manufacturer, model, attributes and intent, then the illuminant
    header += b"\0" * 12 + b"acsp" + b"\0" * 28 + s15fixed16(0.9642) + s15fixed16(1.0) + s15fixed16(0.8249)
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims `width` x `height` pixels: a decompression bomb's shape."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def scene(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A textured picture of random shapes, different for every seed: what perceptual hashes tell apart."""
    import random

    from PIL import ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        box = [x0, y0, x0 + rng.randrange(30, width // 2), y0 + rng.randrange(30, height // 2)]
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=colour)
    return image.filter(ImageFilter.GaussianBlur(1))
