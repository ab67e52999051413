"""Photo evidence: public copies and staff originals, publication as a job, the status page's photos."""

from flask_login import current_user

from portal.evidence import fix_photos, held, photos
from portal.evidence.labels import (
    FIX_LOCATION_LABELS,
    FIX_TIME_LABELS,
    PHOTO_CHECK_LABELS,
    REUSE_LABELS,
    camera_time,
)
from portal.evidence.pages import evidence_pages, evidence_staff
from portal.features import Feature, Job
from portal.jobs import MEDIA
from portal.models import Complaint


def _may_see_originals(complaint: Complaint) -> bool:
    return current_user.is_authenticated and photos.may_see_originals(current_user, complaint)


FEATURE = Feature(
    name="evidence",
    pages=(evidence_pages, evidence_staff),
    # Re-encoding a large photo takes seconds: on the media queue, never in front of a classification.
    jobs=(
        Job(photos.PUBLISH_JOB, photos.publish, queue=MEDIA, timeout_seconds=180),
        Job(held.FORGET_JOB, held.forget_expired, every_seconds=600, timeout_seconds=120),
    ),
    public_sections={"evidence": photos.public_section, "fix_photos": fix_photos.public_section},
    public_sections_many={"evidence": photos.public_sections, "fix_photos": fix_photos.public_sections},
    template_globals={
        "evidence_for": photos.photos_of,
        "may_see_originals": _may_see_originals,
        "photo_check_labels": PHOTO_CHECK_LABELS,
        "camera_time": camera_time,
        "public_photo_url": photos.public_url,
        "fix_location_labels": FIX_LOCATION_LABELS,
        "fix_time_labels": FIX_TIME_LABELS,
        "reuse_labels": REUSE_LABELS,
    },
)
