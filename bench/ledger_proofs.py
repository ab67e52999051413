"""Proofs read from the stored tree (tlog-tiles in the database), at growing log sizes, against a primary-key
SELECT on the same database in the same run; the cost of an append; and a whole-log audit against hashlib.

    .venv/bin/python -m bench.ledger_proofs [--sizes 1000 100000 1000000] [--proofs 300]
        [--appends 300] [--verify-entries 200000] [--database sqlite|URL]

For each size, a fresh database (SQLite in a temporary file, or ``--database postgresql://...``, where a
scratch table is used) is bulk-loaded with the tiles of a tree of that many random leaves, and then

- a *proof* is what ``GET /api/v1/ledger/proof/<code>`` does with the tiles: one query for every tile it
  needs, the root checked against the head, the inclusion proof of a random entry and the consistency proof
  from the head right after it (median wall-clock time of ``--proofs`` random entries);
- the *baseline* is ``SELECT data FROM record_tiles WHERE level = 0 AND tile_index = ?`` through the same
  session (median of as many random keys);
- an *append* is what the record adds to each event's transaction: read the tiles at the right edge, append
  the leaf (and a 300-byte entry to its bundle), write them back, commit (median of ``--appends``).

The target: the proof ratio at the largest size is at most twice the ratio at the smallest.

The audit line times ``verify_log`` plus the stored-tree audit (every tile, bundle, the state and every
checkpoint) over ``--verify-entries`` realistic entries, against ``hashlib.sha256`` over the same entries
(CPU time, best of three; target ratio (a)/(b) at least 0.5). Reading the events from the database and
building their canonical JSON, which ``flask ledger verify`` also does, is not included.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bench.ledger_verify import make_entries, sign_heads
from bench.timing import cpu_seconds
from portal.record.audit import StoredTree, audit_record, merkle_audit
from portal.record.checkpoint import sign_checkpoint
from portal.record.merkle import CompactRange, leaf_hashes
from portal.record.models import EntryBundle, RecordTile
from portal.record.proofs import verify_consistency, verify_inclusion
from portal.record.store import DatabaseTiles, grow_tree
from portal.record.tiles import TILE_WIDTH, TreeView, bundle_of, tiles_for

ORIGIN = "bench.example/record"


def _median_seconds(action: Callable[[], object], count: int) -> float:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _engine(database: str, folder: Path, size: int) -> Engine:
    if database == "sqlite":
        engine = create_engine(f"sqlite:///{folder / f'tiles-{size}.sqlite3'}")
    else:
        engine = create_engine(database)
    for table in (RecordTile.__table__, EntryBundle.__table__):
        table.drop(engine, checkfirst=True)  # type: ignore[attr-defined]
        table.create(engine)  # type: ignore[attr-defined]
    return engine


def _load(engine: Engine, leaves: list[bytes]) -> None:
    rows = [
        {"level": level, "tile_index": index, "data": data}
        for (level, index), data in tiles_for(leaves).items()
    ]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(RecordTile), rows[start : start + 5000])


def _measure(engine: Engine, size: int, leaves: list[bytes], options: argparse.Namespace) -> dict[str, float]:
    rng = random.Random(size)
    tile_count = -(-size // TILE_WIDTH)
    with Session(engine) as session:
        store = DatabaseTiles(session)
        root = TreeView(store, size).root()

        def proof() -> None:
            index = rng.randrange(size)
            view = TreeView(store, size)
            view.prefetch_for(leaf_index=index, old_size=index + 1)
            assert view.root() == root
            assert view.leaf(index) == leaves[index]
            path = view.inclusion_proof(index)
            consistency = view.consistency_proof(index + 1)
            assert verify_inclusion(index, size, leaves[index], path, root)
            old_root = TreeView(store, index + 1).root() if options.check else None
            if old_root is not None:
                assert verify_consistency(index + 1, size, consistency, old_root, root)

        def primary_key_select() -> None:
            key = rng.randrange(tile_count)
            query = select(RecordTile.data).where(RecordTile.level == 0, RecordTile.tile_index == key)
            assert session.execute(query).scalar_one()

        for _ in range(20):  # warm the caches of both alike
            proof()
            primary_key_select()
        # Alternating, so that a busy moment of the shared machine falls on both alike.
        baselines, proofs = [], []
        for _ in range(options.proofs):
            baselines.append(_median_seconds(primary_key_select, 1))
            proofs.append(_median_seconds(proof, 1))
        session.rollback()

    entry = bytes(300)
    appends, commits = [], []
    with Session(engine) as session:
        for grown in range(size, size + options.appends):
            started = time.perf_counter()
            leaf = hashlib.sha256(grown.to_bytes(8, "big")).digest()
            grow_tree(DatabaseTiles(session), grown, leaf, entry, bundles_from=size)
            session.flush()
            flushed = time.perf_counter()
            session.commit()
            appends.append(flushed - started)
            commits.append(time.perf_counter() - flushed)
        assert TreeView(DatabaseTiles(session), size + options.appends).root()
    return {
        "baseline": statistics.median(baselines),
        "proof": statistics.median(proofs),
        "append": statistics.median(appends),
        "commit": statistics.median(commits),
    }


def _audit(count: int) -> tuple[float, float, float]:
    entries = make_entries(count)
    stored = leaf_hashes(entries)
    key = Ed25519PrivateKey.generate()
    heads = sign_heads(stored, 1000, key)
    compact = CompactRange()
    for value in stored:
        compact.append(value)
    bundles = {}
    for index in range(0, len(entries), TILE_WIDTH):
        chunk = entries[index : index + TILE_WIDTH]
        bundles[index // TILE_WIDTH] = (len(chunk), bundle_of(chunk))
    tree = StoredTree(
        size=len(entries),
        compact_range=compact.hashes,
        bundles_from=0,
        tiles=tiles_for(stored),
        bundles=bundles,
        checkpoints=[(head, sign_checkpoint(ORIGIN, key, head.size, head.root_hash)) for head in heads],
    )
    public = key.public_key()

    def audit() -> None:
        result, problem = audit_record(entries, stored, heads, public, tree, ORIGIN)
        assert result.ok
        assert problem is None

    def merkle_only() -> None:
        # The part verify_log did before the stored tree: leaf hashes, the tree (here as tiles), every head.
        assert merkle_audit(entries, stored, heads, public)[2]

    sha256 = hashlib.sha256
    raw = merkle = full = float("inf")
    for _ in range(3):  # alternating, best of three
        raw = min(raw, cpu_seconds(lambda: [sha256(entry).digest() for entry in entries]))
        merkle = min(merkle, cpu_seconds(merkle_only))
        full = min(full, cpu_seconds(audit))
    return raw, merkle, full


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--proofs", type=int, default=300)
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--verify-entries", type=int, default=200_000)
    parser.add_argument("--database", default="sqlite", help="sqlite (a temporary file) or a database URL")
    parser.add_argument("--check", action="store_true", help="also verify each consistency proof (slower)")
    options = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in options.sizes:
            rng = random.Random(6962 + size)
            leaves = [rng.randbytes(32) for _ in range(size)]
            engine = _engine(options.database, Path(folder), size)
            started = time.perf_counter()
            _load(engine, leaves)
            loaded = time.perf_counter() - started
            results[size] = _measure(engine, size, leaves, options)
            results[size]["load"] = loaded
            engine.dispose()

    print(f"stored tree in {options.database if options.database != 'sqlite' else 'SQLite (temporary file)'}")
    print("medians; ratios to the PK SELECT of the same size")
    print("   entries  PK SELECT   proof (tiles, incl. + cons.)   append (tiles + bundle)   commit (fsync)")
    for size, figures in results.items():
        base = figures["baseline"]
        print(
            f"{size:>10,}  {base * 1e6:6.0f} us  {figures['proof'] * 1e6:8.0f} us = {figures['proof'] / base:5.1f} x"
            f"        {figures['append'] * 1e6:6.0f} us = {figures['append'] / base:5.1f} x"
            f"     {figures['commit'] * 1e6:7.0f} us"
        )
    smallest, largest = min(results), max(results)
    small_ratio = results[smallest]["proof"] / results[smallest]["baseline"]
    large_ratio = results[largest]["proof"] / results[largest]["baseline"]
    verdict = "met" if large_ratio <= 2 * small_ratio else "NOT met"
    print(
        f"proof ratio at {largest:,} / ratio at {smallest:,} = {large_ratio / small_ratio:.2f} "
        f"(target at most 2: {verdict})"
    )
    if options.verify_entries:
        raw, merkle, full = _audit(options.verify_entries)
        count = options.verify_entries
        print(f"whole-log audit of {count:,} entries, heads every 1,000; CPU seconds, best of 3")
        print(f"(a) hashlib.sha256 over each entry                         {raw:6.3f} s")
        for label, seconds in (
            ("(b) leaf hashes, tree as tiles, every head's root and sig", merkle),
            ("(c) (b) + every stored tile, bundle, checkpoint, the state", full),
        ):
            verdict = "met" if raw / seconds >= 0.5 else "NOT met"
            print(f"{label}  {seconds:6.3f} s   (a)/{label[1]} = {raw / seconds:.3f} (target 0.5: {verdict})")


if __name__ == "__main__":
    main()
