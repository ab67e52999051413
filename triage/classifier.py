"""The engine as the app uses it: the active model (cached per version), the threshold, and predictions.

Workers and web processes share the model folder; the registry's pointer file says which version is active, so a
retrained model is picked up by every process on its next prediction without a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.app_cache import per_app
from portal.domain import Allegation, PartyMembership
from portal.models import Complaint
from triage.engine import script
from triage.engine.misconduct import MisconductSignal, detect_misconduct
from triage.engine.model import Prediction, TriageModel
from triage.engine.registry import ModelRegistry
from triage.engine.tokenizer import Tokenizer


@dataclass(frozen=True)
class LoadedModel:
    version: str
    model: TriageModel


def registry() -> ModelRegistry:
    return per_app("triage_registry", lambda: ModelRegistry(Path(current_app.config["MODEL_FOLDER"])))


def active_model() -> LoadedModel | None:
    models = registry()
    version = models.active_version()
    # Load by version, not "the active one", so the version recorded with a decision is the model that made it.
    return LoadedModel(version, models.load(version)) if version is not None else None


def threshold(loaded: LoadedModel) -> float:
    """The configured threshold, or the one the model chose on held-out training folds."""
    configured = current_app.config.get("TRIAGE_THRESHOLD")
    return float(configured) if configured is not None else float(loaded.model.threshold)


def threshold_for(loaded: LoadedModel, title: str, body: str) -> float:
    """The configured threshold, or the model's for this complaint (short complaints have their own)."""
    configured = current_app.config.get("TRIAGE_THRESHOLD")
    return float(configured) if configured is not None else float(loaded.model.threshold_for(title, body))


def predict(loaded: LoadedModel, complaint: Complaint) -> Prediction:
    return loaded.model.predict([(complaint.title, complaint.body)])[0]


def is_english(complaint: Complaint) -> bool:
    """An English complaint goes to the desk: the model was trained on Chinese ones."""
    return script.is_english(f"{complaint.title} {complaint.body}")


def predict_many(loaded: LoadedModel, complaints: Sequence[Complaint]) -> list[Prediction]:
    """Predictions for many complaints in one batch (the model's matrix work is far cheaper per complaint)."""
    return loaded.model.predict([(complaint.title, complaint.body) for complaint in complaints])


def warm_up() -> None:
    """Load the active model and build the tokenizer's dictionary now, so the first job does not pay for it
    (a worker calls this before it takes jobs)."""
    loaded = active_model()
    if loaded is not None:
        loaded.model.predict([("预热", "预热")])
    else:
        Tokenizer.default().segment("预热")


def misconduct_signal(complaint: Complaint) -> MisconductSignal:
    allegation = None
    if complaint.misconduct_alleged:
        allegation = Allegation(
            accused_name=complaint.accused_name,
            accused_unit=complaint.accused_unit,
            party_member=complaint.accused_party_member or PartyMembership.UNKNOWN,
        )
    return detect_misconduct(complaint.title, complaint.body, allegation)
