"""Every page flat in the size of the data: the portal's lists and figures at 10 k, 100 k (and 1 M) complaints.

    .venv/bin/python -m bench.scale [--sizes 10000,100000,1000000] [--repeat 5]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]

Creates a private database on the server (``bench_scale_<random>``, dropped afterwards), then for each size in
turn adds complaints by bulk ``COPY`` until the table holds that many: a year of filings across the demo
province's 56 bureaus (5 % waiting for triage, the rest routed; most replied, many resolved, some late or
unanswered), their events (received, routed or queued, the bureau's reply), an oversight case for every tenth
(open, overdue or answered), and the triage assessments (a tenth of the waiting ones flagged for review). After
``ANALYZE`` and one run of the accountability refresh job, it times each path through the app (in this process,
best of ``--repeat``), counts the queries it ran, and prints its time as a ratio to two baselines measured in
the same run: a primary-key ``SELECT`` of one complaint, and a GET of a bare Flask app.

Issue 13's targets: at the largest size every ratio within 1.5 x of the same ratio at the smallest, and no
page above 15 queries.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from tempfile import TemporaryDirectory
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from escalation.accountability import refresh_figures
from escalation.models import Case
from portal.app import create_app
from portal.auth.accounts import hash_password, issue_token
from portal.complaints.codes import ALPHABET
from portal.extensions import db
from portal.jurisdiction.demo import seed_demo
from portal.models import Bureau, Complaint, OversightBody, Role, StaffUser
from portal.record import seals

NOW = datetime.now(UTC).replace(microsecond=0)
OFFICER_BUREAU = "XD-A1:environment"
LIAISON_BODY = "XD-A1:supervision"
MAX_QUERIES = 15


def tracking_code(number: int) -> str:
    symbols = []
    for _ in range(12):
        number, digit = divmod(number, 32)
        symbols.append(ALPHABET[digit])
    text = "".join(reversed(symbols))
    return f"FA-{text[:4]}-{text[4:8]}-{text[8:]}"


@dataclass
class Reference:
    bureaus: list[tuple[int, int, int, str]]  # id, division id, category id, code
    bodies: list[int]
    triage_division: int


def reference() -> Reference:
    bureaus = [
        (row.id, row.division_id, row.category_id, row.code)
        for row in db.session.execute(
            sa.select(Bureau.id, Bureau.division_id, Bureau.category_id, Bureau.code)
        )
    ]
    bodies = list(db.session.scalars(sa.select(OversightBody.id)))
    return Reference(bureaus, bodies, bureaus[0][1])


COMPLAINT_COLUMNS = (
    "id, tracking_code, secret_hash, title, body, language, division_id, anonymous, redactions, "
    "misconduct_alleged, status, category_id, bureau_id, routed_by, routed_at, reply_due_at, first_replied_at, "
    "resolved_at, created_at, updated_at"
)
EVENT_COLUMNS = "complaint_id, kind, actor, public, payload, created_at"
CASE_COLUMNS = "complaint_id, body_id, track, kind, state, escalated, opened_at, due_at, overdue_at, closed_at, outcome, late"
ASSESSMENT_COLUMNS = (
    "complaint_id, top, auto_routed, misconduct_flag, misconduct_evidence, misconduct_review, created_at"
)


def fill(start: int, stop: int, ref: Reference, rng: random.Random) -> None:
    """Add complaints ``start + 1`` .. ``stop`` with their events, cases and assessments, by COPY."""
    connection = db.session.connection().connection.driver_connection
    assert connection is not None
    with connection.cursor() as cursor:
        complaint_rows, event_rows, case_rows, assessment_rows = [], [], [], []
        for number in range(start + 1, stop + 1):
            filed = NOW - timedelta(days=rng.uniform(0, 365))
            roll = rng.random()
            events = [(number, "received", "citizen", True, "{}", filed)]
            if roll < 0.05:
                status, bureau, routed, due, replied, resolved = "triage", None, None, None, None, None
                division = ref.triage_division
                events.append(
                    (number, "queued_for_triage", "system", True, '{"reason": "below threshold"}', filed)
                )
                review = "pending" if rng.random() < 0.1 else None
                assessment_rows.append((number, "[]", False, review is not None, "[]", review, filed))
            else:
                bureau = rng.choice(ref.bureaus)
                division = bureau[1]
                routed = filed + timedelta(minutes=5)
                due = routed + timedelta(days=21)
                replied = None if roll < 0.25 else routed + timedelta(days=rng.uniform(0.5, 40))
                if replied is not None and replied > NOW:
                    replied = None
                status = "routed" if replied is None else ("resolved" if roll > 0.6 else "replied")
                resolved = replied if status == "resolved" else None
                events.append(
                    (
                        number,
                        "routed",
                        "model:bench",
                        True,
                        json.dumps({"bureau": bureau[3], "by": "model"}),
                        routed,
                    )
                )
                if replied is not None:
                    payload = json.dumps({"text": "已安排处理，谢谢反映。", "resolved": status == "resolved"})
                    events.append((number, "bureau_replied", "staff:bench", True, payload, replied))
            complaint_rows.append(
                (
                    number,
                    tracking_code(number),
                    "hmac-sha256$" + "0" * 64,
                    "小区路灯不亮",
                    "小区门口的路灯坏了很久，晚上出行不便，请尽快维修。",
                    "zh",
                    division,
                    True,
                    "[]",
                    False,
                    status,
                    bureau[2] if bureau else None,
                    bureau[0] if bureau else None,
                    "model" if bureau else None,
                    routed,
                    due,
                    replied,
                    resolved,
                    filed,
                    filed,
                )
            )
            event_rows.extend(events)
            if number % 10 == 0 and bureau is not None:
                opened = filed + timedelta(days=1)
                state = rng.choice(["open", "investigating", "overdue", "acted", "declined"])
                closed = state in ("acted", "declined")
                open_due = opened + timedelta(days=rng.choice([5, 60]))
                case_rows.append(
                    (
                        number,
                        rng.choice(ref.bodies),
                        "supervision",
                        "inaction",
                        state,
                        False,
                        opened,
                        None if closed or state == "overdue" else max(open_due, NOW + timedelta(days=1)),
                        opened + timedelta(days=6) if state == "overdue" else None,
                        opened + timedelta(days=rng.uniform(1, 60)) if closed else None,
                        "admonition" if state == "acted" else None,
                        closed and rng.random() < 0.3,
                    )
                )
        _copy(
            cursor,
            "complaints",
            COMPLAINT_COLUMNS + ", seal",
            _sealed(Complaint, COMPLAINT_COLUMNS, complaint_rows),
        )
        _copy(cursor, "events", EVENT_COLUMNS, event_rows)
        _copy(cursor, "escalation_cases", CASE_COLUMNS + ", seal", _sealed(Case, CASE_COLUMNS, case_rows))
        _copy(cursor, "triage_assessments", ASSESSMENT_COLUMNS, assessment_rows)
    db.session.commit()


def _sealed(model: type[Any], columns: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each row with the seal the portal would give it (portal.record.seals): a row without one is refused."""
    names = [name.strip() for name in columns.split(",")]
    sealed = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        if isinstance(values.get("redactions"), str):
            values["redactions"] = json.loads(
                values["redactions"]
            )  # written as JSON text, read back as a list
        sealed.append((*row, seals.seal_for(model, values)))
    return sealed


def _copy(cursor: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def staff(username: str, role: Role, **where: int) -> dict[str, str]:
    user = StaffUser(username=username, password_hash=hash_password("bench"), role=role, **where)
    db.session.add(user)
    db.session.flush()
    token, _expires = issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def best_of(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


class QueryCounter:
    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args: Any) -> None:
        self.count += 1


def bare_app() -> Flask:
    app = Flask("bare")

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"status": "ok"}

    return app


def measure(app: Flask, size: int, headers: dict[str, dict[str, str]], repeat: int) -> dict[str, Any]:
    client = app.test_client()
    bare = bare_app().test_client()
    with app.app_context():
        counter = QueryCounter(db.engine)
        code = tracking_code(size // 2)
        pk_id = size // 2
        pk = best_of(
            repeat,
            lambda: db.session.execute(
                sa.text("SELECT * FROM complaints WHERE id = :id"), {"id": pk_id}
            ).all(),
        )
    flask_get = best_of(repeat, lambda: bare.get("/ping"))
    paths = {
        "status API": (f"/api/v1/complaints/{code}", None),
        "track page": (f"/track/{code}", None),
        "accountability page": ("/accountability", None),
        "accountability API": ("/api/v1/accountability", None),
        "Open311 1000 results": ("/open311/v2/requests.json?page_size=1000", None),
        "bureau desk API": ("/api/v1/bureau/complaints", "bureau"),
        "liaison desk API": ("/api/v1/escalations", "liaison"),
        "triage queue API": ("/api/v1/triage/queue", "triage"),
    }
    results: dict[str, Any] = {"pk_select": pk, "flask_get": flask_get, "paths": {}}
    for name, (url, who) in paths.items():
        extra = headers[who] if who else {}
        response = client.get(url, headers=extra)
        assert response.status_code == 200, (
            name,
            response.status_code,
            response.get_data(as_text=True)[:300],
        )
        counter.count = 0
        client.get(url, headers=extra)
        queries = counter.count
        seconds = best_of(repeat, partial(client.get, url, headers=extra))
        results["paths"][name] = {"seconds": seconds, "queries": queries}
    return results


def report(size: int, results: dict[str, Any]) -> None:
    pk, flask_get = results["pk_select"], results["flask_get"]
    print(
        f"\n== {size:,} complaints: PK SELECT {pk * 1000:.2f} ms, bare Flask GET {flask_get * 1000:.2f} ms =="
    )
    print(f"{'path':<22} {'ms':>9} {'x PK SELECT':>12} {'x Flask GET':>12} {'queries':>8}")
    for name, figures in results["paths"].items():
        seconds = figures["seconds"]
        print(
            f"{name:<22} {seconds * 1000:9.1f} {seconds / pk:12.1f} {seconds / flask_get:12.1f} {figures['queries']:8d}"
        )


def compare(first: tuple[int, dict[str, Any]], last: tuple[int, dict[str, Any]]) -> bool:
    (small, a), (large, b) = first, last
    print(
        f"\n== {large:,} against {small:,}: ratio to the bare Flask GET, growth (target <= 1.5 x), queries =="
    )
    met = True
    for name in a["paths"]:
        before = a["paths"][name]["seconds"] / a["flask_get"]
        after = b["paths"][name]["seconds"] / b["flask_get"]
        growth = after / before
        queries = b["paths"][name]["queries"]
        ok = growth <= 1.5 and queries <= MAX_QUERIES
        met &= ok
        print(f"{name:<22} {growth:6.2f} x   {queries:3d} queries   {'ok' if ok else 'NOT met'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    server = sa.make_url(args.database_url).set(drivername="postgresql+psycopg")
    name = f"bench_scale_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    measured: list[tuple[int, dict[str, Any]]] = []
    try:
        with TemporaryDirectory() as instance:
            app = create_app(
                {
                    "INSTANCE_PATH": instance,
                    "SECRET_KEY": "bench",
                    "RATELIMIT_ENABLED": False,
                    "REDIS_URL": None,
                    "SQLALCHEMY_DATABASE_URI": server.set(database=name).render_as_string(False),
                }
            )
            with app.app_context():
                db.create_all()
                seed_demo()
                db.session.commit()
                ref = reference()
                bureau_id = next(row[0] for row in ref.bureaus if row[3] == OFFICER_BUREAU)
                body_id = db.session.scalar(
                    sa.select(OversightBody.id).where(OversightBody.code == LIAISON_BODY)
                )
                assert body_id is not None
                headers = {
                    "bureau": staff("bench-bureau", Role.BUREAU, bureau_id=bureau_id),
                    "liaison": staff("bench-liaison", Role.LIAISON, oversight_body_id=body_id),
                    "triage": staff("bench-triage", Role.TRIAGE),
                }
            rng = random.Random(13)
            filled = 0
            for size in sizes:
                with app.app_context():
                    started = time.perf_counter()
                    fill(filled, size, ref, rng)
                    db.session.execute(sa.text("ANALYZE"))
                    db.session.commit()
                    loaded = time.perf_counter() - started
                    started = time.perf_counter()
                    refresh_figures()
                    db.session.commit()
                    refreshed = time.perf_counter() - started
                    db.session.remove()
                filled = size
                print(
                    f"\nfilled to {size:,} complaints in {loaded:.1f} s (COPY); accountability refresh job {refreshed:.1f} s"
                )
                results = measure(app, size, headers, args.repeat)
                report(size, results)
                measured.append((size, results))
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    met = compare(measured[0], measured[-1]) if len(measured) > 1 else True
    print(f"\ntargets (growth <= 1.5 x, <= {MAX_QUERIES} queries): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
