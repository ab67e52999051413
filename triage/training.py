"""Training a model and putting it into service, from the CLI or as the background retraining job."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from triage import classifier, decisions
from triage.engine.dataset import Example, fingerprint, read_examples
from triage.engine.model import TriageModel

log = logging.getLogger(__name__)
RETRAIN_JOB = "triage_retrain"


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


def retrain() -> None:
    """The retraining job: the configured training data plus every staff decision so far."""
    examples = read_examples(Path(current_app.config["TRIAGE_TRAINING_DATA"])) + staff_examples()
    version = train_and_activate(examples, progress=log.info)
    log.info("retrained on %d examples: model %s is active", len(examples), version)
