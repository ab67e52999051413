"""The engine as the app uses it: the active model (cached per version), the threshold, and predictions.

Workers and web processes share the model folder; the registry's pointer file says which version is active, so a
retrained model is picked up by every process on its next prediction without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.models import Complaint
from triage.engine.misconduct import Allegation, MisconductSignal, detect_misconduct
from triage.engine.model import Prediction, TriageModel
from triage.engine.registry import ModelRegistry

EXTENSION_KEY = "fire_alarm.triage_registry"


@dataclass(frozen=True)
class LoadedModel:
    version: str
    model: TriageModel


def registry() -> ModelRegistry:
    found = current_app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = ModelRegistry(Path(current_app.config["MODEL_FOLDER"]))
        current_app.extensions[EXTENSION_KEY] = found
    return found


def active_model() -> LoadedModel | None:
    models = registry()
    version = models.active_version()
    # Load by version, not "the active one", so the version recorded with a decision is the model that made it.
    return LoadedModel(version, models.load(version)) if version is not None else None


def threshold(loaded: LoadedModel) -> float:
    """The configured threshold, or the one the model chose on held-out training folds."""
    configured = current_app.config.get("TRIAGE_THRESHOLD")
    return float(configured) if configured is not None else float(loaded.model.threshold)


def predict(loaded: LoadedModel, complaint: Complaint) -> Prediction:
    return loaded.model.predict([(complaint.title, complaint.body)])[0]


def misconduct_signal(complaint: Complaint) -> MisconductSignal:
    allegation = None
    if complaint.misconduct_alleged:
        party = complaint.accused_party_member.value if complaint.accused_party_member else "unknown"
        allegation = Allegation(name=complaint.accused_name, unit=complaint.accused_unit, party_member=party)
    return detect_misconduct(complaint.title, complaint.body, allegation)
