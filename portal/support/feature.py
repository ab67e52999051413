"""Support ("me too"): a count on the status page, in the API and in Open311, without storing who."""

from collections.abc import Sequence

from portal.features import Feature, Job
from portal.models import Complaint
from portal.support import service
from portal.support.api import API_DOCS, support_api
from portal.support.pages import support_pages


def _supporters(complaint: Complaint, _locale: str) -> int:
    return service.supporters_of(complaint)


def _supporters_many(complaints: Sequence[Complaint], _locale: str) -> dict[int, int]:
    counts = service.supporters_by_id([complaint.id for complaint in complaints])
    return {complaint.id: counts.get(complaint.id, 0) for complaint in complaints}


FEATURE = Feature(
    name="support",
    pages=(support_pages,),
    apis=(support_api,),
    jobs=(Job(service.FORGET_JOB, service.forget_expired_marks, every_seconds=3600, timeout_seconds=120),),
    public_sections={"supporters": _supporters},
    public_sections_many={"supporters": _supporters_many},
    track_partials=("support/_track.html",),
    api_docs=API_DOCS,
)
