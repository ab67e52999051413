"""A model trained once per session on the project's seed corpus, copied into each test's model folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from triage.engine.dataset import read_examples
from triage.engine.model import TriageModel
from triage.engine.registry import ModelRegistry

SEED_CORPUS = Path(__file__).resolve().parents[2] / "triage" / "seed" / "complaints.csv"


@pytest.fixture(scope="session")
def seed_model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    examples = read_examples(SEED_CORPUS)
    model = TriageModel()
    report = model.fit(examples)
    registry = ModelRegistry(folder)
    registry.activate(registry.save(model, report.as_dict(), "seed-corpus"))
    return folder


@pytest.fixture
def config_overrides(seed_model_folder: Path, tmp_path: Path) -> dict[str, Any]:
    """Every triage test runs with the seed model active, in a folder of its own (tests may add versions)."""
    folder = tmp_path / "models"
    shutil.copytree(seed_model_folder, folder)
    return {"MODEL_FOLDER": str(folder)}
