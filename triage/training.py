"""Training a model and putting it into service, from the CLI or as the background retraining job.

"Retrain now" on the desk records a :class:`TrainingRun` and queues the job with its id; the job reports each
step on the run (committed as it goes), so the desk shows what it is doing while it trains, and how it ended.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal import jobs
from portal.extensions import db
from portal.models import StaffUser, utcnow
from portal.refusals import N_, Conflict
from triage import classifier, decisions
from triage.engine.dataset import Example, fingerprint, read_examples
from triage.engine.model import TriageModel
from triage.models import TrainingRun, TrainingState

log = logging.getLogger(__name__)
RETRAIN_JOB = "triage_retrain"
UNDER_WAY = (TrainingState.QUEUED, TrainingState.RUNNING)
# Longer than the job's timeout (30 minutes): a run still "running" after this died with its worker, and must not
# keep the desk from starting another.
GIVEN_UP_AFTER = timedelta(hours=1)


class TrainingUnderWay(Conflict):
    """One retraining at a time: a second would only train the same examples again."""

    code = "training_under_way"
    message = N_("A retraining is already under way; its progress is shown on the desk.")


def staff_examples() -> list[Example]:
    return [Example(title, body, label) for title, body, label in decisions.labelled_examples()]


def train_and_activate(examples: list[Example], progress: Callable[[str], None] | None = None) -> str:
    """Train on ``examples``, register the model with its cross-validated metrics, make it active."""
    model = TriageModel()
    report = model.fit(examples, progress=progress)
    registry = classifier.registry()
    version = registry.save(model, report.as_dict(), fingerprint(examples))
    registry.activate(version)
    return version


def latest_run() -> TrainingRun | None:
    return db.session.scalar(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(1))


def is_under_way(run: TrainingRun, now: datetime | None = None) -> bool:
    return run.state in UNDER_WAY and run.requested_at > (now or utcnow()) - GIVEN_UP_AFTER


def request_retraining(staff: StaffUser) -> TrainingRun:
    """Queue a retraining (once the request commits), unless one is already queued or running."""
    latest = latest_run()
    if latest is not None and is_under_way(latest):
        raise TrainingUnderWay
    run = TrainingRun(state=TrainingState.QUEUED, requested_by=staff, requested_at=utcnow())
    db.session.add(run)
    db.session.flush()
    jobs.enqueue(RETRAIN_JOB, run.id)
    return run


_FOLD = re.compile(r"fold (\d+)/(\d+)")


def _step(line: str) -> tuple[str, float] | None:
    """The engine's progress line as a step the desk can word in the reader's language, and how far along."""
    if line.startswith("segmenting"):
        return "segmenting", 0.05
    if line.startswith("features"):
        return "features", 0.15
    fold = _FOLD.search(line)
    if fold:
        number, total = int(fold.group(1)), int(fold.group(2))
        return f"fold:{number}/{total}", 0.15 + 0.7 * (number - 1) / max(total, 1)
    if line.startswith("refitting"):
        return "refitting", 0.85
    return None


def _report(run: TrainingRun) -> Callable[[str], None]:
    def say(line: str) -> None:
        log.info(line)
        step = _step(line)
        if step is not None:
            run.progress, run.fraction = step
            db.session.commit()  # the job's own session: the desk reads each step as it happens

    return say


def retrain(run_id: int | None = None) -> None:
    """The retraining job: the configured training data plus every staff decision so far."""
    run = db.session.get(TrainingRun, run_id) if run_id is not None else None
    if run is not None and run.state not in UNDER_WAY:
        return  # a retry of a run that already ended: nothing to do again
    if run is not None:
        run.state, run.started_at, run.progress, run.fraction = TrainingState.RUNNING, utcnow(), None, 0.0
        db.session.commit()
    try:
        examples = read_examples(Path(current_app.config["TRIAGE_TRAINING_DATA"])) + staff_examples()
        version = train_and_activate(examples, progress=_report(run) if run else log.info)
    except Exception as error:
        db.session.rollback()
        if run is not None:
            run = db.session.get(TrainingRun, run.id)
            if run is not None:
                run.state, run.finished_at = TrainingState.FAILED, utcnow()
                run.error = f"{type(error).__name__}: {error}"[:200]
                db.session.commit()
        raise
    if run is not None:
        run.state, run.finished_at, run.fraction = TrainingState.FINISHED, utcnow(), 1.0
        run.examples, run.model_version, run.progress = len(examples), version, None
    log.info("retrained on %d examples: model %s is active", len(examples), version)


def step_text(run: TrainingRun) -> str:
    """Where a run stands, in the reader's language."""
    if run.state in UNDER_WAY and not is_under_way(run):
        return _("The training stopped without finishing; the previous model stays active.")
    if run.state is TrainingState.QUEUED:
        return _("Waiting for a worker to start the training.")
    if run.state is TrainingState.FAILED:
        return _("The training failed; the previous model stays active.")
    if run.state is TrainingState.FINISHED:
        return _(
            "Finished: model %(version)s, trained on %(count)d examples, is active.",
            version=run.model_version or "",
            count=run.examples or 0,
        )
    step = run.progress or ""
    if step.startswith("fold:"):
        number, _slash, total = step.removeprefix("fold:").partition("/")
        return _("Cross-validating: fold %(number)s of %(total)s.", number=number, total=total)
    return {
        "segmenting": _("Segmenting the complaints into words."),
        "features": _("Building the features."),
        "refitting": _("Training the final model on every example."),
    }.get(step, _("Starting."))
