"""Fix photos: the pictures a bureau sends with a reply or resolution, checked in public beside it.

Each photo goes through the intake's upload checks (``photos.inspect_files``) and gets the same private original
and public metadata-free copy (the publication job). Then ``portal.evidence.fix_checks`` says where and when it
was taken compared with the complaint, and the perceptual hashes (``portal.evidence.phash``) say whether it is a
near copy of any earlier photo: the citizen's, another complaint's, another fix photo. Every photo's hashes are
stored (citizens' photos too, at intake), band by band, so that look-up is a few indexed queries.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select

from portal import jobs
from portal.evidence.exif import GeoPoint
from portal.evidence.fix_checks import FixCheck, Place, check_fix_photo
from portal.evidence.hash_store import Reuse, earlier_copy, store_hashes
from portal.evidence.models import Photo
from portal.evidence.phash import variants_of_bytes
from portal.evidence.photos import (
    EXTENSIONS,
    PUBLISH_JOB,
    Upload,
    forget_list_photos,
    original_path,
    photos_of_list,
)
from portal.extensions import db
from portal.models import Complaint, Event
from portal.refusals import N_, Refusal

# Without exact coordinates the division's radius stands in; a division without one gets this many km.
DEFAULT_DIVISION_RADIUS_KM = 50.0


class FixPhotoRequired(Refusal):
    """The complaint's category asks for proof on the spot before it may be marked resolved."""

    code = "fix_photo_required"
    message = N_(
        "To mark a complaint of this category resolved, attach a photo of the fix with its location."
    )
    default_field = "photos"


@dataclass(frozen=True)
class AssessedFix:
    """A fix photo checked, not yet stored."""

    upload: Upload
    check: FixCheck
    hashes: list[int]
    reuse: Reuse | None


def place_of(complaint: Complaint) -> Place | None:
    if complaint.latitude is not None and complaint.longitude is not None:
        return Place(
            GeoPoint(complaint.latitude, complaint.longitude), current_app.config["FIX_PHOTO_MAX_METRES"]
        )
    division = complaint.division
    if division.latitude is not None and division.longitude is not None:
        radius_km = division.radius_km or DEFAULT_DIVISION_RADIUS_KM
        return Place(GeoPoint(division.latitude, division.longitude), radius_km * 1000)
    return None


def assess(complaint: Complaint, uploads: Sequence[Upload], now: datetime) -> list[AssessedFix]:
    """Check each fix photo against the complaint's place and time and against every earlier photo."""
    place = place_of(complaint)
    assessed = []
    for upload in uploads:
        hashes = variants_of_bytes(upload.data)
        check = check_fix_photo(upload.photo, place=place, filed_at=complaint.created_at, replied_at=now)
        assessed.append(AssessedFix(upload=upload, check=check, hashes=hashes, reuse=earlier_copy(hashes)))
    return assessed


def require_for_resolution(complaint: Complaint, assessed: Sequence[AssessedFix]) -> None:
    required = current_app.config["FIX_PHOTO_REQUIRED_CATEGORIES"]
    category = complaint.category
    if category is not None and category.key in required and not any(a.check.has_location for a in assessed):
        raise FixPhotoRequired(category.key)


def record_entry(assessed: Sequence[AssessedFix]) -> list[dict[str, Any]]:
    """What the reply's event says of its photos, for the tamper-evident record."""
    return [
        {
            "sha256": a.upload.photo.sha256,
            "location": a.check.location.value,
            "time": a.check.time.value,
            "reused": a.reuse is not None,
        }
        for a in assessed
    ]


def attach(complaint: Complaint, reply: Event, assessed: Sequence[AssessedFix]) -> list[Photo]:
    """Store each checked fix photo (original private, public copy by the job) with its hashes."""
    stored = []
    for a in assessed:
        inspected = a.upload.photo
        photo = Photo(
            complaint=complaint,
            sha256=inspected.sha256,
            mime=inspected.mime,
            size=inspected.size,
            width=inspected.width,
            height=inspected.height,
            public_name=secrets.token_urlsafe(18),
            gps_lat=inspected.gps.lat if inspected.gps else None,
            gps_lon=inspected.gps.lon if inspected.gps else None,
            taken_at=inspected.taken_at.isoformat() if inspected.taken_at else None,
            camera=" ".join(filter(None, (inspected.camera_make, inspected.camera_model)))[:120] or None,
            check_result="fix_photo",
            reply_event_id=reply.id,
            fix_location=a.check.location.value,
            fix_distance_m=a.check.distance_m,
            fix_time=a.check.time.value,
            reused_photo_id=a.reuse.photo_id if a.reuse else None,
            reuse_bits=a.reuse.bits if a.reuse else None,
        )
        path = original_path(photo)
        if not path.exists():
            path.write_bytes(a.upload.data)
            path.chmod(0o600)
        db.session.add(photo)
        forget_list_photos()
        db.session.flush()
        store_hashes(photo, a.hashes)
        stored.append(photo)
    db.session.flush()
    for photo in stored:
        jobs.enqueue(PUBLISH_JOB, photo.id)
    return stored


def fix_photos_of(complaint: Complaint) -> list[Photo]:
    query = select(Photo).where(Photo.complaint_id == complaint.id, Photo.reply_event_id.is_not(None))
    return list(db.session.scalars(query.order_by(Photo.id)))


def public_section(complaint: Complaint, _locale: str) -> list[dict[str, Any]]:
    """The fix photos with their checks, each naming the reply it came with (its time, as in the timeline).

    The checks are public even for a photo not yet published; a reused photo says whose it copies (this
    complaint's evidence, another complaint's, a fix photo) but not which complaint, which may be private."""
    return _section(complaint, fix_photos_of(complaint))


def public_sections(complaints: Sequence[Complaint], _locale: str) -> dict[int, list[dict[str, Any]]]:
    """The same section for a list of complaints."""
    found = photos_of_list(complaints)  # one query with the evidence section's
    return {
        complaint.id: _section(
            complaint, [photo for photo in found[complaint.id] if photo.reply_event_id is not None]
        )
        for complaint in complaints
    }


def _section(complaint: Complaint, photos: Sequence[Photo]) -> list[dict[str, Any]]:
    replies = {e.id: e for e in complaint.events}
    view = []
    for photo in photos:
        reply = replies.get(photo.reply_event_id or 0)
        earlier = photo.reused_photo
        view.append(
            {
                "reply_at": reply.created_at.isoformat() if reply else None,
                "url": url_for("evidence.public_copy", name=f"{photo.public_name}.{EXTENSIONS[photo.mime]}")
                if photo.published
                else None,
                "width": photo.width,
                "height": photo.height,
                "location": photo.fix_location,
                "distance_m": round(photo.fix_distance_m) if photo.fix_distance_m is not None else None,
                "time": photo.fix_time,
                "reused": None
                if earlier is None
                else {
                    "of": "fix_photo" if earlier.reply_event_id is not None else "citizen_photo",
                    "same_complaint": earlier.complaint_id == complaint.id,
                    "bits": photo.reuse_bits,
                },
            }
        )
    return view
