"""How well a trained model does on labelled complaints it did not see: per category, overall, and routing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from triage.engine.categories import CATEGORY_KEYS, category_info
from triage.engine.dataset import Example
from triage.engine.model import TriageModel, text_key
from triage.engine.threshold import auto_route_figures


@dataclass(frozen=True)
class CategoryScores:
    key: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvaluationReport:
    n_examples: int
    categories: list[CategoryScores]
    labels: list[str]
    confusion: list[list[int]]  # rows: true category, columns: predicted, both in the order of ``labels``
    macro_f1: float
    accuracy: float
    threshold: float
    auto_route_precision: float  # nan when nothing reaches the threshold
    auto_route_coverage: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def evaluate(
    model: TriageModel, examples: Sequence[Example], threshold: float | None = None
) -> EvaluationReport:
    """Predict every example and compare; routing figures use ``threshold`` or else the model's own."""
    if not examples:
        raise ValueError("nothing to evaluate")
    predictions = model.predict([(e.title, e.body) for e in examples])
    truth = [e.label for e in examples]
    predicted = [p.category for p in predictions]
    # Categories that occur in the truth or in the predictions, in the contract order (macro-F1 averages these).
    labels = [key for key in CATEGORY_KEYS if key in set(truth) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0.0
    )
    chosen = model.threshold if threshold is None else threshold
    # The model's own thresholds, per complaint (short ones have their own), unless one is given.
    routed = [p.auto_route if threshold is None else p.routes_at(threshold) for p in predictions]
    auto_precision, coverage = auto_route_figures(
        np.where(routed, 1.0, 0.0), np.array(truth) == np.array(predicted), 1.0
    )
    return EvaluationReport(
        n_examples=len(examples),
        categories=[
            CategoryScores(key, float(p), float(r), float(f), int(s))
            for key, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        ],
        labels=labels,
        confusion=_confusion(truth, predicted, labels),
        macro_f1=float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0.0)),
        accuracy=float(accuracy_score(truth, predicted)),
        threshold=chosen,
        auto_route_precision=auto_precision,
        auto_route_coverage=coverage,
    )


def _confusion(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    # Counted here: scikit-learn's confusion_matrix warns when only one category occurs.
    position = {key: index for index, key in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(counts, ([position[key] for key in truth], [position[key] for key in predicted]), 1)
    return counts.tolist()


def format_report(report: EvaluationReport) -> str:
    """A table per category, the confusion matrix and the routing figures; the last line is ``macro_f1=0.XXXX``."""
    lines = [f"{'':3} {'category':<24} {'label':<14} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}"]
    for number, scores in enumerate(report.categories):
        label = category_info(scores.key).label_zh
        # Chinese characters take two columns in a terminal: pad by display width.
        padding = " " * max(0, 14 - 2 * len(label))
        lines.append(
            f"{number:>3} {scores.key:<24} {label}{padding} {scores.precision:>9.4f} {scores.recall:>7.4f} "
            f"{scores.f1:>7.4f} {scores.support:>8}"
        )
    lines.append("")
    lines.append("confusion matrix (rows: true category, columns: predicted; numbers as above)")
    width = max(5, *(len(str(count)) + 1 for row in report.confusion for count in row))
    lines.append(" " * 4 + "".join(f"{number:>{width}}" for number in range(len(report.labels))))
    for number, row in enumerate(report.confusion):
        lines.append(f"{number:>3} " + "".join(f"{count:>{width}}" for count in row))
    lines.append("")
    lines.append(f"examples={report.n_examples}")
    lines.append(f"accuracy={report.accuracy:.4f}")
    precision = "n/a" if math.isnan(report.auto_route_precision) else f"{report.auto_route_precision:.4f}"
    lines.append(
        f"auto_route threshold={report.threshold:.4f} precision={precision} coverage={report.auto_route_coverage:.4f}"
    )
    lines.append(f"macro_f1={report.macro_f1:.4f}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Comparison:
    """A newly trained model against the active one, on the same complaints, each held out from both.

    The new model is judged by its out-of-fold predictions. The active one by its own out-of-fold predictions
    for the complaints it was trained on (``active_held_out``), and by plain prediction for those it never saw
    (``active_unseen``). A model saved before held-out predictions were kept has none, so every complaint is
    predicted plainly, which favours it where it was trained on them (``active_may_have_seen``).
    """

    n_examples: int
    candidate_macro_f1: float
    active_macro_f1: float
    active_held_out: int
    active_unseen: int
    active_may_have_seen: bool

    @property
    def candidate_not_worse(self) -> bool:
        return self.candidate_macro_f1 >= self.active_macro_f1

    def describe(self) -> str:
        caveat = " (the active model kept no held-out predictions: it may have trained on these)"
        return (
            f"on the same {self.n_examples} complaints, held out: new macro-F1 {self.candidate_macro_f1:.4f}, "
            f"active {self.active_macro_f1:.4f}" + (caveat if self.active_may_have_seen else "")
        )


def compare_with_active(
    candidate: TriageModel, active: TriageModel, examples: Sequence[Example]
) -> Comparison:
    """Compare ``candidate`` (just trained on ``examples``) with ``active``; see :class:`Comparison`.

    When ``examples`` mix a base corpus with local ones, only the local ones count: the jurisdiction's labels are
    what a model is right or wrong about, even where a base corpus files the same complaints elsewhere.
    """
    examples = [e for e in examples if e.local] or list(examples)
    if not examples:
        raise ValueError("nothing to compare on")
    keys = [text_key(e.title, e.body) for e in examples]
    missing = [key for key in keys if key not in candidate.held_out]
    if missing:
        raise ValueError("the new model was not trained on these examples")
    candidate_predicted = [candidate.held_out[key] for key in keys]
    own: dict[str, str] = getattr(active, "held_out", None) or {}
    unseen = [index for index, key in enumerate(keys) if key not in own]
    fresh = active.predict([(examples[i].title, examples[i].body) for i in unseen]) if unseen else []
    active_predicted = [own.get(key, "") for key in keys]
    for index, prediction in zip(unseen, fresh, strict=True):
        active_predicted[index] = prediction.category
    truth = [e.label for e in examples]
    labels = [key for key in CATEGORY_KEYS if key in set(truth)]

    def macro(predicted: list[str]) -> float:
        return float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0.0))

    return Comparison(
        n_examples=len(examples),
        candidate_macro_f1=macro(candidate_predicted),
        active_macro_f1=macro(active_predicted),
        active_held_out=len(examples) - len(unseen),
        active_unseen=len(unseen),
        active_may_have_seen=not own,
    )
