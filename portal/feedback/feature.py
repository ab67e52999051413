"""The follow-up visit (回访): after a resolution the citizen says whether it was fixed and how satisfied they
are; failed answers reopen the complaint and, the second time, go to the supervision body."""

from __future__ import annotations

from typing import Any

from flask import url_for

from portal.features import Feature, Job
from portal.feedback import service
from portal.feedback.api import API_DOCS, feedback_api
from portal.feedback.cli import feedback_cli
from portal.feedback.pages import feedback_pages
from portal.models import Complaint
from portal.signals import Subscription, complaint_resolved


def public_visit(complaint: Complaint, _locale: str) -> dict[str, Any] | None:
    """The status page's section: the visit waiting for an answer, if any (the answers are on the timeline)."""
    visit = service.open_visit_of(complaint)
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
    track_partials=("feedback/_visit.html",),
    api_docs=API_DOCS,
)
