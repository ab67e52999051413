from __future__ import annotations

import math

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
