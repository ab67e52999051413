"""The triage desk: the queue of complaints waiting for a human, and the decision page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.auth.access import requires_role
from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.duplicates import service as duplicates
from portal.extensions import db
from portal.http.i18n import current_language
from portal.http.pages import make_staff_blueprint, refusal_text, show_refusal
from portal.http.paging import page_request
from portal.models import Bureau, Complaint
from portal.refusals import Refusal
from portal.unit_of_work import commit
from triage import decisions, training
from triage.engine.misconduct import ALLEGATION_PREFIX
from triage.engine.threshold import two_strong
from triage.forms import (
    LINK_REASON_HINT,
    REASON_HINT,
    REVIEW_REASON_HINT,
    UNLINK_REASON_HINT,
    LinkDuplicateForm,
    MisconductReviewForm,
    RoutingForm,
    UnlinkDuplicateForm,
)
from triage.models import Assessment, MisconductReview, TrainingRun

desk = make_staff_blueprint("triage_desk", __name__, url_prefix="/staff/triage")


@desk.get("/")
@requires_role(Role.TRIAGE)
def queue() -> str:
    return _queue_page()


def _queue_page(refused: str | None = None) -> str:
    run = training.latest_run()
    return render_template(
        "triage/queue.html",
        page=decisions.queue(page_request(request.args)),
        training=training_view(run) if run else None,
        refused=refused,
    )


def _complaint_or_404(code: str) -> Complaint:
    complaint = find_by_code(code)
    if complaint is None:
        abort(404)
    return complaint


@desk.get("/<code>")
@requires_role(Role.TRIAGE)
def item(code: str) -> str:
    complaint = _complaint_or_404(code)
    return _render(complaint, _routing_form(complaint), MisconductReviewForm(prefix="misconduct"))


def _routing_form(complaint: Complaint) -> RoutingForm:
    """The routing form, offering the bureaus of the complaint's division as its second bureau."""
    bureaus = db.session.scalars(
        select(Bureau).where(Bureau.division_id == complaint.division_id).order_by(Bureau.code)
    ).all()
    return RoutingForm(locale=current_language(), prefix="route", bureaus=bureaus)


@dataclass(frozen=True)
class EvidenceItem:
    """One reason for a misconduct flag as a reader sees it: a phrase quoted from the complaint (in its own
    language), or the citizen's allegation, worded in the reader's language."""

    text: str
    quoted: bool


def readable_evidence(assessment: Assessment | None) -> list[EvidenceItem]:
    if assessment is None:
        return []
    return [
        EvidenceItem(_("the citizen's own allegation (see above)"), quoted=False)
        if phrase.startswith(ALLEGATION_PREFIX)
        else EvidenceItem(phrase, quoted=True)
        for phrase in assessment.misconduct_evidence
    ]


def _render(
    complaint: Complaint,
    routing: RoutingForm,
    review: MisconductReviewForm,
    link: LinkDuplicateForm | None = None,
    unlink: UnlinkDuplicateForm | None = None,
) -> str:
    assessment = decisions.assessment_of(complaint)
    if not routing.category.data and assessment and assessment.category_key:
        routing.category.data = assessment.category_key
    pair = two_strong(assessment.top) if assessment and assessment.top else None
    if not routing.is_submitted():
        if complaint.second_bureau is not None:
            routing.second_bureau.data = complaint.second_bureau.bureau.code
        elif pair is not None:
            # Prefilled, not decided: the officer reads the complaint and keeps or clears the second bureau.
            routing.second_bureau.data = f"{complaint.division.code}:{pair[1]}"
    link = link or LinkDuplicateForm(prefix="link")
    likely = [] if complaint.duplicate_of_id is not None else duplicates.likely_masters(complaint)
    if not link.master.data and likely:
        link.master.data = likely[0].complaint.tracking_code
    return render_template(
        "triage/item.html",
        complaint=complaint,
        assessment=assessment,
        routing=routing,
        review=review,
        reason_hint=REASON_HINT,
        review_reason_hint=REVIEW_REASON_HINT,
        evidence=readable_evidence(assessment),
        two_strong=pair,
        review_pending=assessment is not None and assessment.misconduct_review is MisconductReview.PENDING,
        likely_duplicates=likely,
        link=link,
        unlink=unlink or UnlinkDuplicateForm(prefix="unlink"),
        link_reason_hint=LINK_REASON_HINT,
        unlink_reason_hint=UNLINK_REASON_HINT,
        linked_here=duplicates.duplicates_of(complaint),
    )


def _other_forms(complaint: Complaint) -> tuple[RoutingForm, MisconductReviewForm]:
    return _routing_form(complaint), MisconductReviewForm(prefix="misconduct")


def _duplicate_action(
    complaint: Complaint,
    form: LinkDuplicateForm | UnlinkDuplicateForm,
    act: Callable[[], Complaint],
    said: Callable[[Complaint], str],
) -> str | Response | tuple[str, int]:
    """Link or unlink at the desk: the form again with what is wrong, or the item page with what was done."""
    forms = {"link": form} if isinstance(form, LinkDuplicateForm) else {"unlink": form}
    if not form.validate_on_submit():
        return _render(complaint, *_other_forms(complaint), **forms), 422
    try:
        master = act()
    except Refusal as refusal:
        status = show_refusal(form, refusal)
        return _render(complaint, *_other_forms(complaint), **forms), status
    commit()
    flash(said(master))
    return redirect(url_for("triage_desk.item", code=complaint.tracking_code))


@desk.post("/<code>/link")
@requires_role(Role.TRIAGE)
def link_duplicate(code: str) -> str | Response | tuple[str, int]:
    complaint = _complaint_or_404(code)
    form = LinkDuplicateForm(prefix="link")
    return _duplicate_action(
        complaint,
        form,
        lambda: duplicates.link(
            complaint, form.master.data, reason=form.reason.data, actor=current_user.actor
        ),
        lambda master: _(
            "Linked: %(code)s is handled together with %(master)s. Both records say so.",
            code=complaint.tracking_code,
            master=master.tracking_code,
        ),
    )


@desk.post("/<code>/unlink")
@requires_role(Role.TRIAGE)
def unlink_duplicate(code: str) -> str | Response | tuple[str, int]:
    complaint = _complaint_or_404(code)
    form = UnlinkDuplicateForm(prefix="unlink")
    return _duplicate_action(
        complaint,
        form,
        lambda: duplicates.unlink(complaint, reason=form.reason.data, actor=current_user.actor),
        lambda master: _(
            "Unlinked: %(code)s is no longer handled together with %(master)s.",
            code=complaint.tracking_code,
            master=master.tracking_code,
        ),
    )


@desk.post("/<code>/routing")
@requires_role(Role.TRIAGE)
def decide(code: str) -> str | Response | tuple[str, int]:
    complaint = _complaint_or_404(code)
    routing = _routing_form(complaint)
    if routing.validate_on_submit():
        try:
            decisions.decide_routing(
                complaint,
                category_key=routing.category.data,
                staff=current_user,
                division_code=routing.division.data or None,
                reason=routing.reason.data,
                second_bureau_code=routing.second_bureau.data or None,
            )
        except Refusal as refusal:
            status = show_refusal(routing, refusal)  # before rendering: it rolls back
            return _render(complaint, routing, MisconductReviewForm(prefix="misconduct")), status
        commit()
        flash(_("Routed. The decision is on the record and kept as a training example."))
        return redirect(url_for("triage_desk.queue"))
    return _render(complaint, routing, MisconductReviewForm(prefix="misconduct")), 422


@desk.post("/<code>/misconduct")
@requires_role(Role.TRIAGE)
def review(code: str) -> str | Response | tuple[str, int]:
    complaint = _complaint_or_404(code)
    form = MisconductReviewForm(prefix="misconduct")
    if form.validate_on_submit():
        try:
            decisions.review_misconduct(
                complaint,
                confirm=form.decision.data == "confirm",
                staff=current_user,
                referral=form.referral(),
            )
        except Refusal as refusal:  # the desk's own, or the oversight rules refusing the target
            status = show_refusal(form, refusal)
            return _render(complaint, _routing_form(complaint), form), status
        commit()
        flash(_("Misconduct review recorded."))
        return redirect(url_for("triage_desk.queue"))
    return _render(complaint, _routing_form(complaint), form), 422


@desk.post("/retrain")
@requires_role(Role.TRIAGE)
def retrain() -> Response | tuple[str, int]:
    try:
        training.request_retraining(current_user)
    except Refusal as refusal:
        db.session.rollback()
        return _queue_page(refused=refusal_text(refusal)), refusal.status
    commit()  # queues the job (a worker's, or a thread of its own without one): this request does not wait
    flash(_("Retraining started in the background. Its progress is shown below."))
    return redirect(url_for("triage_desk.queue"))


@desk.get("/retrain/<id:run_id>")
@requires_role(Role.TRIAGE)
def training_progress(run_id: int) -> Response:
    """Where a retraining stands, for the desk's progress bar to follow without reloading."""
    run = db.session.get(TrainingRun, run_id)
    if run is None:
        abort(404)
    return jsonify(training_view(run))


def training_view(run: TrainingRun) -> dict[str, object]:
    return {
        "id": run.id,
        "state": run.state.value,
        "under_way": training.is_under_way(run),
        "fraction": round(run.fraction or 0.0, 3),
        "text": training.step_text(run),
    }
