"""How fast the accountability board renders with 100 000 complaints on PostgreSQL.

    .venv/bin/python -m bench.accountability [--complaints 100000] [--database-url postgresql://postgres@127.0.0.1/postgres]

Creates a private database on the server, fills it with ``--complaints`` routed complaints (a mix of replied in
time, late, unanswered and resolved) and one oversight case for every tenth complaint, then times, best of 5:

(a) the baseline: one grouped count over the complaints table (the least any such page must do);
(b) ``accountability()``: every figure for every bureau and oversight body;
(c) ``GET /accountability`` through the app: figures, charts and template.

The target is (c) under one second. The database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from tempfile import TemporaryDirectory

import sqlalchemy as sa

from escalation.accountability import Filters, accountability
from escalation.models import Case
from escalation.vocabulary import CaseState, Outcome
from portal.app import create_app
from portal.extensions import db
from portal.jurisdiction.demo import seed_demo
from portal.models import Bureau, Complaint, ComplaintStatus, OversightBody, RoutedBy

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def fill(count: int, rng: random.Random) -> None:
    bureaus = db.session.execute(sa.select(Bureau.id, Bureau.division_id, Bureau.category_id)).all()
    bodies = db.session.execute(sa.select(OversightBody.id)).scalars().all()
    complaints, cases = [], []
    for number in range(count):
        bureau = rng.choice(bureaus)
        filed = NOW - timedelta(days=rng.uniform(0, 365))
        due = filed + timedelta(days=21)
        roll = rng.random()
        replied = None if roll < 0.25 else filed + timedelta(days=rng.uniform(0.5, 40))
        status = (
            ComplaintStatus.ROUTED
            if replied is None
            else (ComplaintStatus.RESOLVED if roll > 0.6 else ComplaintStatus.REPLIED)
        )
        complaints.append(
            {
                "id": number + 1,
                "tracking_code": f"FA-B{number:011d}"[:17],
                "secret_hash": "x",
                "title": "路灯不亮",
                "body": "路灯坏了很久",
                "language": "zh",
                "division_id": bureau.division_id,
                "anonymous": True,
                "redactions": [],
                "misconduct_alleged": False,
                "status": status.value,
                "category_id": bureau.category_id,
                "bureau_id": bureau.id,
                "routed_by": RoutedBy.MODEL.value,
                "routed_at": filed,
                "reply_due_at": due,
                "first_replied_at": replied,
                "resolved_at": replied if status is ComplaintStatus.RESOLVED else None,
                "created_at": filed,
                "updated_at": filed,
            }
        )
        if number % 10 == 0:
            closed = rng.random() < 0.6
            state = (
                rng.choice([CaseState.ACTED, CaseState.DECLINED])
                if closed
                else rng.choice([CaseState.OPEN, CaseState.INVESTIGATING, CaseState.OVERDUE])
            )
            cases.append(
                {
                    "complaint_id": number + 1,
                    "body_id": rng.choice(bodies),
                    "track": "discipline",
                    "kind": "misconduct",
                    "state": state.value,
                    "escalated": False,
                    "opened_at": filed,
                    "closed_at": filed + timedelta(days=rng.uniform(1, 90)) if closed else None,
                    "outcome": Outcome.ADMONITION.value if state is CaseState.ACTED else None,
                    "late": closed and rng.random() < 0.3,
                    "overdue_at": filed + timedelta(days=8) if state is CaseState.OVERDUE else None,
                }
            )
    # Complaint.tracking_code must be unique: make them so without the random generator's cost.
    for row in complaints:
        row["tracking_code"] = f"FA-{row['id']:012d}"
    db.session.execute(sa.insert(Complaint), complaints)
    db.session.execute(sa.insert(Case), cases)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    server = sa.make_url(args.database_url).set(drivername="postgresql+psycopg")
    name = f"fa_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        with TemporaryDirectory() as instance:
            app = create_app(
                {
                    "INSTANCE_PATH": instance,
                    "SECRET_KEY": "bench",
                    "RATELIMIT_ENABLED": False,
                    "SQLALCHEMY_DATABASE_URI": server.set(database=name).render_as_string(False),
                }
            )
            with app.app_context():
                db.create_all()
                seed_demo()
                db.session.commit()
                start = time.perf_counter()
                fill(args.complaints, random.Random(7))
                print(f"filled {args.complaints} complaints in {time.perf_counter() - start:.1f} s")
                baseline = best_of(
                    args.repeat,
                    lambda: db.session.execute(
                        sa.select(Complaint.bureau_id, sa.func.count()).group_by(Complaint.bureau_id)
                    ).all(),
                )
                figures = best_of(args.repeat, lambda: accountability(Filters(), "zh", NOW))
                client = app.test_client()
                page = best_of(args.repeat, lambda: client.get("/accountability"))
                filtered = best_of(
                    args.repeat, lambda: client.get("/accountability?division=XD-A&since=2026-06-01")
                )
                db.session.remove()
                db.engine.dispose()
            print(f"(a) baseline grouped count:            {baseline * 1000:8.1f} ms")
            print(
                f"(b) accountability() figures:          {figures * 1000:8.1f} ms  ({figures / baseline:.1f} x baseline)"
            )
            print(
                f"(c) GET /accountability:               {page * 1000:8.1f} ms  ({page / baseline:.1f} x baseline)"
            )
            print(f"    GET /accountability?division&since: {filtered * 1000:7.1f} ms")
            print(f"target: (c) < 1000 ms -> {'met' if page < 1.0 else 'NOT met'}")
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
