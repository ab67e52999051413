"""Traditional characters read as Simplified; English complaints told from Chinese ones."""

from __future__ import annotations

import opencc
import pytest

from triage.engine.dataset import Example
from triage.engine.misconduct import detect_misconduct
from triage.engine.model import ModelSettings, TriageModel
from triage.engine.script import is_english, to_simplified

TO_TRADITIONAL = opencc.OpenCC("s2t")


def test_traditional_characters_become_simplified_and_simplified_stays() -> None:
    assert to_simplified("公車站臺被小攤販佔用，醫院門口塞車") == "公车站台被小摊贩占用，医院门口塞车"
    assert to_simplified("公交车站台被小摊贩占用") == "公交车站台被小摊贩占用"
    assert to_simplified("") == ""


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("The bus stop outside my building has been blocked by stalls for a month.", True),
        ("Bar downstairs plays loud music until 3 a.m. 西地省A市", True),
        ("公交车站台被占，iPhone 用户无法扫码乘车", False),
        ("OK", False),
    ],
)
def test_english_is_told_from_chinese(text: str, english: bool) -> None:
    assert is_english(text) is english


def _traditional(examples: list[Example]) -> list[tuple[str, str]]:
    return [(TO_TRADITIONAL.convert(e.title), TO_TRADITIONAL.convert(e.body)) for e in examples]


def test_a_complaint_in_traditional_characters_is_classified_as_in_simplified(
    model: TriageModel, training_examples: list[Example]
) -> None:
    simplified = model.predict([(e.title, e.body) for e in training_examples])
    traditional = model.predict(_traditional(training_examples))
    same = sum(a.category == b.category for a, b in zip(simplified, traditional, strict=True))
    assert same / len(simplified) >= 0.98
    assert sum(p.auto_route for p in traditional) >= 0.95 * sum(p.auto_route for p in simplified)


def test_without_conversion_traditional_text_loses_confidence(training_examples: list[Example]) -> None:
    # The measurement the conversion answers: the same model that does not convert is far less sure.
    plain = TriageModel(ModelSettings(simplify=False))
    plain.fit(training_examples)
    simplified = plain.predict([(e.title, e.body) for e in training_examples])
    traditional = plain.predict(_traditional(training_examples))
    assert sum(p.confidence for p in traditional) < 0.95 * sum(p.confidence for p in simplified)


def test_allegations_in_traditional_characters_are_flagged() -> None:
    signal = detect_misconduct("村支書收紅包", "村支書李某收受紅包後才給村民辦理低保，群眾意見很大。")
    assert signal.flag
    assert "bribery" in signal.kinds
