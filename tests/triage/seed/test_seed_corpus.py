"""The seed corpus (triage/seed/complaints.csv): the shape training and intake expect, and the figures its README
states.

The README's tables are parsed rather than copied here, so editing the corpus without updating its README (or the
reverse) fails this module.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from portal.complaints.forms import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN

SEED_DIR = Path(__file__).resolve().parents[3] / "triage" / "seed"
CORPUS = SEED_DIR / "complaints.csv"
README = SEED_DIR / "README.md"

HEADER = ["title", "body", "label", "misconduct", "accused_party_member"]
# The category keys are a contract with integrations: the corpus is checked against the keys as published.
CATEGORY_KEYS = (
    "housing_urban",
    "environment",
    "transport",
    "education_culture",
    "labour_social_security",
    "commerce_tourism",
    "health_family_planning",
)
MIN_ROWS_PER_CATEGORY = 60
ACCUSED_VALUES = ("yes", "no", "unknown")

Row = dict[str, str]

UNMASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
MASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d\*{4}\d{4}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
OFFICIAL_OR_GIFT = re.compile(r"书记|党员|党委|党支部|党工委|党总支|干部|红包")


def _text(row: Row) -> str:
    return f"{row['title']}\n{row['body']}"


def _is_english(row: Row) -> bool:
    return len(LATIN.findall(row["body"])) > len(CJK.findall(row["body"]))


def _has_unmasked_contact(row: Row) -> bool:
    return bool(UNMASKED_MOBILE.search(_text(row)) or EMAIL.search(_text(row)))


def _has_masked_mobile(row: Row) -> bool:
    return bool(MASKED_MOBILE.search(_text(row)))


def _is_hard_negative(row: Row) -> bool:
    return row["misconduct"] == "0" and bool(OFFICIAL_OR_GIFT.search(_text(row)))


def _figures(selection: list[Row]) -> list[int]:
    """Rows, misconduct rows, and misconduct rows by accused_party_member: the README's column order."""
    accused = Counter(row["accused_party_member"] for row in selection if row["misconduct"] == "1")
    return [len(selection), sum(accused.values()), *(accused[value] for value in ACCUSED_VALUES)]


# First cell of a row in the README's "Other features" table -> how that figure is counted.
FEATURES: dict[str, Callable[[Row], bool]] = {
    "written in English": _is_english,
    "unmasked (fake) phone number or e-mail": _has_unmasked_contact,
    "masked phone number": _has_masked_mobile,
    "hard negative": _is_hard_negative,
}


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def readme_tables() -> dict[str, list[str]]:
    """Every Markdown table row of the README, keyed by its first cell."""
    table_rows: dict[str, list[str]] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            table_rows[cells[0].strip("`*")] = cells[1:]
    return table_rows


def _counts(cells: list[str]) -> list[int]:
    return [int(cell) for cell in cells if cell.isdigit()]


def test_header_is_the_documented_columns() -> None:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == HEADER


def test_every_row_has_exactly_the_header_columns(rows: list[Row]) -> None:
    # DictReader files surplus cells under None and fills missing ones with None.
    malformed = [row for row in rows if None in row or None in row.values()]
    assert malformed == []


def test_labels_are_category_keys(rows: list[Row]) -> None:
    assert {row["label"] for row in rows} <= set(CATEGORY_KEYS)


@pytest.mark.parametrize("key", CATEGORY_KEYS)
def test_each_category_has_enough_rows(rows: list[Row], key: str) -> None:
    assert sum(row["label"] == key for row in rows) >= MIN_ROWS_PER_CATEGORY


def test_misconduct_is_zero_or_one(rows: list[Row]) -> None:
    assert {row["misconduct"] for row in rows} <= {"0", "1"}


def test_accused_party_member_is_set_exactly_when_misconduct_is_alleged(rows: list[Row]) -> None:
    for row in rows:
        if row["misconduct"] == "1":
            assert row["accused_party_member"] in ACCUSED_VALUES, row["title"]
        else:
            assert row["accused_party_member"] == "", row["title"]


def test_title_and_body_fit_the_intake_limits(rows: list[Row]) -> None:
    for row in rows:
        assert TITLE_MIN <= len(row["title"]) <= TITLE_MAX, row["title"]
        assert BODY_MIN <= len(row["body"]) <= BODY_MAX, row["title"]


def test_text_has_no_surrounding_whitespace(rows: list[Row]) -> None:
    for row in rows:
        assert row["title"] == row["title"].strip(), row["title"]
        assert row["body"] == row["body"].strip(), row["title"]


def test_text_has_no_markup_characters(rows: list[Row]) -> None:
    # Intake sanitises HTML; plain text without <, > or & is stored exactly as written, so the corpus is too.
    assert [row["title"] for row in rows if set(_text(row)) & set("<>&")] == []


def test_no_duplicate_rows_or_titles(rows: list[Row]) -> None:
    rows_seen = Counter(tuple(row.values()) for row in rows)
    titles_seen = Counter(row["title"] for row in rows)
    assert [row for row, count in rows_seen.items() if count > 1] == []
    assert [title for title, count in titles_seen.items() if count > 1] == []


@pytest.mark.parametrize("key", CATEGORY_KEYS)
def test_readme_states_the_category_figures(
    rows: list[Row], readme_tables: dict[str, list[str]], key: str
) -> None:
    in_category = [row for row in rows if row["label"] == key]
    assert _counts(readme_tables[key]) == _figures(in_category)


def test_readme_states_the_totals(rows: list[Row], readme_tables: dict[str, list[str]]) -> None:
    assert _counts(readme_tables["total"]) == _figures(rows)


@pytest.mark.parametrize("feature", FEATURES)
def test_readme_states_the_feature_counts(
    rows: list[Row], readme_tables: dict[str, list[str]], feature: str
) -> None:
    assert _counts(readme_tables[feature]) == [sum(FEATURES[feature](row) for row in rows)]
