"""Perceptual hashes of photos, and an index that finds near copies without scanning every stored hash.

Pure: no Flask, no database. The hash is the classic DCT pHash: the picture upright, in grey, shrunk to 32 x 32,
its 2-D DCT, and one bit per coefficient of the 8 x 8 lowest frequencies (DC left out) saying whether it is above
their median. Low frequencies survive re-encoding, resizing, brightness and contrast changes and small crops,
so two copies of one picture differ in a few bits while unrelated pictures differ in about half of the 64.

The index is multi-index hashing (Norouzi, Punjani & Fleet, CVPR 2012): the 64 bits are cut into ``BANDS``
bands of 16; two hashes within ``MAX_DISTANCE`` bits of each other (at most 4 x 3 - 1 = 11) must agree within
``BAND_RADIUS`` = 2 bits on at least one band (pigeonhole), so a look-up only visits the buckets of the
137 band values within 2 bits of each of the query's four bands, then checks the full distance of those.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations

import numpy as np
from PIL import Image, ImageOps

HASH_BITS = 64
BANDS = 4
BAND_BITS = HASH_BITS // BANDS
BAND_MASK = (1 << BAND_BITS) - 1
BAND_RADIUS = 2
# The largest distance the index is guaranteed to find: BANDS * (BAND_RADIUS + 1) - 1.
MAX_DISTANCE = BANDS * (BAND_RADIUS + 1) - 1
# Copies of one picture: at most this many differing bits (chosen with `python -m bench.photo_reuse`).
REUSE_DISTANCE = 10

_SIZE = 32
_LOW = 8


@cache
def _dct_matrix(n: int) -> np.ndarray:
    """The orthonormal DCT-II matrix: ``M @ x`` is the DCT of the column ``x``."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    matrix = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2 / n)
    matrix[0] /= np.sqrt(2)
    return matrix


# Crops a reused picture may have been given, as (left, top, right, bottom) shares of the picture: a photo is
# stored with the hash of each, and a new photo's crops are compared with them, so a copy cut 5-10 % on a side
# still lands within a few bits of one of them.
CROPS: tuple[tuple[float, float, float, float], ...] = (
    (0.0, 0.0, 1.0, 1.0),
    (0.075, 0.0, 1.0, 1.0),
    (0.0, 0.0, 0.925, 1.0),
    (0.0, 0.075, 1.0, 1.0),
    (0.0, 0.0, 1.0, 0.925),
    (0.05, 0.05, 1.0, 1.0),
    (0.0, 0.05, 0.95, 1.0),
    (0.05, 0.0, 1.0, 0.95),
    (0.0, 0.0, 0.95, 0.95),
    (0.04, 0.04, 0.96, 0.96),
)
_GRID = 160


def _hash_pixels(pixels: np.ndarray) -> int:
    matrix = _dct_matrix(_SIZE)
    low = (matrix @ pixels @ matrix.T)[:_LOW, :_LOW].flatten()[1:]  # DC only says how bright: left out
    bits = low > np.median(low)
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    # 63 AC coefficients give 63 bits; the lowest bit is always 0.
    return value << 1


def phash_variants(image: Image.Image) -> list[int]:
    """The 64-bit pHash of a decoded picture (its EXIF orientation applied first) and of each of its CROPS,
    the whole picture first."""
    upright = ImageOps.exif_transpose(image)
    grid = upright.convert("L").resize((_GRID, _GRID), Image.Resampling.BOX)
    hashes = []
    for left, top, right, bottom in CROPS:
        box = (round(left * _GRID), round(top * _GRID), round(right * _GRID), round(bottom * _GRID))
        part = grid.crop(box).resize((_SIZE, _SIZE), Image.Resampling.BOX)
        hashes.append(_hash_pixels(np.asarray(part, dtype=np.float64)))
    return hashes


def phash_image(image: Image.Image) -> int:
    """The pHash of the whole picture."""
    return phash_variants(image)[0]


def variants_of_bytes(data: bytes) -> list[int]:
    """The hashes of an encoded photo. JPEGs are decoded at reduced scale (the hash needs only a small grid)."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("L", (_GRID * 2, _GRID * 2))
        return phash_variants(image)


def phash_bytes(data: bytes) -> int:
    return variants_of_bytes(data)[0]


def reuse_distance(earlier: Iterable[int], new: Iterable[int]) -> int:
    """The fewest differing bits between any hash of an earlier photo and any of a new one."""
    news = list(new)
    return min(distance(a, b) for a in earlier for b in news)


def to_signed(value: int) -> int:
    """A 64-bit hash as a signed integer, for a BIGINT column."""
    return value - (1 << HASH_BITS) if value >= 1 << (HASH_BITS - 1) else value


def from_signed(value: int) -> int:
    return value & ((1 << HASH_BITS) - 1)


def distance(a: int, b: int) -> int:
    """Differing bits of two hashes."""
    return (from_signed(a) ^ from_signed(b)).bit_count()


def bands(value: int) -> tuple[int, ...]:
    """The hash cut into BANDS unsigned integers of BAND_BITS bits, highest first."""
    value = from_signed(value)
    return tuple((value >> (BAND_BITS * (BANDS - 1 - n))) & BAND_MASK for n in range(BANDS))


@cache
def _flip_masks(radius: int) -> tuple[int, ...]:
    masks = [0]
    for r in range(1, radius + 1):
        for positions in combinations(range(BAND_BITS), r):
            masks.append(sum(1 << p for p in positions))
    return tuple(masks)


def band_neighbours(value: int) -> Iterator[tuple[int, int]]:
    """(band number, band value) pairs a near copy of ``value`` must hit at least once: every value within
    BAND_RADIUS bits of each of its bands."""
    for number, band in enumerate(bands(value)):
        for mask in _flip_masks(BAND_RADIUS):
            yield number, band ^ mask


@dataclass
class HashIndex:
    """Stored hashes, several per key (a photo's crops), in buckets per band value, for near-copy look-ups."""

    _buckets: list[defaultdict[int, list[int]]] = field(
        default_factory=lambda: [defaultdict(list) for _ in range(BANDS)]
    )
    _keys: list[int] = field(default_factory=list)
    _hashes: list[int] = field(default_factory=list)

    def add(self, key: int, value: int) -> None:
        entry = len(self._hashes)
        self._keys.append(key)
        self._hashes.append(from_signed(value))
        for number, band in enumerate(bands(value)):
            self._buckets[number][band].append(entry)

    def __len__(self) -> int:
        return len(self._hashes)

    def near(self, value: int, max_distance: int = REUSE_DISTANCE) -> list[tuple[int, int]]:
        """(key, fewest differing bits) of keys with a stored hash within ``max_distance``, nearest first."""
        if max_distance > MAX_DISTANCE:
            raise ValueError(f"the index finds distances up to {MAX_DISTANCE}, not {max_distance}")
        value = from_signed(value)
        seen: set[int] = set()
        best: dict[int, int] = {}
        for number, band in band_neighbours(value):
            for entry in self._buckets[number].get(band, ()):
                if entry in seen:
                    continue
                seen.add(entry)
                d = (self._hashes[entry] ^ value).bit_count()
                key = self._keys[entry]
                if d <= max_distance and d < best.get(key, HASH_BITS + 1):
                    best[key] = d
        return sorted(best.items(), key=lambda item: (item[1], item[0]))
