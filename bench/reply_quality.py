"""Does the reply-quality flag (boilerplate or deflection) find replies that answer nothing?

    python -m bench.reply_quality [--data ../shared/data/tipdm2020_replies.csv] [--split test|tune|all]

The labels are ours (bench/reply_quality_labels.csv: row numbers and labels only, the replies stay in the data
file). The thresholds of portal.bureau.quality were tuned on the even rows; the figures that count are those of the
odd rows (``--split test``, the default), which were not looked at while tuning. Boilerplate compares a reply with
every other reply of the file (TipDM does not say which bureau wrote which), as the portal compares a reply with
the same bureau's replies to other complaints.

Baseline, in the same run: the keyword rule the issue starts from, "flag a reply that says 已转/转交 or 请向…反映".
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from pathlib import Path

from portal.bureau.quality import (
    BOILERPLATE_JACCARD,
    BOILERPLATE_MAX_CHARS,
    BOILERPLATE_MIN_CHARS,
    is_deflection,
    jaccard,
    shingles,
    substance,
)

LABELS = Path(__file__).with_name("reply_quality_labels.csv")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tipdm2020_replies.csv"
_BASELINE = re.compile(r"已转|转交|请向[^。！!]{0,20}反映")


def load_labels() -> list[tuple[int, int, str]]:
    with LABELS.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return [(int(r["row"]), int(r["flag"]), r["stratum"]) for r in rows]


def figures(predicted: list[bool], truth: list[bool]) -> tuple[float, float, int]:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    flagged = sum(predicted)
    positives = sum(truth)
    return (tp / flagged if flagged else 0.0), (tp / positives if positives else 0.0), flagged


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("test", "tune", "all"), default="test")
    args = parser.parse_args()
    with args.data.open(encoding="utf-8-sig") as handle:
        replies = [row["reply"] for row in csv.DictReader(handle)]
    labels = load_labels()
    chosen = [
        (row, flag, stratum)
        for row, flag, stratum in labels
        if args.split == "all" or (row % 2 == 1) == (args.split == "test")
    ]
    started = time.perf_counter()
    said = [substance(text) for text in replies]
    sets = [shingles(text) for text in said]
    by_length = sorted(range(len(said)), key=lambda i: len(said[i]))

    def boilerplate(row: int) -> bool:
        if not BOILERPLATE_MIN_CHARS <= len(said[row]) <= BOILERPLATE_MAX_CHARS:
            return False
        mine = sets[row]
        # Jaccard >= J needs the lengths within a factor J of each other: only those are compared.
        low, high = len(said[row]) * BOILERPLATE_JACCARD, len(said[row]) / BOILERPLATE_JACCARD
        return any(
            other != row
            and low <= len(said[other]) <= high
            and jaccard(mine, sets[other]) >= BOILERPLATE_JACCARD
            for other in by_length
        )

    deflection = [is_deflection(said[row]) for row, _f, _s in chosen]
    copies = [boilerplate(row) for row, _f, _s in chosen]
    ours = [d or c for d, c in zip(deflection, copies, strict=True)]
    seconds = time.perf_counter() - started
    baseline = [bool(_BASELINE.search(replies[row])) for row, _f, _s in chosen]
    truth = [flag == 1 for _r, flag, _s in chosen]
    print(
        f"split={args.split} labelled={len(chosen)} flagged_by_hand={sum(truth)} (of {len(labels)} labelled)"
    )
    for name, predicted in (("baseline_keywords", baseline), ("quality_flag", ours)):
        precision, recall, flagged = figures(predicted, truth)
        print(f"{name}: precision={precision:.3f} recall={recall:.3f} flagged={flagged}")
    for stratum in ("random", "short"):
        picked = [i for i, (_r, _f, s) in enumerate(chosen) if s == stratum]
        precision, recall, flagged = figures([ours[i] for i in picked], [truth[i] for i in picked])
        print(f"quality_flag[{stratum}]: precision={precision:.3f} recall={recall:.3f} flagged={flagged}")
    print(
        f"deflection={sum(deflection)} boilerplate={sum(copies)} both={sum(d and c for d, c in zip(deflection, copies, strict=True))}"
    )
    print(f"seconds={seconds:.2f} (substance of all {len(replies)} replies and the boilerplate comparisons)")
    precision, recall, _ = figures(ours, truth)
    print(
        "target (precision >= 0.9 at recall >= 0.7):",
        "met" if precision >= 0.9 and recall >= 0.7 else "NOT met",
    )
    if args.split != "test":
        for (row, flag, _s), p in zip(chosen, ours, strict=True):
            if p != bool(flag):
                flat = "".join(replies[row].split())[:90]
                print(f"  {'FP' if p else 'FN'} row {row}: [{said[row][:60]}] {flat}")


if __name__ == "__main__":
    main()
