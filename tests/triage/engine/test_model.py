from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pytest

from tests.triage.engine.synthetic import examples
from triage.engine.categories import CATEGORY_KEYS
from triage.engine.dataset import Example
from triage.engine.model import TrainingReport, TriageModel

NEW_COMPLAINTS = [
    ("B2县化工厂排放废气", "每天晚上化工厂排放刺鼻的废气，河里也是污水。"),
    ("公司拖欠工资不交社保", "老板拖欠我们半年工资，也不给交社保。"),
    ("A3区公交车班次太少", "等公交车要一个小时，红绿灯也不合理。"),
    ("医院挂号难，医保报销少", "在人民医院看病排队太久，医保报销比例太低。"),
]


def test_predicts_new_complaints(model: TriageModel) -> None:
    predicted = [p.category for p in model.predict(NEW_COMPLAINTS)]
    assert predicted == ["environment", "labour_social_security", "transport", "health_family_planning"]


def test_probabilities_are_calibrated_distributions(model: TriageModel) -> None:
    probabilities = model.predict_proba([*NEW_COMPLAINTS, ("", ""), ("Elevator broken", "")])
    assert probabilities.shape == (6, len(CATEGORY_KEYS))
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_prediction_fields(model: TriageModel) -> None:
    for prediction in model.predict(NEW_COMPLAINTS):
        keys = [key for key, _ in prediction.top]
        probabilities = [probability for _, probability in prediction.top]
        assert len(prediction.top) == 3
        assert len(set(keys)) == 3
        assert set(keys) <= set(CATEGORY_KEYS)
        assert probabilities == sorted(probabilities, reverse=True)
        assert prediction.category == keys[0]
        assert prediction.confidence == probabilities[0]
        assert 0.0 <= prediction.confidence <= 1.0
        assert prediction.auto_route == (prediction.confidence >= model.threshold)
        assert prediction.routes_at(0.0)
        assert not prediction.routes_at(1.01)


def test_empty_batch(model: TriageModel) -> None:
    assert model.predict([]) == []


def test_training_report(
    trained: tuple[TriageModel, TrainingReport], training_examples: list[Example]
) -> None:
    model, report = trained
    assert report.n_examples == len(training_examples)
    assert report.categories == list(CATEGORY_KEYS)
    assert report.folds == 5
    assert 0.8 <= report.cv_macro_f1 <= 1.0
    assert set(report.cv_f1_by_category) == set(CATEGORY_KEYS)
    assert set(report.cv_base_macro_f1) == {"nbsvm_char", "nbsvm_word"}
    assert report.threshold == model.threshold
    assert report.target_precision == 0.98
    assert report.cv_auto_route_precision >= 0.98
    assert 0.0 < report.cv_auto_route_coverage <= 1.0
    assert report.as_dict()["cv_macro_f1"] == report.cv_macro_f1


def test_save_and_load_give_the_same_predictions(model: TriageModel, tmp_path: Path) -> None:
    path = tmp_path / "model.joblib"
    model.save(path)
    loaded = TriageModel.load(path)
    assert loaded.threshold == model.threshold
    assert loaded.classes == model.classes
    np.testing.assert_allclose(loaded.predict_proba(NEW_COMPLAINTS), model.predict_proba(NEW_COMPLAINTS))


def test_load_refuses_other_objects(tmp_path: Path) -> None:
    path = tmp_path / "other.joblib"
    joblib.dump({"not": "a model"}, path)
    with pytest.raises(TypeError, match="does not hold a TriageModel"):
        TriageModel.load(path)


def test_untrained_model_refuses_to_predict_or_save(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not trained"):
        TriageModel().predict(NEW_COMPLAINTS)
    with pytest.raises(RuntimeError, match="not trained"):
        TriageModel().save(tmp_path / "model.joblib")


def test_trains_on_a_subset_of_categories() -> None:
    model = TriageModel()
    report = model.fit(
        examples(per_category=6, seed=2, categories=("transport", "environment", "commerce_tourism"))
    )
    assert model.classes == ("environment", "transport", "commerce_tourism")
    assert report.folds == 5
    prediction = model.predict([("出租车拒载", "晚上打车被拒载")])[0]
    assert prediction.category == "transport"
    assert {key for key, _ in prediction.top} == set(model.classes)


def test_folds_shrink_for_small_categories() -> None:
    few = examples(per_category=3, seed=3, categories=("transport", "environment"))
    assert TriageModel().fit(few).folds == 3


def test_training_needs_two_categories_and_two_complaints_each() -> None:
    with pytest.raises(ValueError, match="at least two categories"):
        TriageModel().fit(examples(per_category=4, categories=("transport",)))
    lonely = [
        *examples(per_category=4, categories=("transport",)),
        Example("景区门票太贵", "门票涨价", "commerce_tourism"),
    ]
    with pytest.raises(ValueError, match="too few for commerce_tourism"):
        TriageModel().fit(lonely)


def test_progress_is_reported(training_examples: list[Example]) -> None:
    lines: list[str] = []
    TriageModel().fit(training_examples[:60], progress=lines.append)
    assert lines[0].startswith("segmenting 60 complaints")
    assert any(line.startswith("fold 1/") for line in lines)
    assert lines[-1].startswith("cross-validated: macro-F1")
