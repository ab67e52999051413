"""The auto-route threshold: route a complaint without a human when the model's confidence reaches it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# Above every probability: a model that cannot reach the target precision routes nothing by itself.
NEVER = math.nextafter(1.0, 2.0)


def choose_threshold(confidences: npt.ArrayLike, correct: npt.ArrayLike, target_precision: float) -> float:
    """The lowest confidence at which the complaints at or above it are at least ``target_precision`` correct.

    Meant for out-of-fold predictions, so that the figures it promises hold for complaints the model has not
    seen. Returns :data:`NEVER` if no confidence level is precise enough.
    """
    confidence = np.asarray(confidences, dtype=np.float64)
    hits = np.asarray(correct, dtype=np.float64)
    if len(confidence) == 0:
        return NEVER
    order = np.argsort(-confidence, kind="stable")
    ranked = confidence[order]
    precision = np.cumsum(hits[order]) / np.arange(1, len(ranked) + 1)
    # Only a cut between distinct confidences can be a threshold: ties are routed together.
    last_of_tie = np.append(ranked[1:] != ranked[:-1], True)
    precise = np.flatnonzero((precision >= target_precision) & last_of_tie)
    if len(precise) == 0:
        return NEVER
    return float(ranked[precise[-1]])


def auto_route_figures(
    confidences: npt.ArrayLike, correct: npt.ArrayLike, threshold: float
) -> tuple[float, float]:
    """(precision among the complaints at or above the threshold, share of complaints at or above it).

    The precision is ``nan`` when nothing reaches the threshold.
    """
    confidence = np.asarray(confidences, dtype=np.float64)
    hits = np.asarray(correct, dtype=bool)
    routed = confidence >= threshold
    coverage = float(routed.mean()) if len(confidence) else 0.0
    precision = float(hits[routed].mean()) if routed.any() else math.nan
    return precision, coverage


# Two categories are both strong when the second likeliest reaches TWO_STRONG_FLOOR and at least
# TWO_STRONG_RATIO of the likeliest. On the TipDM training split, cross-validated (``python -m bench.two_bureaus``;
# the test split is never read), this holds for 3.7 % of messages; for those the likeliest category is right 54 %
# of the time, and one of the two 92 %: a complaint about two bureaus' work, or one a human must read.
TWO_STRONG_FLOOR = 0.25
TWO_STRONG_RATIO = 0.5


def two_strong(
    top: Sequence[tuple[str, float]], *, floor: float = TWO_STRONG_FLOOR, ratio: float = TWO_STRONG_RATIO
) -> tuple[str, str] | None:
    """The two likeliest categories of ``top`` (likeliest first) when both are strong, else None."""
    if len(top) < 2:
        return None
    (first, p1), (second, p2) = top[0], top[1]
    return (first, second) if p2 >= floor and p2 >= ratio * p1 else None
