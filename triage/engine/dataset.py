"""Labelled complaints for training and evaluation, from CSV with title, body, label and optionally split."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from triage.engine.categories import category_key

REQUIRED_COLUMNS = ("title", "body", "label")


@dataclass(frozen=True)
class Example:
    """One complaint and the key of the category it belongs to."""

    title: str
    body: str
    label: str


def read_examples(path: Path, split: str | None = None) -> list[Example]:
    """Read examples, keeping only rows whose ``split`` column equals ``split`` when it is given.

    The label may be a category key or its Chinese label; it is stored as the key. Raises ``ValueError``
    naming the row (1 is the first row after the header) for a missing column, an unknown label or a row
    without text.
    """
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; the header has {columns}")
        if split is not None and "split" not in columns:
            raise ValueError(f"{path}: asked for split {split!r} but the file has no split column")
        examples = []
        for number, row in enumerate(reader, start=1):
            if None in row:
                raise ValueError(f"{path}: row {number} has more fields than the header")
            if split is not None and (row["split"] or "").strip() != split:
                continue
            examples.append(_example(row, f"{path}: row {number}"))
    return examples


def _example(row: dict[str, str], where: str) -> Example:
    title = (row["title"] or "").strip()
    body = (row["body"] or "").strip()
    label = (row["label"] or "").strip()
    if not label:
        raise ValueError(f"{where}: empty label")
    if not title and not body:
        raise ValueError(f"{where}: both title and body are empty")
    try:
        key = category_key(label)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return Example(title, body, key)


def fingerprint(examples: Iterable[Example]) -> str:
    """SHA-256 of the examples as a set: the same rows in any order give the same fingerprint."""
    lines = sorted(json.dumps([e.title, e.body, e.label], ensure_ascii=False) for e in examples)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
