"""The follow-up visit (回访): after a resolution the citizen says whether it was fixed and how satisfied they
are; failed answers reopen the complaint and, the second time, go to the supervision body."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for

from portal.features import Feature, Job
from portal.feedback import service
from portal.feedback.api import API_DOCS, feedback_api
from portal.feedback.cli import feedback_cli
from portal.feedback.models import Visit
from portal.feedback.pages import feedback_pages
from portal.models import Complaint
from portal.signals import Subscription, complaint_resolved


def public_visit(complaint: Complaint, _locale: str) -> dict[str, Any] | None:
    """The status page's section: the visit waiting for an answer, if any (the answers are on the timeline)."""
    return _visit_section(complaint, service.open_visit_of(complaint))


def public_visits(complaints: Sequence[Complaint], _locale: str) -> dict[int, dict[str, Any] | None]:
    """The same section for a list of complaints, in one query."""
    visits = service.open_visits_of(complaints)
    return {complaint.id: _visit_section(complaint, visits.get(complaint.id)) for complaint in complaints}


def _visit_section(complaint: Complaint, visit: Visit | None) -> dict[str, Any] | None:
    if visit is None:
        return None
    return {
        "round": visit.round,
        "closes_at": visit.closes_at.isoformat(),
        "url": url_for("feedback.visit", code=complaint.tracking_code),
    }


FEATURE = Feature(
    name="feedback",
    pages=(feedback_pages,),
    apis=(feedback_api,),
    commands=(feedback_cli,),
    jobs=(Job(service.SWEEP_JOB, service.sweep, every_seconds=3600, timeout_seconds=120),),
    receivers=(Subscription(complaint_resolved, service.open_visit),),
    timeline=service.TIMELINE,
    public_sections={"feedback": public_visit},
    public_sections_many={"feedback": public_visits},
    track_partials=("feedback/_visit.html",),
    api_docs=API_DOCS,
)
