"""Photo evidence in the app: accept uploads at intake, keep originals private, publish clean copies.

Inspection (type, size, decompression bombs, corrupt files) happens before anything is stored, so a refused
upload leaves nothing behind. Re-encoding for publication is slow for large photos, so it runs as a job; if the
clean copy still carries metadata the photo is simply not published (fail closed).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import jobs
from portal.domain import Role
from portal.evidence import (
    EvidenceError,
    EvidenceErrorCode,
    InspectedPhoto,
    check_photo,
    inspect_upload,
    public_copy,
)
from portal.evidence.decoding import pixel_count
from portal.evidence.hash_store import store_hashes
from portal.evidence.models import Photo
from portal.evidence.phash import variants_of_bytes
from portal.extensions import db
from portal.models import Complaint, StaffUser

MAX_PHOTOS = 5
PUBLISH_JOB = "publish_photo"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
# With exact coordinates, a photo further than this from them is "far from the claimed place".
COORDINATE_RADIUS_KM = 2.0
# A public copy's name: 18 random bytes in URL-safe base64, and the extension.
PUBLIC_NAME_RE = re.compile(r"[A-Za-z0-9_-]{24}\.(?:jpg|png|webp)")


class EvidenceRejected(ValueError):
    """One or more uploads were refused; ``messages`` says which and why, in the user's language."""

    def __init__(self, messages: list[str], accepted: list[Upload] | None = None) -> None:
        super().__init__("evidence rejected")
        self.messages = messages
        self.accepted = accepted or []  # the photos of the same request that passed, to hold for the next try


@dataclass(frozen=True)
class Upload:
    data: bytes
    photo: InspectedPhoto
    name: str = "photo"


def _message(error: EvidenceError, filename: str) -> str:
    megabytes = f"{current_app.config['EVIDENCE_MAX_BYTES'] / 2**20:g}"
    messages = {
        EvidenceErrorCode.TOO_LARGE: _("%(name)s is larger than %(mb)s MB.", name=filename, mb=megabytes),
        EvidenceErrorCode.EMPTY: _("%(name)s is empty.", name=filename),
        EvidenceErrorCode.UNSUPPORTED_TYPE: _("%(name)s is not a JPEG, PNG or WebP photo.", name=filename),
        EvidenceErrorCode.CORRUPT: _("%(name)s is damaged and cannot be read.", name=filename),
        EvidenceErrorCode.DECOMPRESSION_BOMB: _("%(name)s has too many pixels.", name=filename),
    }
    return messages.get(error.code, _("%(name)s cannot be accepted.", name=filename))


def inspect_files(files: list[FileStorage], kept: Sequence[tuple[str, bytes]] = ()) -> list[Upload]:
    """Read and check every uploaded photo, after those ``kept`` from an earlier try of the same form; raise
    :class:`EvidenceRejected` listing every refusal."""
    chosen = [file for file in files if file and file.filename]
    if len(chosen) + len(kept) > MAX_PHOTOS:
        raise EvidenceRejected([_("At most %(count)d photos.", count=MAX_PHOTOS)])
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    # Read one byte more than allowed, so an oversized file is recognised without reading all of it.
    read = [
        *kept,
        *((Path(file.filename or "photo").name[:80], file.stream.read(limit + 1)) for file in chosen),
    ]
    # A pixel budget for the whole request, checked from the headers before any pixel is decoded: a few
    # well-compressed giant images would otherwise cost a web worker many seconds and hundreds of MB.
    budget = current_app.config["EVIDENCE_PIXEL_BUDGET"]
    if sum(pixel_count(data) or 0 for _name, data in read) > budget:
        raise EvidenceRejected(
            [
                _(
                    "Together these photos have more than %(mp)s megapixels: send fewer or smaller ones.",
                    mp=f"{budget / 1e6:g}",
                )
            ]
        )
    uploads, problems = [], []
    for name, data in read:
        try:
            uploads.append(Upload(data, inspect_upload(data, name, max_bytes=limit), name))
        except EvidenceError as error:
            problems.append(_message(error, name))
    if problems:
        raise EvidenceRejected(problems, uploads)
    return uploads


def _folder(kind: str) -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def original_path(photo: Photo) -> Path:
    return _folder("originals") / f"{photo.sha256}.{EXTENSIONS[photo.mime]}"


def public_path(photo: Photo) -> Path:
    return _folder("public") / f"{photo.public_name}.{EXTENSIONS[photo.mime]}"


def attach(complaint: Complaint, uploads: list[Upload], now: datetime) -> list[Photo]:
    """Store the originals (privately, named by their hash) and record each photo with its plausibility check."""
    division = complaint.division
    exact = complaint.latitude is not None
    photos = []
    for upload in uploads:
        inspected = upload.photo
        check = check_photo(
            inspected,
            claimed_lat=complaint.latitude if exact else division.latitude,
            claimed_lon=complaint.longitude if exact else division.longitude,
            claimed_radius_km=COORDINATE_RADIUS_KM if exact else (division.radius_km or 50.0),
            complaint_time=now,
        )
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
            check_result=check.result.value,
            check_distance_km=check.distance_km,
            check_age_days=check.age_days,
        )
        path = original_path(photo)
        if not path.exists():  # content-addressed: the same photo twice is stored once
            path.write_bytes(upload.data)
            path.chmod(0o600)
        db.session.add(photo)
        forget_list_photos()
        photos.append(photo)
    db.session.flush()
    # Every photo's hashes are kept, so that a bureau passing one off later as proof of a fix is caught.
    for photo, upload in zip(photos, uploads, strict=True):
        store_hashes(photo, variants_of_bytes(upload.data))
    for photo in photos:
        jobs.enqueue(PUBLISH_JOB, photo.id)
    return photos


def publish(photo_id: int) -> None:
    """The publication job: write the metadata-free copy, or leave the photo unpublished. Idempotent."""
    photo = db.session.get(Photo, photo_id, with_for_update=True)
    if photo is None or photo.published:
        return
    try:
        clean = public_copy(original_path(photo).read_bytes(), photo.mime)
    except EvidenceError as error:
        photo.publish_error = error.code.value
        return
    public_path(photo).write_bytes(clean)
    photo.published = True
    photo.publish_error = None


def published_photo(name: str) -> Photo | None:
    """The photo behind a public name (the part before the extension), if it is published."""
    if not PUBLIC_NAME_RE.fullmatch(name):
        return None
    stem = name.rsplit(".", 1)[0]
    return db.session.scalar(select(Photo).where(Photo.public_name == stem, Photo.published.is_(True)))


def public_url(photo: Photo) -> str:
    """Where the published copy of ``photo`` is served (its public name and the extension of its type)."""
    return url_for(
        "evidence.public_copy", name=f"{photo.public_name}.{EXTENSIONS[photo.mime]}", _external=False
    )


def public_section(complaint: Complaint, _locale: str) -> dict[str, object]:
    """The status page's evidence: published copies, and how many are withheld (pending or not strippable)."""
    return _section(photos_of(complaint))


_LIST_PHOTOS = "fire_alarm.photos_of_list"


def photos_of_list(complaints: Sequence[Complaint]) -> dict[int, list[Photo]]:
    """Every photo of a list of complaints, the citizens' and the bureaus' fix photos, in one query that the
    evidence and the fix-photo sections of the list share (kept for the session, for this list only)."""
    ids = tuple(sorted(complaint.id for complaint in complaints))
    kept = db.session.info.get(_LIST_PHOTOS)
    if kept is not None and kept[0] == ids:
        return dict(kept[1])
    found: dict[int, list[Photo]] = {complaint_id: [] for complaint_id in ids}
    if ids:
        for photo in db.session.scalars(select(Photo).where(Photo.complaint_id.in_(ids)).order_by(Photo.id)):
            found[photo.complaint_id].append(photo)
    db.session.info[_LIST_PHOTOS] = (ids, found)
    return dict(found)


def forget_list_photos() -> None:
    """A photo added: a list's photos read before are no longer all of them."""
    db.session.info.pop(_LIST_PHOTOS, None)


def public_sections(complaints: Sequence[Complaint], _locale: str) -> dict[int, dict[str, object]]:
    """The evidence sections of a list of complaints: the citizens' photos (fix photos are the bureau's)."""
    found = photos_of_list(complaints)
    return {
        complaint_id: _section([photo for photo in photos if photo.reply_event_id is None])
        for complaint_id, photos in found.items()
    }


def _section(found: Sequence[Photo]) -> dict[str, object]:
    return {
        "photos": [
            {
                "url": public_url(p),
                "width": p.width,
                "height": p.height,
            }
            for p in found
            if p.published
        ],
        "withheld": sum(not p.published for p in found),
    }


def photos_of(complaint: Complaint) -> list[Photo]:
    """The citizen's photos of a complaint (the bureau's fix photos are shown beside its replies)."""
    query = select(Photo).where(Photo.complaint_id == complaint.id, Photo.reply_event_id.is_(None))
    return list(db.session.scalars(query.order_by(Photo.id)))


def may_see_originals(staff: StaffUser, complaint: Complaint) -> bool:
    if staff.role in (Role.ADMIN, Role.TRIAGE):
        return True
    # Originals carry GPS and camera data that can identify who reported misconduct: never for the bureau then.
    return (
        staff.role is Role.BUREAU
        and not complaint.misconduct_alleged
        and staff.bureau_id is not None
        and staff.bureau_id in complaint.answering_bureau_ids  # a second bureau too
    )
