"""Training a model and putting it into service, from the CLI or as the background retraining job."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from triage import classifier, decisions
from triage.engine.dataset import Example, fingerprint, read_examples, read_rows
from triage.engine.evaluation import Comparison, compare_with_active
from triage.engine.model import TriageModel

log = logging.getLogger(__name__)
RETRAIN_JOB = "triage_retrain"
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


def retrain() -> None:
    """The retraining job: the configured training data plus every staff decision so far."""
    examples = (
        local_examples(read_examples(Path(current_app.config["TRIAGE_TRAINING_DATA"]))) + staff_examples()
    )
    base = current_app.config.get("TRIAGE_BASE_DATA")
    if base:
        examples = base_examples(Path(base)) + examples
    outcome = train_and_register(examples, progress=log.info)
    if outcome.activated:
        log.info("retrained on %d examples: model %s is active", len(examples), outcome.version)
    else:
        log.warning(
            "retrained on %d examples: model %s is worse than the active %s, which stays active",
            len(examples),
            outcome.version,
            outcome.previous,
        )
