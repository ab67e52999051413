"""The baseline process of ``bench.triage_throughput``: JSON lines in, jieba's segmentation of each out.

    .venv/bin/python -m bench.jieba_lines < lines.jsonl

What `flask triage predict` must do at the least, and nothing more: start Python, load jieba with the engine's
dictionary (the same segmenter and HMM setting the model uses), read each line, segment its title and body,
write one JSON line. The model, the app and everything else are the difference the benchmark measures.
"""

from __future__ import annotations

import json
import sys

from triage.engine.tokenizer import Tokenizer


def main() -> int:
    tokenizer = Tokenizer.default()
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        words = tokenizer.segment(str(item.get("title") or "")) + tokenizer.segment(
            str(item.get("body") or "")
        )
        out.write(json.dumps({"id": item.get("id"), "words": len(words)}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
