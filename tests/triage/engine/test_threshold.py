from __future__ import annotations

import copy
import math

from triage.engine.dataset import Example
from triage.engine.model import SHORT_TITLE, TrainingReport, TriageModel
from triage.engine.threshold import NEVER, auto_route_figures, choose_threshold


def test_lowest_confidence_that_keeps_the_target_precision() -> None:
    confidence = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, True, True, False, True]
    assert choose_threshold(confidence, correct, 1.0) == 0.8
    assert choose_threshold(confidence, correct, 0.8) == 0.6  # 5 of 6 right
    assert auto_route_figures(confidence, correct, 0.8) == (1.0, 4 / 6)


def test_ties_are_routed_together() -> None:
    # At 0.9 one of the two is wrong: the threshold cannot sit between them.
    assert choose_threshold([0.99, 0.9, 0.9], [True, True, False], 0.9) == 0.99


def test_never_when_nothing_is_precise_enough() -> None:
    assert choose_threshold([0.9, 0.8], [False, True], 0.98) == NEVER
    assert choose_threshold([], [], 0.98) == NEVER
    precision, coverage = auto_route_figures([0.9, 1.0], [True, True], NEVER)
    assert math.isnan(precision)
    assert coverage == 0.0


def test_short_complaints_get_a_threshold_of_their_own(
    trained: tuple[TriageModel, TrainingReport], training_examples: list[Example]
) -> None:
    model, report = trained
    assert report.cv_short_examples == sum(len(e.title.strip()) <= SHORT_TITLE for e in training_examples)
    assert report.short_threshold == model.short_threshold
    # Never below the threshold for all: a few characters earn no more trust than a whole complaint.
    assert model.threshold_for("公交太少", "") == max(model.threshold, model.short_threshold)
    assert model.threshold_for("公交太少", "8路公交车班次太少，等车要四十分钟。") == model.threshold
    assert model.threshold_for("一个超过十个字的标题在这里写着", "") == model.threshold
    if report.cv_short_auto_route_coverage > 0:
        assert report.cv_short_auto_route_precision >= report.target_precision


def test_a_short_complaint_routes_only_at_its_own_threshold(model: TriageModel) -> None:
    strict = copy.copy(model)
    strict.threshold = 0.0
    strict.short_threshold = NEVER
    short, long = strict.predict([("公交太少", ""), ("公交太少", "8路公交车班次太少，等车要四十分钟。")])
    assert not short.auto_route
    assert long.auto_route
