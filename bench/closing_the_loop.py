"""What closing the loop costs: notices on each public change, and the follow-up figures on the board.

    .venv/bin/python -m bench.closing_the_loop [--complaints 40] [--visits 20000]

In the embedded default (SQLite in a temporary instance, jobs inline after the commit, mails into the
instance's mail folder), measured in CPU seconds of this process, best of 3:

(a) baseline: route and resolve ``--complaints`` complaints whose complainants did not ask for notices;
(b) the same for complainants who asked: each routing and resolution also composes and writes a mail (and
    logs the use of the sealed contact details);
(c) baseline: one grouped count over ``--visits`` complaints (the least any per-bureau figure must do);
(d) ``feedback_by_bureau``: the follow-up figures over as many answered visits.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import sqlalchemy as sa
from flask import Flask

from bench.timing import cpu_seconds
from portal.app import create_app
from portal.bureau.replies import post_reply
from portal.complaints.filing import ComplaintDraft, file_complaint
from portal.complaints.routing import route
from portal.extensions import db
from portal.feedback.figures import feedback_by_bureau
from portal.feedback.models import Visit
from portal.jurisdiction.demo import seed_demo
from portal.models import Bureau, Complaint, ComplaintStatus, Role, RoutedBy, StaffUser
from portal.privacy.sealing import Contact
from portal.unit_of_work import commit

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def best_of(runs: int, action: Callable[[], object]) -> float:
    return min(cpu_seconds(action) for _ in range(runs))


def app_in(folder: Path) -> Flask:
    return create_app(
        {
            "INSTANCE_PATH": str(folder),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "REDIS_URL": None,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        }
    )


def handle(count: int, notify: bool, officer: StaffUser) -> Callable[[], None]:
    def run() -> None:
        ids = []
        for number in range(count):
            draft = ComplaintDraft(
                title="人民路路灯坏了",
                body=f"人民路第{number}号路灯从八月起一直不亮，晚上行人很危险。",
                division_code="XD-A1",
                contact=Contact(email=f"c{number}@example.org"),
                notify=notify,
            )
            ids.append(file_complaint(draft).complaint_id)
        commit()
        for complaint_id in ids:
            complaint = db.session.get_one(Complaint, complaint_id)
            route(complaint, "environment", routed_by=RoutedBy.STAFF, actor="staff:bench")
            commit()
            post_reply(complaint, staff=officer, text="已修好。", resolve=True)
            commit()

    return run


def fill_visits(count: int, rng: random.Random) -> None:
    bureaus = db.session.execute(sa.select(Bureau.id, Bureau.division_id, Bureau.category_id)).all()
    complaints, visits = [], []
    for number in range(count):
        bureau = rng.choice(bureaus)
        filed = NOW - timedelta(days=rng.uniform(0, 365))
        complaints.append(
            {
                "id": 1_000_000 + number,
                "tracking_code": f"FA-V{number:011d}",
                "secret_hash": "x",
                "title": "路灯不亮",
                "body": "路灯坏了很久",
                "language": "zh",
                "division_id": bureau.division_id,
                "anonymous": True,
                "notify": False,
                "redactions": [],
                "misconduct_alleged": False,
                "status": ComplaintStatus.RESOLVED.value,
                "category_id": bureau.category_id,
                "bureau_id": bureau.id,
                "created_at": filed,
                "updated_at": filed,
            }
        )
        visits.append(
            {
                "complaint_id": 1_000_000 + number,
                "bureau_id": bureau.id,
                "round": 1,
                "state": "answered",
                "opened_at": filed,
                "closes_at": filed + timedelta(days=15),
                "answered_at": filed + timedelta(days=2),
                "fixed": rng.choice(["yes", "partly", "no"]),
                "satisfaction": rng.choice(["satisfied", "basically_satisfied", "unsatisfied"]),
                "failed": False,
            }
        )
    db.session.execute(sa.insert(Complaint), complaints)
    db.session.execute(sa.insert(Visit), visits)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=40)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with TemporaryDirectory() as instance:
        app = app_in(Path(instance))
        with app.app_context():
            db.create_all()
            seed_demo()
            officer = StaffUser(
                username="bench-officer",
                password_hash="!",  # noqa: S106 - no password: this account never signs in
                role=Role.BUREAU,
                bureau=db.session.scalars(sa.select(Bureau).where(Bureau.code == "XD-A1:environment")).one(),
            )
            db.session.add(officer)
            commit()
            quiet = best_of(args.repeat, handle(args.complaints, False, officer))
            notified = best_of(args.repeat, handle(args.complaints, True, officer))
            mails = len(list(Path(app.config["MAIL_FOLDER"]).glob("*.eml")))
            fill_visits(args.visits, random.Random(7))
            baseline = best_of(
                args.repeat,
                lambda: db.session.execute(
                    sa.select(Complaint.bureau_id, sa.func.count()).group_by(Complaint.bureau_id)
                ).all(),
            )
            figures = best_of(args.repeat, lambda: feedback_by_bureau([], 5))
            db.session.remove()
            db.engine.dispose()
    print(f"(a) route + resolve {args.complaints}, no notices:     {quiet * 1000:8.1f} ms CPU")
    print(
        f"(b) route + resolve {args.complaints}, with notices:   {notified * 1000:8.1f} ms CPU"
        f"  ({notified / quiet:.2f} x (a); {mails} mails written)"
    )
    print(f"(c) grouped count over {args.visits} complaints:  {baseline * 1000:8.1f} ms CPU")
    print(
        f"(d) feedback_by_bureau over {args.visits} visits: {figures * 1000:8.1f} ms CPU  ({figures / baseline:.1f} x (c))"
    )


if __name__ == "__main__":
    main()
