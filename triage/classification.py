"""The classification job: route confidently classified complaints, and queue the rest for a human.

The engine (``triage.engine``) predicts; this module decides what the prediction means for the complaint and
records the decision as an event.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.complaints.routing import route
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus, RoutedBy
from portal.record import events
from triage import classifier
from triage.engine.model import Prediction
from triage.engine.threshold import two_strong
from triage.models import Assessment, MisconductReview

# Complaints classified by one job: its own, and others still waiting (their own jobs then find them done).
CLASSIFY_BATCH = 64


def classify(complaint_id: int) -> None:
    """The classification job: route confidently classified complaints, queue the rest. Idempotent.

    The model predicts a batch far more cheaply per complaint than one at a time, so the job also takes up to
    ``CLASSIFY_BATCH - 1`` other complaints still waiting for classification (oldest first, skipping any that
    another worker holds) and predicts them all at once."""
    # Locked: a duplicate of this job running at the same moment waits, then finds the work done.
    complaint = db.session.get(Complaint, complaint_id, with_for_update=True)
    if complaint is None or complaint.status is not ComplaintStatus.RECEIVED:
        return
    waiting = db.session.scalars(
        select(Complaint)
        .where(Complaint.status == ComplaintStatus.RECEIVED, Complaint.id != complaint.id)
        .order_by(Complaint.id)
        .limit(CLASSIFY_BATCH - 1)
        .with_for_update(skip_locked=True)
    ).all()
    batch = [complaint, *waiting]
    loaded = classifier.active_model()
    predictions = classifier.predict_many(loaded, batch) if loaded is not None else [None] * len(batch)
    for each, prediction in zip(batch, predictions, strict=True):
        _classify_one(each, loaded, prediction)


def _classify_one(
    complaint: Complaint, loaded: classifier.LoadedModel | None, prediction: Prediction | None
) -> None:
    signal = classifier.misconduct_signal(complaint)
    assessment = Assessment(
        complaint=complaint,
        misconduct_flag=signal.flag,
        misconduct_track=signal.track if signal.flag else None,
        misconduct_score=signal.score,
        misconduct_evidence=list(signal.evidence),
        misconduct_review=MisconductReview.PENDING if signal.flag else None,
    )
    db.session.add(assessment)
    if signal.flag:
        # Not public: an unreviewed machine flag must not read as an accusation on the public page.
        events.record(
            "misconduct_flagged",
            complaint=complaint,
            actor=_model_actor(loaded),
            public=False,
            payload={"track": signal.track.value, "evidence": list(signal.evidence), "score": signal.score},
        )
    if loaded is None or prediction is None:
        _queue(complaint, reason="no active model")
        return
    threshold = classifier.threshold_for(loaded, complaint.title, complaint.body)
    assessment.model_version = loaded.version
    assessment.category_key = prediction.category
    assessment.confidence = prediction.confidence
    assessment.threshold = threshold
    assessment.top = [[key, round(probability, 4)] for key, probability in prediction.top]
    if signal.flag:
        # A human decides where an allegation goes: auto-routing could hand it to the very bureau it accuses,
        # whose officers would then see the complainant's contact details.
        _queue(complaint, reason="misconduct flagged")
    elif classifier.is_english(complaint):
        # The model learnt from Chinese complaints: its confidence on English text means nothing.
        _queue(complaint, reason=ENGLISH_REASON)
    elif (pair := two_strong(prediction.top)) is not None:
        # Possibly two bureaus' work: only the desk can give a complaint to two bureaus, each with its own round.
        _queue(complaint, reason=two_strong_reason(*pair), categories=list(pair))
    elif prediction.routes_at(threshold):
        assessment.auto_routed = True
        route(
            complaint,
            prediction.category,
            routed_by=RoutedBy.MODEL,
            actor=_model_actor(loaded),
            model_version=loaded.version,
            confidence=prediction.confidence,
        )
    else:
        _queue(complaint, reason="below threshold")


ENGLISH_REASON = "written in English: the model reads Chinese"


def two_strong_reason(first: str, second: str) -> str:
    """The desk reason of a complaint whose two likeliest categories are both strong, naming both."""
    return f"two strong categories: {first} and {second}"


def _model_actor(loaded: classifier.LoadedModel | None) -> str:
    return f"model:{loaded.version}" if loaded else "system"


def _queue(complaint: Complaint, *, reason: str, categories: list[str] | None = None) -> None:
    complaint.status = ComplaintStatus.TRIAGE
    payload: dict[str, object] = {"reason": reason}
    if categories:
        payload["categories"] = categories
    events.record("queued_for_triage", complaint=complaint, actor="system", payload=payload)
