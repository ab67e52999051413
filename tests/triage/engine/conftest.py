"""A small model trained once per test session on synthetic complaints, shared by the engine's tests."""

from __future__ import annotations

import pytest

from tests.triage.engine.synthetic import examples
from triage.engine.dataset import Example
from triage.engine.model import TrainingReport, TriageModel


@pytest.fixture(scope="session")
def training_examples() -> list[Example]:
    return examples(per_category=24, seed=1)


@pytest.fixture(scope="session")
def trained(training_examples: list[Example]) -> tuple[TriageModel, TrainingReport]:
    model = TriageModel()
    report = model.fit(training_examples)
    return model, report


@pytest.fixture(scope="session")
def model(trained: tuple[TriageModel, TrainingReport]) -> TriageModel:
    return trained[0]
