"""Photo evidence attached to complaints. The original is private; only a metadata-free copy is published."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.complaint import Complaint
from portal.models.types import UTCDateTime, utcnow


class Photo(Model):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # A random name for the public copy, so public URLs reveal nothing (not even the original's hash).
    public_name: Mapped[str] = mapped_column(String(64), unique=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    publish_error: Mapped[str | None] = mapped_column(String(40))
    # Private facts from the photo's metadata, for staff only.
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[str | None] = mapped_column(
        String(40)
    )  # ISO-8601 as the camera recorded it (may lack a zone)
    camera: Mapped[str | None] = mapped_column(String(120))
    check_result: Mapped[str] = mapped_column(String(40))
    check_distance_km: Mapped[float | None] = mapped_column(Float)
    check_age_days: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A fix photo: the bureau's reply it came with (None: the citizen's evidence), and its public checks
    # (portal.evidence.fix_checks): where, when, and whether it is a near copy of an earlier photo.
    reply_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    fix_location: Mapped[str | None] = mapped_column(String(20))
    fix_distance_m: Mapped[float | None] = mapped_column(Float)
    fix_time: Mapped[str | None] = mapped_column(String(20))
    reused_photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))
    reuse_bits: Mapped[int | None] = mapped_column(Integer)

    complaint: Mapped[Complaint] = relationship()
    reused_photo: Mapped[Photo | None] = relationship(remote_side=[id])


class HeldPhoto(Model):
    """A photo that passed its checks on a form that came back with another error, kept for a short while so the
    citizen need not attach it again. Not evidence yet: it becomes a :class:`Photo` only when the form files."""

    __tablename__ = "held_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch: Mapped[str] = mapped_column(String(64), index=True)  # the random token in the citizen's cookie
    owner: Mapped[str] = mapped_column(String(64), index=True)  # HMAC of the client's address: its quota
    filename: Mapped[str] = mapped_column(String(80))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PhotoHash(Model):
    """One perceptual hash of a photo (portal.evidence.phash: the whole picture, or one of its CROPS), signed 64
    bits, with its four 16-bit bands each indexed: finding earlier near copies visits a few buckets per band
    instead of every photo."""

    __tablename__ = "photo_hashes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), index=True)
    value: Mapped[int] = mapped_column(BigInteger)
    b0: Mapped[int] = mapped_column(Integer, index=True)
    b1: Mapped[int] = mapped_column(Integer, index=True)
    b2: Mapped[int] = mapped_column(Integer, index=True)
    b3: Mapped[int] = mapped_column(Integer, index=True)
