"""Support ("me too"): a count on the status page, in the API and in Open311, without storing who."""

from portal.features import Feature, Job
from portal.models import Complaint
from portal.support import service
from portal.support.api import API_DOCS, support_api
from portal.support.pages import support_pages


def _supporters(complaint: Complaint, _locale: str) -> int:
    return service.supporters_of(complaint)


FEATURE = Feature(
    name="support",
    pages=(support_pages,),
    apis=(support_api,),
    jobs=(Job(service.FORGET_JOB, service.forget_expired_marks, every_seconds=3600, timeout_seconds=120),),
    public_sections={"supporters": _supporters},
    track_partials=("support/_track.html",),
    api_docs=API_DOCS,
)
