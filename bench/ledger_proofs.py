"""How long proofs take to build from a list of leaf hashes, against bare hashing in the same run.

    .venv/bin/python -m bench.ledger_proofs [--leaves 1000000] [--proofs 5]

A proof needs the roots of subtrees that together span the whole tree, so building one from leaf hashes alone
reads every leaf hash once and costs about as much as computing the root; with the roots of the complete
chunks known (``chunk_roots``, which the app can keep), it reads at most two chunks. The baseline is
``hashlib.sha256`` over each leaf hash (one hash per leaf; the tree needs one node hash per leaf). Times are
CPU time of this process.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections.abc import Callable
from functools import partial

from bench.timing import cpu_seconds
from portal.record.merkle import chunk_roots, consistency_proof, inclusion_proof, tree_root


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=5)
    options = parser.parse_args()

    rng = random.Random(6962)
    size = options.leaves
    hashes = [rng.randbytes(32) for _ in range(size)]
    sha256 = hashlib.sha256

    baseline = cpu_seconds(lambda: [sha256(value).digest() for value in hashes])
    root = cpu_seconds(lambda: tree_root(hashes))
    positions = [rng.randrange(1, size) for _ in range(options.proofs)]
    known: list[bytes] = []
    cache = cpu_seconds(lambda: known.extend(chunk_roots(hashes)))

    def slowest(build: Callable[[int], object]) -> float:
        return max(cpu_seconds(partial(build, position)) for position in positions)

    figures = {
        "tree_root": root,
        "inclusion_proof": slowest(lambda index: inclusion_proof(index, size, hashes)),
        "consistency_proof": slowest(lambda old: consistency_proof(old, size, hashes)),
        "chunk_roots (once, then kept)": cache,
        "inclusion_proof with chunk roots": slowest(
            lambda index: inclusion_proof(index, size, hashes, known)
        ),
        "consistency_proof with chunk roots": slowest(
            lambda old: consistency_proof(old, size, hashes, known)
        ),
    }
    print(f"{size:,} leaf hashes; CPU seconds (proofs: slowest of {options.proofs} random positions)")
    print(f"(a) hashlib.sha256 over each leaf hash      {baseline:7.4f} s")
    for label, seconds in figures.items():
        print(f"    {label:<39} {seconds:7.4f} s   {seconds / baseline:.3f} x (a)")


if __name__ == "__main__":
    main()
