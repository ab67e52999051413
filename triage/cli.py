"""``flask triage train|evaluate|predict|versions|activate`` (their names and outputs are a contract with scripts)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from portal.domain import Allegation, PartyMembership
from triage import classifier
from triage.engine.dataset import Example, read_examples
from triage.engine.evaluation import evaluate, format_report
from triage.engine.misconduct import detect_misconduct
from triage.engine.model import TriageModel
from triage.training import staff_examples, train_and_activate

triage_cli = AppGroup("triage", help="Train, evaluate and run the complaint classifier.")


def _examples(path: str, split: str | None) -> list[Example]:
    try:
        examples = read_examples(Path(path), split)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not examples:
        raise click.ClickException(f"no examples in {path}" + (f" with split {split!r}" if split else ""))
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
def train_command(data_path: str, split: str | None, include_corrections: bool, if_missing: bool) -> None:
    """Train a model, print cross-validated figures, save it as a new version and make it active."""
    if if_missing and classifier.registry().active_version() is not None:
        click.echo(f"model {classifier.registry().active_version()} is already active")
        return
    examples = _examples(data_path, split)
    if include_corrections:
        corrections = staff_examples()
        click.echo(f"adding {len(corrections)} staff decisions", err=True)
        examples += corrections
    click.echo(f"training on {len(examples)} examples", err=True)
    version = train_and_activate(examples, progress=lambda line: click.echo(line, err=True))
    info = next(item for item in classifier.registry().versions() if item.version == version)
    click.echo(json.dumps(info.metrics, ensure_ascii=False, indent=2))
    click.echo(f"active model: {version}")


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
    batch: list[_Line] = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            batch.append(_Line(item, str(item.get("title") or ""), str(item.get("body") or "")))
        except (ValueError, AttributeError) as exc:
            _answer(loaded.model, threshold, batch)  # everything before the bad line is answered
            raise click.ClickException(f"line {number}: not a JSON object") from exc
        if len(batch) >= PREDICT_BATCH:
            _answer(loaded.model, threshold, batch)
            batch = []
    _answer(loaded.model, threshold, batch)


def _answer(model: TriageModel, threshold: float, batch: list[_Line]) -> None:
    predictions = model.predict([(line.title, line.body) for line in batch])
    out = []
    for line, prediction in zip(batch, predictions, strict=True):
        signal = detect_misconduct(line.title, line.body, _allegation(line.item.get("misconduct")))
        out.append(
            json.dumps(
                {
                    "id": line.item.get("id"),
                    "category": prediction.category,
                    "label": _label(prediction.category),
                    "confidence": round(prediction.confidence, 4),
                    # As the portal decides: a misconduct flag always goes to a human.
                    "auto_route": prediction.routes_at(threshold) and not signal.flag,
                    "misconduct": {"flag": signal.flag, "track": signal.track.value if signal.flag else None},
                },
                ensure_ascii=False,
            )
        )
    if out:
        click.echo("\n".join(out))


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
        macro = info.metrics.get("cv_macro_f1")
        click.echo(
            f"{'*' if info.version == active else ' '} {info.version}  cv_macro_f1={macro}  "
            f"data={info.data_fingerprint[:12]}"
        )


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
