from __future__ import annotations

import math
import re

from sklearn.metrics import f1_score

from tests.triage.engine.synthetic import examples
from triage.engine.categories import CATEGORY_KEYS
from triage.engine.dataset import Example
from triage.engine.evaluation import evaluate, format_report
from triage.engine.model import TriageModel


def held_out() -> list[Example]:
    # Another seed gives other combinations of places, openings and closings than the training examples.
    return examples(per_category=5, seed=99)


def test_figures_agree_with_scikit_learn(model: TriageModel) -> None:
    test = held_out()
    report = evaluate(model, test)
    predicted = [p.category for p in model.predict([(e.title, e.body) for e in test])]
    truth = [e.label for e in test]
    assert report.n_examples == len(test)
    assert report.labels == list(CATEGORY_KEYS)
    assert math.isclose(report.macro_f1, f1_score(truth, predicted, average="macro"))
    assert math.isclose(
        report.accuracy, sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(test)
    )
    assert sum(map(sum, report.confusion)) == len(test)
    assert [row[i] for i, row in enumerate(report.confusion)] == [
        sum(t == p == key for t, p in zip(truth, predicted, strict=True)) for key in CATEGORY_KEYS
    ]
    assert [scores.support for scores in report.categories] == [truth.count(key) for key in CATEGORY_KEYS]
    assert report.threshold == model.threshold


def test_routing_figures_follow_the_threshold(model: TriageModel) -> None:
    everything = evaluate(model, held_out(), threshold=0.0)
    nothing = evaluate(model, held_out(), threshold=1.01)
    assert everything.auto_route_coverage == 1.0
    assert math.isclose(everything.auto_route_precision, everything.accuracy)
    assert nothing.auto_route_coverage == 0.0
    assert math.isnan(nothing.auto_route_precision)


def test_report_text_ends_with_macro_f1(model: TriageModel) -> None:
    report = evaluate(model, held_out())
    text = format_report(report)
    last = text.splitlines()[-1]
    assert re.fullmatch(r"macro_f1=\d\.\d{4}", last)
    assert last == f"macro_f1={report.macro_f1:.4f}"
    assert "health_family_planning" in text
    assert "卫生计生" in text
    assert "precision=n/a" in format_report(evaluate(model, held_out(), threshold=1.01))


def test_labels_cover_only_categories_seen(model: TriageModel) -> None:
    report = evaluate(model, [Example("出租车拒载绕路", "晚上打出租车经常被拒载", "transport")])
    assert report.labels == ["transport"]
    assert report.macro_f1 == 1.0
