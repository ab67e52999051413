"""How fast the classifier predicts, against jieba segmentation alone on the same texts in the same run.

    .venv/bin/python -m bench.triage_throughput [--data PATH] [--model PATH] [--limit 2000] [--repeat 3]
        [--lines 5000]

First the whole process, as a script uses it: ``flask --app wsgi triage predict`` on ``--lines`` JSON lines
(the test split repeated as needed) against ``python -m bench.jieba_lines`` on the same lines (Python, jieba
with the engine's dictionary, JSON in and out, and nothing else). Both are child processes; their CPU time
(user + system) is compared, best of ``--repeat``. The target is a throughput ratio of at least 0.8.

Then, inside this process:

A prediction segments the title and the body once and then runs the model (word filtering, features, linear
scores, calibrator), so the model's own cost shows as the gap between

(a) jieba alone: the engine's jieba segmenter (our dictionary, its HMM setting) on every title and body, the
    segmentation that ``predict`` does and nothing else;
(b) ``TriageModel.predict`` on the same complaints in one batch;
(c) ``TriageModel.predict`` one complaint at a time, as the classification job calls it (for information).

The figure is the throughput ratio (b)/(a) = time(a)/time(b); the target is at least 0.8. Times are CPU time of
this process, the runs alternate ``--repeat`` times and the best of each is kept, so other work on a shared
machine disturbs them less. For reference it also prints the engine's whole tokenizer (jieba plus lower-casing
and dropping stop words and punctuation) and jieba's default ``jieba.lcut`` (its own dictionary, HMM on).

The texts are the ``test`` split of ``--data`` (default: the TipDM file beside the repository), or the seed
corpus when that file is absent. The model is ``--model`` (a file saved by ``TriageModel.save``) or one trained
here on the ``train`` split (or the seed corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jieba

from triage.engine.dataset import Example, read_examples
from triage.engine.model import TriageModel

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "tipdm2020_messages_labelled.csv"
SEED_CORPUS = REPO_ROOT / "triage" / "seed" / "complaints.csv"


def best_cpu_seconds(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    return best


def child_cpu_seconds(command: list[str], stdin: bytes, environment: dict[str, str]) -> tuple[float, bytes]:
    """CPU time (user + system) of a child process run on ``stdin``, and what it wrote."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(  # noqa: S603 - our own interpreter and modules, no outside input
        command, input=stdin, capture_output=True, env=environment, cwd=REPO_ROOT, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def whole_process(model: TriageModel, items: list[tuple[str, str]], count: int, repeat: int) -> float:
    """``flask triage predict`` against the jieba-only process on ``count`` lines; returns the ratio."""
    from triage.engine.registry import ModelRegistry

    lines = "".join(
        json.dumps(
            {"id": n, "title": items[n % len(items)][0], "body": items[n % len(items)][1]}, ensure_ascii=False
        )
        + "\n"
        for n in range(count)
    ).encode()
    with tempfile.TemporaryDirectory() as instance:
        registry = ModelRegistry(Path(instance) / "models")
        registry.activate(registry.save(model, {}, "bench"))
        environment = {
            **os.environ,
            "FIRE_ALARM_INSTANCE": instance,
            "SECRET_KEY": "bench",
            "MODEL_FOLDER": str(Path(instance) / "models"),
            "DATABASE_URL": f"sqlite:///{instance}/bench.sqlite3",
        }
        environment.pop("REDIS_URL", None)
        flask = [sys.executable, "-m", "flask", "--app", "wsgi", "triage", "predict"]
        jieba_only = [sys.executable, "-m", "bench.jieba_lines"]
        best = {"predict": float("inf"), "jieba": float("inf")}
        for _ in range(repeat):
            seconds, out = child_cpu_seconds(flask, lines, environment)
            assert out.count(b"\n") == count, "predict did not answer every line"
            best["predict"] = min(best["predict"], seconds)
            seconds, out = child_cpu_seconds(jieba_only, lines, environment)
            assert out.count(b"\n") == count
            best["jieba"] = min(best["jieba"], seconds)
    print(f"whole process on {count} lines (CPU of the child, best of {repeat}):")
    print(f"  python -m bench.jieba_lines:  {best['jieba']:7.2f} s  ({count / best['jieba']:6.0f} lines/s)")
    print(
        f"  flask triage predict:         {best['predict']:7.2f} s  ({count / best['predict']:6.0f} lines/s)"
    )
    ratio = best["jieba"] / best["predict"]
    print(f"throughput flask triage predict / jieba-only process: {ratio:.3f} (target >= 0.8)")
    return ratio


def load(data: Path) -> tuple[list[Example], list[Example], str]:
    if data.is_file():
        return read_examples(data, "train"), read_examples(data, "test"), f"{data} (test split)"
    seed = read_examples(SEED_CORPUS)
    return seed, seed, f"{SEED_CORPUS} ({data} is not there)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", type=Path, default=None, help="a saved model instead of training one")
    parser.add_argument("--limit", type=int, default=2000, help="at most this many complaints")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lines", type=int, default=5000, help="lines for the whole-process comparison")
    args = parser.parse_args(argv)
    data = args.data if args.data.is_absolute() else REPO_ROOT / args.data
    train, test, source = load(data)
    if args.model is not None:
        model = TriageModel.load(args.model)
    else:
        print(f"training on {len(train)} complaints ...", flush=True)
        model = TriageModel()
        model.fit(train)
    items = [(e.title, e.body) for e in test[: args.limit]]
    characters = sum(len(title) + len(body) for title, body in items)
    print(f"texts: {len(items)} complaints, {characters} characters, from {source}")

    whole_process(model, items, args.lines, args.repeat)

    tokenizer = model.tokenizer
    model.predict(items[:10])  # load jieba's dictionaries and build the lookup tables outside the timing
    jieba.lcut("预热")
    seconds = best_cpu_seconds(
        {
            "jieba_alone": lambda: [
                (tokenizer.segment(title), tokenizer.segment(body)) for title, body in items
            ],
            "predict_batch": lambda: model.predict(items),
            "predict_single": lambda: [model.predict([item]) for item in items],
            "tokenizer": lambda: [
                (tokenizer.tokenize(title), tokenizer.tokenize(body)) for title, body in items
            ],
            "jieba_default": lambda: [(jieba.lcut(title), jieba.lcut(body)) for title, body in items],
        },
        args.repeat,
    )
    for name, value in seconds.items():
        print(f"{name:>15}: {value:7.3f} s CPU, {len(items) / value:8.0f} complaints/s")
    model_cost = (seconds["predict_batch"] - seconds["jieba_alone"]) / len(items)
    print(f"model cost per complaint in a batch, beyond jieba: {1e6 * model_cost:.0f} us")
    print(f"throughput one at a time / jieba alone: {seconds['jieba_alone'] / seconds['predict_single']:.3f}")
    print(
        f"throughput predict / jieba alone: {seconds['jieba_alone'] / seconds['predict_batch']:.3f} (target >= 0.8)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
