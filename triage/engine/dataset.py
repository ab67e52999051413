"""Labelled complaints for training and evaluation, from CSV with title, body, label and optionally split."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from triage.engine.categories import category_key

REQUIRED_COLUMNS = ("title", "body", "label")
# Longer than any real complaint (the intake takes 5 000 characters, the contest's longest body has 12 220): a
# field this long is nearly always an unclosed quote that swallowed the rest of the file.
MAX_FIELD_CHARS = 50_000


@dataclass(frozen=True)
class Example:
    """One complaint and the key of the category it belongs to.

    ``local`` marks the jurisdiction's own labels (its seed corpus, its desk's decisions) as opposed to a base
    corpus from elsewhere: where the two disagree, training lets the local ones decide (``ModelSettings``).
    """

    title: str
    body: str
    label: str
    local: bool = False


@dataclass(frozen=True)
class LabelledRow:
    """An example with where it came from: its row (1 is the first row after the header) and its split."""

    example: Example
    row: int
    split: str | None


def read_examples(path: Path, split: str | None = None) -> list[Example]:
    """Read examples, keeping only rows whose ``split`` column equals ``split`` when it is given.

    The label may be a category key or its Chinese label; it is stored as the key. Raises ``ValueError`` with a
    one-line message naming the file, the row and the fix for every malformed input (see :func:`read_rows`).
    """
    return [row.example for row in read_rows(path, split)]


def read_rows(path: Path, split: str | None = None) -> list[LabelledRow]:
    """The rows of a labelled CSV with their numbers and splits; ``split`` keeps only rows of that split.

    Raises ``ValueError`` naming the file, the row and the fix: a file that is not UTF-8 (with a hint when it
    reads as GBK), a missing column, an unknown or empty label, a row without text, a row with more fields than
    the header, or a field longer than :data:`MAX_FIELD_CHARS` (usually an unclosed quote).
    """
    text = _decode(Path(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = reader.fieldnames or []
    except csv.Error as exc:
        raise ValueError(f"{path}: the header cannot be read ({exc})") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {', '.join(missing)}; the header has {columns}: "
            f"the first line must name the columns {', '.join(REQUIRED_COLUMNS)} (and optionally split)"
        )
    if split is not None and "split" not in columns:
        raise ValueError(
            f"{path}: asked for split {split!r} but the file has no split column: leave out --split"
        )
    rows = []
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValueError(f"{path}: row {number}: {exc}: {_LONG_FIELD_FIX}") from None
        if None in row:
            raise ValueError(
                f"{path}: row {number} has more fields than the header: quote fields that contain commas"
            )
        row_split = (row.get("split") or "").strip() or None
        if split is not None and row_split != split:
            continue
        where = f"{path}: row {number}"
        for column in REQUIRED_COLUMNS:
            if len(row[column] or "") > MAX_FIELD_CHARS:
                raise ValueError(
                    f"{where}: the {column} has {len(row[column])} characters, more than {MAX_FIELD_CHARS}: "
                    f"{_LONG_FIELD_FIX}"
                )
        rows.append(LabelledRow(_example(row, where), number, row_split))
    return rows


_LONG_FIELD_FIX = (
    "close the quote that opens this field (a quote inside a field is written twice) or shorten it"
)


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        hint = "save it as UTF-8"
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            hint = f"it reads as GBK: convert it with `iconv -f GB18030 -t UTF-8 {path} > utf8.csv`"
        raise ValueError(
            f"{path}: line {line} is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); {hint}"
        ) from None


def check_trainable(examples: Sequence[Example], source: str) -> None:
    """Raise ``ValueError`` naming ``source`` and the fix when ``examples`` cannot train a classifier."""
    if not examples:
        raise ValueError(f"{source}: no examples: add labelled rows (or choose another --split)")
    labels = Counter(example.label for example in examples)
    if len(labels) < 2:
        (only,) = labels
        raise ValueError(
            f"{source}: every row is labelled {only}: training needs at least two categories, "
            "add labelled complaints of the others"
        )
    distinct: dict[str, set[tuple[str, str]]] = {}
    for example in examples:
        distinct.setdefault(example.label, set()).add(
            ("".join(example.title.split()), "".join(example.body.split()))
        )
    rare = sorted(label for label, texts in distinct.items() if len(texts) < 2)
    if rare:
        raise ValueError(
            f"{source}: fewer than two distinct complaints for {', '.join(rare)}: "
            "add at least one more of each, or drop those rows"
        )


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
