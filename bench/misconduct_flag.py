"""The misconduct flag on TipDM 2020 messages labelled by hand: precision, recall and the flag rate.

    .venv/bin/python -m bench.misconduct_flag [--data PATH] [--half held_out|dev|all] [--show] [--baseline-ref REF]

``bench/misconduct_labels.csv`` holds 320 messages of the contest's *train* split, read and labelled by the team
(row numbers and labels only, never the text): ``allegation`` (the message accuses an identifiable public office,
official or public-service staff of corruption, bribery, embezzlement, extortion, favouritism, rigged hiring or
bidding, collusion, abuse of power, dereliction, or charges an office with inaction as its main complaint),
``inaction`` (an office mentioned as not acting, in passing or rhetorically) or ``none``. 160 were drawn at random
from the train split and 160 at random among its messages containing any of a broad list of words (贪, 红包, 不作为,
书记 …), so that allegations are common enough to measure recall. The rules were tuned on the ``dev`` half; the
``held_out`` half was not looked at while tuning, and is what the figures report. The flag rate is on the test
split, which nobody labelled or tuned on. Every figure is printed beside the same figure for the rules of
``--baseline-ref`` (default: the commit the work on issue 14 started from), read from git in the same run.
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from triage.engine.misconduct import MisconductSignal, detect_misconduct

Detector = Callable[[str, str], MisconductSignal]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("../shared/data/tipdm2020_messages_labelled.csv")
LABELS = Path(__file__).resolve().parent / "misconduct_labels.csv"
# main when the work on issue 14 started: the rules of "today", measured beside the new ones.
BASELINE_REF = "df49b5f"


@dataclass(frozen=True)
class FlagFigures:
    n: int
    allegations: int
    flagged: int
    true_flags: int
    inaction_flagged: int

    @property
    def precision(self) -> float:
        return self.true_flags / self.flagged if self.flagged else float("nan")

    @property
    def recall(self) -> float:
        return self.true_flags / self.allegations if self.allegations else float("nan")

    def describe(self) -> str:
        return (
            f"precision {_figure(self.precision)} ({self.true_flags}/{self.flagged} flags are allegations), "
            f"recall {_figure(self.recall)} ({self.true_flags}/{self.allegations} allegations flagged); "
            f"{self.inaction_flagged} flags on inaction alone"
        )


def _figure(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def baseline_detector(ref: str = BASELINE_REF) -> Detector | None:
    """``detect_misconduct`` as it was at ``ref`` (read with git), or ``None`` outside a git checkout."""
    try:
        # S603/S607: fixed arguments, and git from PATH as a developer runs it.
        source = subprocess.run(  # noqa: S603
            ["git", "-C", str(REPO_ROOT), "show", f"{ref}:triage/engine/misconduct.py"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType(f"misconduct_at_{ref}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{ref}:triage/engine/misconduct.py", "exec"), module.__dict__)  # noqa: S102 (our own file)
    detector: Detector = module.detect_misconduct
    return detector


def read_messages(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {row["row"]: row for row in csv.DictReader(handle)}


def read_labels(half: str) -> list[tuple[str, str]]:
    with LABELS.open(newline="", encoding="utf-8") as handle:
        return [(row["row"], row["label"]) for row in csv.DictReader(handle) if half in ("all", row["half"])]


def labelled_figures(
    messages: dict[str, dict[str, str]], half: str, detect: Detector = detect_misconduct, show: bool = False
) -> FlagFigures:
    labels = read_labels(half)
    flagged = true_flags = inaction = 0
    for row, label in labels:
        message = messages[row]
        signal = detect(message["title"], message["body"])
        flag = signal.flag
        if show and flag != (label == "allegation"):
            print(f"{'FP' if flag else 'FN'} row {row} ({label}): {signal.evidence}")
        flagged += flag
        true_flags += flag and label == "allegation"
        inaction += flag and label == "inaction"
    return FlagFigures(
        len(labels), sum(label == "allegation" for _row, label in labels), flagged, true_flags, inaction
    )


def flag_rate(
    messages: dict[str, dict[str, str]], split: str, detect: Detector = detect_misconduct
) -> tuple[float, int]:
    rows = [m for m in messages.values() if m["split"] == split]
    flags = sum(detect(m["title"], m["body"]).flag for m in rows)
    return flags / len(rows), len(rows)


def report(
    messages: dict[str, dict[str, str]], half: str = "held_out", baseline_ref: str = BASELINE_REF
) -> list[str]:
    """The lines the benchmarks print: labelled precision and recall, and the flag rate, new beside baseline."""
    baseline = baseline_detector(baseline_ref)
    lines = []
    for name, detect in (("new rules", detect_misconduct), (f"rules at {baseline_ref}", baseline)):
        if detect is None:
            lines.append(f"  {name}: not available (no git history)")
            continue
        figures = labelled_figures(messages, half, detect)
        rate, n = flag_rate(messages, "test", detect)
        lines.append(f"  {name}: labelled {half} half ({figures.n} messages of train): {figures.describe()}")
        lines.append(f"  {name}: flag rate on test: {rate:.3f} of {n} messages")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--half", choices=("held_out", "dev", "all"), default="held_out")
    parser.add_argument("--show", action="store_true", help="print the row numbers the new rules get wrong")
    parser.add_argument(
        "--baseline-ref", default=BASELINE_REF, help="git revision of the rules to compare with"
    )
    args = parser.parse_args(argv)
    data = args.data if args.data.is_absolute() else REPO_ROOT / args.data
    messages = read_messages(data)
    if args.show:
        labelled_figures(messages, args.half, show=True)
    print("misconduct flag (target: precision >= 0.8 at recall >= 0.9 for explicit allegations):")
    print("\n".join(report(messages, args.half, args.baseline_ref)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
