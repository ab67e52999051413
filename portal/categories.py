"""The seven complaint categories (their keys are a contract with integrations), shared by the portal and the triage engine.

Pure data: importable without Flask, so the triage engine can use it too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryInfo:
    key: str
    label_zh: str
    label_en: str
    bureau_zh: str
    bureau_en: str


CATEGORIES: tuple[CategoryInfo, ...] = (
    CategoryInfo(
        "housing_urban",
        "城乡建设",
        "Housing and urban-rural development",
        "住房和城乡建设局",
        "Housing and Urban-Rural Development Bureau",
    ),
    CategoryInfo(
        "environment", "环境保护", "Environmental protection", "生态环境局", "Ecology and Environment Bureau"
    ),
    CategoryInfo("transport", "交通运输", "Transport", "交通运输局", "Transport Bureau"),
    CategoryInfo(
        "education_culture",
        "教育文体",
        "Education, culture and sports",
        "教育体育局",
        "Education and Sports Bureau",
    ),
    CategoryInfo(
        "labour_social_security",
        "劳动和社会保障",
        "Labour and social security",
        "人力资源和社会保障局",
        "Human Resources and Social Security Bureau",
    ),
    CategoryInfo(
        "commerce_tourism", "商贸旅游", "Commerce and tourism", "商务和旅游局", "Commerce and Tourism Bureau"
    ),
    CategoryInfo(
        "health_family_planning",
        "卫生计生",
        "Health and family planning",
        "卫生健康委员会",
        "Health Commission",
    ),
)

CATEGORY_KEYS: tuple[str, ...] = tuple(category.key for category in CATEGORIES)
# What citizens call each bureau besides its full name: the short forms in everyday use.
BUREAU_ALIASES: dict[str, tuple[str, ...]] = {
    "housing_urban": ("住建局", "建设局", "住房城乡建设局", "Housing Bureau"),
    "environment": (
        "环保局",
        "环境保护局",
        "生态环境分局",
        "Environment Bureau",
        "Environmental Protection Bureau",
    ),
    "transport": ("交通局", "交通运输管理局", "Transport Department"),
    "education_culture": ("教育局", "教体局", "教育和体育局", "Education Bureau"),
    "labour_social_security": (
        "人社局",
        "劳动局",
        "人力资源和社会保障局",
        "Labour Bureau",
        "Social Security Bureau",
    ),
    "commerce_tourism": ("商务局", "旅游局", "文旅局", "Commerce Bureau", "Tourism Bureau"),
    "health_family_planning": ("卫健委", "卫生局", "卫健局", "Health Bureau"),
}
_BY_KEY = {category.key: category for category in CATEGORIES}
_BY_LABEL = {category.label_zh: category for category in CATEGORIES}


def category_key(label_or_key: str) -> str:
    """Map a category key or its Chinese label (as training files use either) to the key."""
    text = label_or_key.strip()
    if text in _BY_KEY:
        return text
    if text in _BY_LABEL:
        return _BY_LABEL[text].key
    raise ValueError(f"unknown category {label_or_key!r}; expected one of {', '.join(CATEGORY_KEYS)}")


def category_info(key: str) -> CategoryInfo:
    return _BY_KEY[category_key(key)]
