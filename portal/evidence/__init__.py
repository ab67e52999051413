"""Photo evidence: accept uploads safely, publish them without metadata, and check them against the complaint.

Pure: no Flask, no database. The pieces, in the order intake uses them:

    photo = inspect_upload(data, filename)       # refuse bad uploads (EvidenceError.code)
    published = public_copy(data, photo.mime)    # strip everything; strip_failed means do not publish
    check = check_photo(photo, claimed_lat=..., claimed_lon=..., claimed_radius_km=..., complaint_time=...)
"""

from portal.evidence.containers import ACCEPTED_MIME_TYPES
from portal.evidence.decoding import DEFAULT_MAX_PIXELS
from portal.evidence.errors import EvidenceError, EvidenceErrorCode
from portal.evidence.exif import GeoPoint
from portal.evidence.inspection import DEFAULT_MAX_BYTES, InspectedPhoto, inspect_upload
from portal.evidence.plausibility import PhotoCheck, PhotoCheckResult, check_photo, haversine_km
from portal.evidence.publication import public_copy

__all__ = [
    "ACCEPTED_MIME_TYPES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "EvidenceError",
    "EvidenceErrorCode",
    "GeoPoint",
    "InspectedPhoto",
    "PhotoCheck",
    "PhotoCheckResult",
    "check_photo",
    "haversine_km",
    "inspect_upload",
    "public_copy",
]
