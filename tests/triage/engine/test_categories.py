from __future__ import annotations

import pytest

from triage.engine.categories import CATEGORIES, category_key

# The published category keys and labels (a contract with integrations), as written in the README.
DESIGN_TABLE = {
    "housing_urban": "城乡建设",
    "environment": "环境保护",
    "transport": "交通运输",
    "education_culture": "教育文体",
    "labour_social_security": "劳动和社会保障",
    "commerce_tourism": "商贸旅游",
    "health_family_planning": "卫生计生",
}


def test_the_seven_categories_of_the_design() -> None:
    assert {c.key: c.label_zh for c in CATEGORIES} == DESIGN_TABLE
    assert all(c.label_en for c in CATEGORIES)


@pytest.mark.parametrize(
    ("given", "key"),
    [("环境保护", "environment"), ("transport", "transport"), (" 卫生计生 ", "health_family_planning")],
)
def test_keys_and_chinese_labels_map_to_keys(given: str, key: str) -> None:
    assert category_key(given) == key


@pytest.mark.parametrize("given", ["城建", "Transport", "", "党务政务"])
def test_unknown_labels_are_refused(given: str) -> None:
    with pytest.raises(ValueError, match="unknown category"):
        category_key(given)
