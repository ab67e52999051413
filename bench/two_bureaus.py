"""The two-strong-categories rule on the TipDM 2020 messages: how many complaints it sends to the desk.

    .venv/bin/python -m bench.two_bureaus [--data PATH] [--folds 3] [--threshold 0.6] [--all-cores]

Cross-validated on the ``train`` split only (the test split is never read): each outer fold is predicted by a
model, with its own auto-route threshold, that saw none of it. For every held-out message it prints, against
the same run's figures without the rule (today): the share the rule holds for (the two likeliest categories both
strong: ``triage.engine.threshold.two_strong``), the share at the desk and the auto-route precision without and
with the rule, and for the messages it holds, how often the likeliest category is right and how often one of
the two is. ``--threshold`` also shows the figures at that configured ``TRIAGE_THRESHOLD`` instead of the
model's own. The data has one label a message, so "one of the two is right" is the closest it comes to "about
two bureaus' work": the rule's real test is the desk's decisions.

``--data`` defaults to ``../shared/data/tipdm2020_messages_labelled.csv`` beside the repository (the data has no
licence and stays out of it).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

from bench.triage_accuracy import DEFAULT_DATA, REPO_ROOT, pin_to_one_core
from triage.engine.dataset import read_examples
from triage.engine.model import TriageModel
from triage.engine.threshold import TWO_STRONG_FLOOR, TWO_STRONG_RATIO, two_strong


@dataclass(frozen=True)
class HeldOut:
    confidence: float
    threshold: float  # the fold model's own, for this message (short titles have theirs)
    right: bool
    pair: tuple[str, str] | None
    label: str


def held_out_predictions(data: Path, folds: int) -> list[HeldOut]:
    train = read_examples(data, split="train")
    truth = [example.label for example in train]
    found: list[HeldOut] = []
    splitter = StratifiedKFold(folds, shuffle=True, random_state=1)
    for number, (kept, held) in enumerate(splitter.split(np.zeros(len(train)), truth), start=1):
        model = TriageModel()
        model.fit([train[i] for i in kept])
        items = [(train[i].title, train[i].body) for i in held]
        for i, prediction in zip(held, model.predict(items), strict=True):
            found.append(
                HeldOut(
                    confidence=prediction.confidence,
                    threshold=model.threshold_for(train[i].title, train[i].body),
                    right=prediction.category == train[i].label,
                    pair=two_strong(prediction.top),
                    label=train[i].label,
                )
            )
        print(f"  fold {number}/{folds}: {len(held)} held out, threshold {model.threshold:.4f}", flush=True)
    return found


def figures(rows: list[HeldOut], threshold: float | None) -> str:
    def routes(row: HeldOut) -> bool:
        return row.confidence >= (threshold if threshold is not None else row.threshold)

    today = [row for row in rows if routes(row)]
    with_rule = [row for row in today if row.pair is None]

    def precision(routed: list[HeldOut]) -> str:
        return f"{np.mean([row.right for row in routed]):.4f}" if routed else "n/a"

    n = len(rows)
    held = sum(1 for row in today if row.pair is not None)
    name = f"TRIAGE_THRESHOLD {threshold}" if threshold is not None else "the models' own thresholds"
    return (
        f"at {name}:\n"
        f"  at the desk: today {1 - len(today) / n:.4f}, with the rule {1 - len(with_rule) / n:.4f} "
        f"(+{held} of {n})\n"
        f"  auto-route precision: today {precision(today)}, with the rule {precision(with_rule)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CSV with title, body, label, split")
    parser.add_argument("--folds", type=int, default=3, help="outer folds (each trains a model)")
    parser.add_argument("--threshold", type=float, default=None, help="also show a configured threshold")
    parser.add_argument("--all-cores", action="store_true", help="do not pin training to one core")
    args = parser.parse_args(argv)
    data = args.data if args.data.is_absolute() else REPO_ROOT / args.data
    print(f"training on {'all cores' if args.all_cores else pin_to_one_core()}")
    rows = held_out_predictions(data, args.folds)
    strong = [row for row in rows if row.pair is not None]
    print()
    print(
        f"two strong categories (second >= {TWO_STRONG_FLOOR} and >= {TWO_STRONG_RATIO} x the first): "
        f"{len(strong)} of {len(rows)} ({len(strong) / len(rows):.4f}) of train-split messages, cross-validated"
    )
    if strong:
        in_two = np.mean([row.right or row.label == row.pair[1] for row in strong if row.pair])
        print(
            f"  of those: likeliest category right {np.mean([row.right for row in strong]):.4f}, "
            f"one of the two right {in_two:.4f}"
        )
    print(figures(rows, None))
    if args.threshold is not None:
        print(figures(rows, args.threshold))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
