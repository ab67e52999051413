"""How fast a whole-record audit runs, against plain SHA-256 over the same entries in the same run.

    .venv/bin/python -m bench.ledger_verify [--entries 1000000] [--head-every 1000 2000 10000] [--repeat 3]

Builds ``--entries`` realistic events (canonical JSON of about 300 bytes, with Chinese text) and their leaf
hashes, then times

(a) ``hashlib.sha256(entry).digest()`` for every entry (the floor: one hash per entry, nothing else);
(b) ``verify_log`` with the stored leaf hashes: leaf hashes, the comparison with the stored ones, the tree up
    to every head's size, and every head's signature; once per ``--head-every`` cadence (a signed head after
    every that many entries, plus one at the end).

Times are CPU time of this process (``time.process_time``), so that other work on a shared machine disturbs
them less; (a) and (b) alternate ``--repeat`` times and the best of each is kept. The target is a ratio
(a)/(b) of at least 0.5. Each head adds one Ed25519 check, priced separately on the last line.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from datetime import UTC, datetime, timedelta
from functools import partial

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.timing import cpu_seconds
from portal.record.canonical import canonical_bytes
from portal.record.log_verification import verify_log
from portal.record.merkle import CompactRange, leaf_hashes
from portal.record.tree_head import TreeHead, sign_tree_head, utc_timestamp, verify_tree_head

_KINDS = ("received", "classified", "routed", "replied", "resolved", "escalated", "acknowledged", "acted")
_CATEGORIES = ("housing_urban", "environment", "transport", "education_culture", "labour_social_security")
_DIVISIONS = ("XD-A1", "XD-A2", "XD-A3", "XD-B1", "XD-B2")
_NOTES = (
    "已转交主管部门办理",
    "已受理，正在调查核实",
    "限期十五日内答复",
    "申请人对答复不满意",
    "已移送纪委监委",
)
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _tracking_code(rng: random.Random) -> str:
    return "FA-" + "-".join("".join(rng.choices(_CODE_ALPHABET, k=4)) for _ in range(3))


def make_entries(count: int, seed: int = 20250314) -> list[bytes]:
    """Canonical bytes of ``count`` plausible events, about 300 bytes each."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    entries = []
    for sequence in range(count):
        division = rng.choice(_DIVISIONS)
        category = rng.choice(_CATEGORIES)
        moment = start + timedelta(seconds=sequence * 7 + rng.randrange(7))
        event = {
            "seq": sequence,
            "kind": rng.choice(_KINDS),
            "complaint": _tracking_code(rng),
            "actor": rng.choice(
                ("citizen", "system", "model:2025-03-01.1", f"staff:officer{rng.randrange(90)}")
            ),
            "public": rng.random() < 0.9,
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "payload": {
                "division": division,
                "category": category,
                "bureau": f"{division}:{category}",
                "confidence": round(rng.random(), 4),
                "note": rng.choice(_NOTES),
                "due": (moment + timedelta(days=15)).strftime("%Y-%m-%d"),
            },
        }
        entries.append(canonical_bytes(event))
    return entries


def sign_heads(stored: list[bytes], every: int, key: Ed25519PrivateKey) -> list[TreeHead]:
    """A signed head after every ``every`` entries and one at the end, as the app would have made them."""
    frontier = CompactRange()
    heads = []
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    for index, leaf in enumerate(stored, start=1):
        frontier.append(leaf)
        if index % every == 0 or index == len(stored):
            moment += timedelta(minutes=5)
            heads.append(sign_tree_head(key, frontier.size, frontier.root(), utc_timestamp(moment)))
    return heads


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--head-every", type=int, nargs="+", default=[1000, 2000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    entries = make_entries(options.entries)
    stored = leaf_hashes(entries)
    key = Ed25519PrivateKey.generate()
    public_key = key.public_key()
    head_sets = {every: sign_heads(stored, every, key) for every in options.head_every}
    for every, heads in head_sets.items():
        outcome = verify_log(entries, stored, heads, public_key)
        if not outcome.ok:
            raise SystemExit(f"the benchmark log does not verify (heads every {every}): {outcome.reason}")

    sha256 = hashlib.sha256
    raw = float("inf")
    audits = dict.fromkeys(head_sets, float("inf"))
    for _ in range(options.repeat):
        raw = min(raw, cpu_seconds(lambda: [sha256(entry).digest() for entry in entries]))
        for every, heads in head_sets.items():
            seconds = cpu_seconds(partial(verify_log, entries, stored, heads, public_key))
            audits[every] = min(audits[every], seconds)

    per_entry = 1e9 / len(entries)
    average = sum(map(len, entries)) / len(entries)
    print(
        f"{len(entries):,} entries of canonical JSON, {average:.0f} bytes on average; "
        f"CPU seconds, best of {options.repeat} alternating runs"
    )
    print(f"(a) hashlib.sha256 over each entry          {raw:6.3f} s  {raw * per_entry:5.0f} ns/entry")
    for every, seconds in audits.items():
        label = f"{len(head_sets[every]):,} heads, one per {every:,}"
        print(
            f"(b) verify_log, {label:<27} {seconds:6.3f} s  {seconds * per_entry:5.0f} ns/entry"
            f"   ratio (a)/(b) = {raw / seconds:.3f}"
        )
    head = head_sets[options.head_every[0]][-1]
    signature_check = min(cpu_seconds(lambda: verify_tree_head(head, public_key)) for _ in range(200))
    print(f"one head's Ed25519 signature check: {signature_check * 1e6:.0f} us")


if __name__ == "__main__":
    main()
