"""Training a model and putting it into service, from the CLI or as the background retraining job.

"Retrain now" on the desk records a :class:`TrainingRun` and queues the job with its id; the job reports each
step on the run (committed as it goes), so the desk shows what it is doing while it trains, and how it ended.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
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
from triage.engine.dataset import Example, fingerprint, read_examples, read_rows
from triage.engine.evaluation import Comparison, compare_with_active
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


TEST_SPLIT = "test"


def staff_examples() -> list[Example]:
    """The desk's decisions: local labels, which win where a base corpus disagrees."""
    return [Example(title, body, label, local=True) for title, body, label in decisions.labelled_examples()]


def local_examples(examples: list[Example]) -> list[Example]:
    return [dataclasses.replace(example, local=True) for example in examples]


def base_examples(path: Path) -> list[Example]:
    """A base corpus: every row but those of split ``test`` (kept for evaluation), not local."""
    return [row.example for row in read_rows(path) if row.split != TEST_SPLIT]


@dataclass(frozen=True)
class TrainingOutcome:
    version: str
    activated: bool
    previous: str | None  # the model active before training
    comparison: Comparison | None  # None when no model was active (or it could not be read) or when forced


def train_and_register(
    examples: list[Example], progress: Callable[[str], None] | None = None, *, force_activate: bool = False
) -> TrainingOutcome:
    """Train on ``examples`` and register the model with its cross-validated metrics.

    The new model becomes active only if it is not worse than the active one on the same complaints, each held
    out from both (:func:`compare_with_active`), or when ``force_activate`` is given.
    """
    say = progress or (lambda _line: None)
    model = TriageModel()
    report = model.fit(examples, progress=progress)
    registry = classifier.registry()
    previous = registry.active_version()
    version = registry.save(model, report.as_dict(), fingerprint(examples))
    comparison = None
    if previous is not None and not force_activate:
        try:
            active = registry.load(previous)
        except (OSError, KeyError, TypeError, ValueError) as exc:
            say(f"the active model {previous} cannot be read ({exc}): the new one replaces it")
        else:
            say("comparing with the active model")
            comparison = compare_with_active(model, active, examples)
            say(comparison.describe())
    activated = comparison is None or comparison.candidate_not_worse
    if activated:
        registry.activate(version)
    return TrainingOutcome(version, activated, previous, comparison)


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


def training_examples() -> list[Example]:
    """What the retraining learns from: the base corpus if set, the local labels, and every staff decision."""
    examples = (
        local_examples(read_examples(Path(current_app.config["TRIAGE_TRAINING_DATA"]))) + staff_examples()
    )
    base = current_app.config.get("TRIAGE_BASE_DATA")
    return base_examples(Path(base)) + examples if base else examples


def retrain(run_id: int | None = None) -> None:
    """The retraining job: the configured training data plus every staff decision so far."""
    run = db.session.get(TrainingRun, run_id) if run_id is not None else None
    if run is not None and run.state not in UNDER_WAY:
        return  # a retry of a run that already ended: nothing to do again
    if run is not None:
        run.state, run.started_at, run.progress, run.fraction = TrainingState.RUNNING, utcnow(), None, 0.0
        db.session.commit()
    try:
        examples = training_examples()
        outcome = train_and_register(examples, progress=_report(run) if run else log.info)
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
        run.examples, run.model_version, run.progress = len(examples), outcome.version, None
    if outcome.activated:
        log.info("retrained on %d examples: model %s is active", len(examples), outcome.version)
    else:
        log.warning(
            "retrained on %d examples: model %s is worse than the active %s, which stays active",
            len(examples),
            outcome.version,
            outcome.previous,
        )


def step_text(run: TrainingRun) -> str:
    """Where a run stands, in the reader's language."""
    if run.state in UNDER_WAY and not is_under_way(run):
        return _("The training stopped without finishing; the previous model stays active.")
    if run.state is TrainingState.QUEUED:
        return _("Waiting for a worker to start the training.")
    if run.state is TrainingState.FAILED:
        return _("The training failed; the previous model stays active.")
    if run.state is TrainingState.FINISHED and classifier.registry().active_version() != run.model_version:
        return _(
            "Finished: model %(version)s, trained on %(count)d examples, was worse than the active one, "
            "which stays active.",
            version=run.model_version or "",
            count=run.examples or 0,
        )
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
