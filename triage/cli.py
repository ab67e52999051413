"""``flask triage train|evaluate|predict|versions|activate`` (their names and outputs are a contract with scripts)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from portal.domain import Allegation, PartyMembership
from triage import classifier
from triage.engine.dataset import Example, LabelledRow, check_trainable, read_rows
from triage.engine.evaluation import evaluate, format_report
from triage.engine.misconduct import detect_misconduct
from triage.engine.model import TriageModel
from triage.engine.script import is_english
from triage.training import TEST_SPLIT, base_examples, local_examples, staff_examples, train_and_register

triage_cli = AppGroup("triage", help="Train, evaluate and run the complaint classifier.")


def _examples(path: str, split: str | None) -> list[Example]:
    return [row.example for row in _rows(path, split)]


def _rows(path: str, split: str | None) -> list[LabelledRow]:
    try:
        rows = read_rows(Path(path), split)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not rows:
        raise click.ClickException(
            f"{path}: no examples" + (f" with split {split!r}: check the split column" if split else "")
        )
    return rows


def _training_examples(path: str, split: str | None, include_test: bool) -> list[Example]:
    """The rows to train on; rows of split ``test`` only when asked (by ``--split test`` or ``--include-test``)."""
    rows = _rows(path, split)
    test = [row.row for row in rows if row.split == TEST_SPLIT]
    if test and split is None and not include_test:
        raise click.ClickException(
            f"{path}: {len(test)} rows (the first is row {test[0]}) belong to split {TEST_SPLIT!r}, kept for "
            "evaluation: train with --split train, or add --include-test to train on them too"
        )
    examples = [row.example for row in rows]
    try:
        check_trainable(examples, path + (f" (split {split!r})" if split else ""))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    return examples


@triage_cli.command("train")
@click.option(
    "--data",
    "data_path",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="CSV with title, body, label (key or Chinese label) and optionally split.",
)
@click.option("--split", default=None, help="Use only rows of this split (e.g. train).")
@click.option(
    "--include-corrections", is_flag=True, help="Add the categories staff decided at the triage desk."
)
@click.option("--if-missing", is_flag=True, help="Do nothing if a model is already active (for `make run`).")
@click.option(
    "--include-test", is_flag=True, help="Train on rows of split test too (they are left out otherwise)."
)
@click.option(
    "--base",
    "base_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A base corpus from elsewhere (rows of split test left out); where it disagrees with --data and the "
    "staff decisions, those local labels win.",
)
@click.option(
    "--activate",
    "force_activate",
    is_flag=True,
    help="Make the new model active even if it is worse than the active one.",
)
def train_command(
    data_path: str,
    split: str | None,
    include_corrections: bool,
    if_missing: bool,
    include_test: bool,
    base_path: str | None,
    force_activate: bool,
) -> None:
    """Train a model, print cross-validated figures and save it as a new version.

    The new version becomes active if it is not worse than the active one on the same complaints, each held out
    from both (or with --activate).
    """
    if if_missing and classifier.registry().active_version() is not None:
        click.echo(f"model {classifier.registry().active_version()} is already active")
        return
    examples = local_examples(_training_examples(data_path, split, include_test))
    if base_path:
        try:
            base = base_examples(Path(base_path))
        except (OSError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"adding {len(base)} base examples from {base_path} (local labels win)", err=True)
        examples = base + examples
    if include_corrections:
        corrections = staff_examples()
        click.echo(f"adding {len(corrections)} staff decisions", err=True)
        examples += corrections
    click.echo(f"training on {len(examples)} examples", err=True)
    outcome = train_and_register(
        examples, progress=lambda line: click.echo(line, err=True), force_activate=force_activate
    )
    info = classifier.registry().info(outcome.version)
    click.echo(json.dumps(info.metrics, ensure_ascii=False, indent=2))
    if outcome.activated:
        click.echo(f"active model: {outcome.version}")
    else:
        detail = f": {outcome.comparison.describe()}" if outcome.comparison else ""
        click.echo(
            f"model {outcome.version} is worse than the active one{detail}; it is saved but not active "
            f"(`flask triage activate {outcome.version}` or train with --activate to use it anyway)"
        )
        click.echo(f"active model: {outcome.previous}")


@triage_cli.command("evaluate")
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--split", default=None, help="Evaluate only rows of this split (e.g. test).")
def evaluate_command(data_path: str, split: str | None) -> None:
    """Per-category precision/recall/F1 and the confusion matrix; the last line is macro_f1=0.XXXX."""
    loaded = classifier.active_model()
    if loaded is None:
        raise click.ClickException("no active model: run `flask triage train` first")
    report = evaluate(loaded.model, _examples(data_path, split))
    click.echo(format_report(report))


# Lines predicted together: the model's features and scores are matrix work, far cheaper per line in a batch.
PREDICT_BATCH = 256


@dataclass(frozen=True)
class _Line:
    item: dict[str, Any]
    title: str
    body: str


@triage_cli.command("predict")
def predict_command() -> None:
    """JSON lines on stdin ({"id", "title", "body"}) to JSON lines on stdout, in the same order."""
    loaded = classifier.active_model()
    if loaded is None:
        raise click.ClickException("no active model: run `flask triage train` first")
    threshold = classifier.threshold(loaded)
    fixed = current_app.config.get("TRIAGE_THRESHOLD") is not None
    bad = 0
    batch: list[_Line] = []
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        parsed = _parse_line(number, raw)
        if isinstance(parsed, str):
            bad += 1
            click.echo(parsed, err=True)
            continue
        if parsed is None:
            continue
        batch.append(_Line(*parsed))
        if len(batch) >= PREDICT_BATCH:
            _answer(loaded.model, threshold if fixed else None, batch)
            batch = []
    _answer(loaded.model, threshold if fixed else None, batch)
    if bad:
        raise click.ClickException(f"{bad} line(s) skipped (see above); the others were predicted")


def _answer(model: TriageModel, fixed_threshold: float | None, batch: list[_Line]) -> None:
    """One model call for the whole batch, the lines answered in their order."""
    if not batch:
        return
    predictions = model.predict([(line.title, line.body) for line in batch])
    out = []
    for line, prediction in zip(batch, predictions, strict=True):
        signal = detect_misconduct(line.title, line.body, _allegation(line.item.get("misconduct")))
        threshold = (
            fixed_threshold if fixed_threshold is not None else model.threshold_for(line.title, line.body)
        )
        out.append(
            json.dumps(
                {
                    "id": line.item.get("id"),
                    "category": prediction.category,
                    "label": _label(prediction.category),
                    "confidence": round(prediction.confidence, 4),
                    # As the portal decides: a misconduct flag, or English text, always goes to a human.
                    "auto_route": prediction.routes_at(threshold)
                    and not signal.flag
                    and not is_english(f"{line.title} {line.body}"),
                    "misconduct": {"flag": signal.flag, "track": signal.track.value if signal.flag else None},
                },
                ensure_ascii=False,
            )
        )
    if out:
        click.echo("\n".join(out))


def _parse_line(number: int, raw: bytes) -> tuple[dict[str, Any], str, str] | str | None:
    """A line of ``predict``'s input as (item, title, body); ``None`` for a blank line; else the error to print."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"line {number}: not UTF-8 (byte 0x{raw[exc.start]:02x} at {exc.start}): send UTF-8 text"
    if not line.strip():
        return None
    try:
        item = json.loads(line)
    except ValueError:
        item = None
    if not isinstance(item, dict):
        return f'line {number}: not a JSON object: send one {{"id", "title", "body"}} object per line'
    title, body = str(item.get("title") or ""), str(item.get("body") or "")
    for name, text in (("title", title), ("body", body)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            return (
                f"line {number} (id {item.get('id')!r}): the {name} has a lone surrogate "
                f"(\\u{ord(text[exc.start]):04x} at character {exc.start}): escape characters outside the BMP as "
                "a surrogate pair, or drop it"
            )
    return item, title, body


def _allegation(value: object) -> Allegation | None:
    if not isinstance(value, dict):
        return None
    said = str(value.get("party_member") or "").strip().lower()
    return Allegation(
        accused_name=_optional_text(value.get("accused_name")),
        accused_unit=_optional_text(value.get("accused_unit")),
        party_member=PartyMembership(said) if said in set(PartyMembership) else PartyMembership.UNKNOWN,
    )


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _label(key: str) -> str:
    from portal.categories import category_info

    return category_info(key).label_zh


@triage_cli.command("versions")
def versions_command() -> None:
    """List the registered models, the active one marked with *."""
    registry = classifier.registry()
    active = registry.active_version()
    for info in registry.versions():
        metrics = info.metrics
        click.echo(
            f"{'*' if info.version == active else ' '} {info.version}  cv_macro_f1={_figure(metrics.get('cv_macro_f1'))}"
            f"  threshold={info.threshold:.4f}  coverage={_figure(metrics.get('cv_auto_route_coverage'))}"
            f"  rows={metrics.get('n_examples', '?')}  data={info.data_fingerprint[:12]}"
        )


def _figure(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, int | float) else "?"


@triage_cli.command("prune")
@click.option("--keep", default=3, show_default=True, help="How many of the newest versions to keep.")
def prune_command(keep: int) -> None:
    """Delete old model versions (never the active one)."""
    try:
        removed = classifier.registry().prune(keep)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"removed {len(removed)} version(s)" + (f": {', '.join(removed)}" if removed else ""))


@triage_cli.command("activate")
@click.argument("version")
def activate_command(version: str) -> None:
    """Make another registered model the active one."""
    try:
        classifier.registry().activate(version)
    except (KeyError, ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"active model: {version}")
