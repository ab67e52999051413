"""The stored perceptual hashes of every photo, and the look-up of earlier near copies (see portal.evidence.phash)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select

from portal.evidence.models import Photo, PhotoHash
from portal.evidence.phash import BANDS, REUSE_DISTANCE, band_neighbours, bands, distance, to_signed
from portal.extensions import db

_BAND_COLUMNS = (PhotoHash.b0, PhotoHash.b1, PhotoHash.b2, PhotoHash.b3)
assert len(_BAND_COLUMNS) == BANDS


@dataclass(frozen=True)
class Reuse:
    photo_id: int
    bits: int


def earlier_copy(hashes: Sequence[int]) -> Reuse | None:
    """The stored photo nearest to any of ``hashes`` within REUSE_DISTANCE bits, if any."""
    best: Reuse | None = None
    for value in hashes:
        neighbours: list[list[int]] = [[] for _ in range(BANDS)]
        for number, band in band_neighbours(value):
            neighbours[number].append(band)
        query = select(PhotoHash.photo_id, PhotoHash.value).where(
            or_(*(column.in_(values) for column, values in zip(_BAND_COLUMNS, neighbours, strict=True)))
        )
        for photo_id, stored in db.session.execute(query):
            bits = distance(stored, value)
            if bits <= REUSE_DISTANCE and (best is None or (bits, photo_id) < (best.bits, best.photo_id)):
                best = Reuse(photo_id, bits)
    return best


def store_hashes(photo: Photo, hashes: Sequence[int]) -> None:
    """Keep a flushed photo's hashes, for the look-ups of the photos that come after it."""
    for value in hashes:
        b0, b1, b2, b3 = bands(value)
        db.session.add(PhotoHash(photo_id=photo.id, value=to_signed(value), b0=b0, b1=b1, b2=b2, b3=b3))
