"""The "same problem" threshold of the similar-complaint suggestions, on judged pairs of TipDM 2020 messages.

    .venv/bin/python -m bench.similar_threshold [--data PATH]

``bench/similar_pairs.csv`` holds 60 pairs of rows (0-based data rows of ``tipdm2020_messages_hot.csv``) judged by
hand as the same problem in the same place (1) or not (0): twelve pairs drawn at random from each of five bands of
the cosine of ``portal.complaints.likeness`` fitted on all 4 326 messages (seed 7). Only row numbers and
judgements are in the repository, never the text. For each threshold this prints, over the judged pairs, the
precision and recall of "at least this alike", for the portal's vectors and for a baseline in the same run
(jieba's default words, TF-IDF, no title weight, no generic words, no place codes kept whole).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from portal.complaints.likeness import SAME_PROBLEM_THRESHOLD, document, most_alike, vectorizer
from portal.complaints.similar import CANDIDATES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("../shared/data/tipdm2020_messages_hot.csv")
PAIRS = Path(__file__).resolve().parent / "similar_pairs.csv"
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.45)


def _pair_scores(matrix: object, pairs: list[tuple[int, int, int]]) -> np.ndarray:
    return np.array([float((matrix[a] @ matrix[b].T).toarray()[0, 0]) for a, b, _ in pairs])  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    data = parser.parse_args().data
    path = data if data.is_absolute() else REPO_ROOT / data
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with PAIRS.open(encoding="utf-8") as handle:
        pairs = [(int(r["row_a"]), int(r["row_b"]), int(r["same_problem"])) for r in csv.DictReader(handle)]
    truth = np.array([same for _, _, same in pairs])
    ours = vectorizer().fit_transform([document(r["title"], r["body"]) for r in rows])
    base = TfidfVectorizer(analyzer=lambda t: [w for w in jieba.lcut(t) if w.strip()]).fit_transform(
        [r["title"] + r["body"] for r in rows]
    )
    print(f"{len(pairs)} judged pairs, {int(truth.sum())} the same problem; {len(rows)} messages")
    print(f"{'threshold':>9}  {'ours P':>6} {'ours R':>6}  {'base P':>6} {'base R':>6}")
    results = {}
    for name, matrix in (("ours", ours), ("base", base)):
        scores = _pair_scores(matrix, pairs)
        for threshold in THRESHOLDS:
            chosen = scores >= threshold
            precision = float(truth[chosen].mean()) if chosen.any() else 0.0
            recall = float(truth[chosen].sum() / truth.sum())
            results[name, threshold] = (precision, recall)
    for threshold in THRESHOLDS:
        (op, orc), (bp, brc) = results["ours", threshold], results["base", threshold]
        mark = "  <- SAME_PROBLEM_THRESHOLD" if threshold == SAME_PROBLEM_THRESHOLD else ""
        print(f"{threshold:>9.2f}  {op:6.2f} {orc:6.2f}  {bp:6.2f} {brc:6.2f}{mark}")
    f1 = {t: 2 * p * r / (p + r) if p + r else 0.0 for (name, t), (p, r) in results.items() if name == "ours"}
    best = max(f1, key=lambda t: f1[t])
    print(f"best F1 over the judged pairs at threshold {best:.2f} (F1 {f1[best]:.2f})")
    _time_lookup(rows)


def _time_lookup(rows: list[dict[str, str]], repeats: int = 5) -> None:
    """One look-up as the portal makes it (segment CANDIDATES complaints and the query, fit, rank) as a ratio to
    segmenting and vectorising the query alone, the least any look-up costs."""
    candidates = rows[:CANDIDATES]
    query = rows[-1]
    document(query["title"], query["body"])  # jieba's dictionary is loaded once per process, not per look-up
    start = time.perf_counter()
    for _ in range(repeats):
        most_alike(
            document(query["title"], query["body"]), [document(r["title"], r["body"]) for r in candidates]
        )
    lookup = (time.perf_counter() - start) / repeats
    words = [document(r["title"], r["body"]) for r in candidates]  # the portal keeps these per process
    start = time.perf_counter()
    for _ in range(repeats):
        most_alike(document(query["title"], query["body"]), words)
    warm = (time.perf_counter() - start) / repeats
    start = time.perf_counter()
    for _ in range(repeats * 20):
        vectorizer().fit_transform([document(query["title"], query["body"])])
    alone = (time.perf_counter() - start) / (repeats * 20)
    print(f"the query alone (segment, vectorise): {alone * 1000:.2f} ms (baseline)")
    print(
        f"one look-up against {len(candidates)} open complaints, cold (all segmented): {lookup * 1000:.0f} ms"
        f" = {lookup / alone:.0f}x; warm (their words kept): {warm * 1000:.0f} ms = {warm / alone:.1f}x"
    )


if __name__ == "__main__":
    main()
