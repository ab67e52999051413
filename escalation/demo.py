"""``flask seed complaints``: demo activity for `make run`, through the real services.

Complaints from the project's own seed corpus are filed, classified by the active model, routed or queued;
staff accounts answer some, triage refers the misconduct allegations, oversight bodies act on some cases. So the
status pages, the desks and the accountability board have something to show, and every step is on the record.
Lives in the escalation package because it drives every layer (escalation -> triage -> portal).
"""

from __future__ import annotations

import csv
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from escalation import cases
from escalation.models import Case
from escalation.vocabulary import CaseAction, Outcome
from portal.auth.accounts import hash_password
from portal.bureau.replies import post_reply
from portal.complaints.filing import Allegation, ComplaintDraft, file_complaint
from portal.domain import PartyMembership, Role
from portal.extensions import db
from portal.models import Bureau, Complaint, ComplaintStatus, OversightBody, StaffUser
from portal.unit_of_work import commit
from triage.decisions import Referral, review_misconduct

COUNTIES = ("XD-A1", "XD-A2", "XD-A3", "XD-B1", "XD-B2")
# How the seed texts name the demo's places: a county ("A1区", "B2县") or only a city ("A市").
_PLACE = re.compile(r"([AB])([1-3])?(区|县|市)")


def division_named_in(text: str, number: int) -> str:
    """The county a demo complaint is about, as its own text names it: the first county it mentions; a county
    of the city it mentions; else one in turn. A complaint filed in A1 must not say A3区."""
    for match in _PLACE.finditer(text):
        city, county, _kind = match.groups()
        if county:
            code = f"XD-{city}{county}"
            if code in COUNTIES:
                return code
        else:
            in_city = [code for code in COUNTIES if code.startswith(f"XD-{city}")]
            return in_city[number % len(in_city)]
    return COUNTIES[number % len(COUNTIES)]


ACCOUNTS_FILE = "demo-accounts.txt"


@dataclass(frozen=True)
class SeedRow:
    title: str
    body: str
    misconduct: bool
    party_member: str


# Written vaguely on purpose, so the demo's triage desk has something the classifier is unsure about.
UNCLEAR = (
    SeedRow(
        "希望领导重视我们反映的问题",
        "这个问题已经反映了好几次，一直没有人来处理，希望有关部门能够重视，尽快给个说法。",
        False,
        "unknown",
    ),
    SeedRow(
        "关于小区门口的问题",
        "小区门口的情况越来越严重，早晚高峰的时候尤其明显，居民意见很大，请相关部门来看一看。",
        False,
        "unknown",
    ),
    SeedRow(
        "请求协调解决",
        "我们几户人家的事情涉及好几个单位，各单位互相推，不知道该找谁，请帮忙协调。",
        False,
        "unknown",
    ),
)


def _rows(path: Path, count: int) -> list[SeedRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            SeedRow(r["title"], r["body"], r["misconduct"] == "1", r["accused_party_member"] or "unknown")
            for r in csv.DictReader(handle)
        ]
    misconduct = [row for row in rows if row.misconduct][: max(count // 6, 1)]
    ordinary = [row for row in rows if not row.misconduct][: count - len(misconduct)]
    return ordinary + misconduct


def _account(username: str, role: Role, password: str, **where: object) -> StaffUser:
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        user = StaffUser(username=username, password_hash=hash_password(password), role=role, **where)
        db.session.add(user)
        db.session.flush()
    return user


def _body(code: str) -> OversightBody:
    return db.session.scalars(select(OversightBody).where(OversightBody.code == code)).one()


def seed_activity(corpus: Path, count: int) -> str:
    """File ``count`` demo complaints and act on some. Returns the demo password for the staff accounts."""
    password = secrets.token_urlsafe(9)
    _account("demo-admin", Role.ADMIN, password)
    triage = _account("demo-triage", Role.TRIAGE, password)
    for code in ("XD-A1:discipline", "XD-A1:supervision", "XD-A:discipline", "XD-A:supervision"):
        _account(
            f"demo-liaison-{code.replace(':', '-').lower()}",
            Role.LIAISON,
            password,
            oversight_body=_body(code),
        )
    for number, row in enumerate([*_rows(corpus, count), *UNCLEAR]):
        allegation = None
        if row.misconduct:
            allegation = Allegation(
                accused_name=None,
                accused_unit="（见投诉内容）",
                party_member=PartyMembership(row.party_member),
            )
        receipt = file_complaint(
            ComplaintDraft(
                title=row.title[:100],
                body=row.body[:5000],
                division_code=division_named_in(row.title + row.body, number),
                anonymous=True,
                allegation=allegation,
            )
        )
        commit()  # runs the classification job (inline) exactly as a citizen's filing would
        complaint = db.session.get(Complaint, receipt.complaint_id)
        assert complaint is not None
        if row.misconduct:
            review_misconduct(
                complaint, confirm=True, staff=triage, referral=Referral("演示：群众举报，转监督机关核查")
            )
        elif complaint.status is ComplaintStatus.ROUTED and number % 3 != 0:
            bureau = complaint.bureau
            assert bureau is not None
            officer = _account(
                f"demo-bureau-{bureau.code.replace(':', '-').lower()}", Role.BUREAU, password, bureau=bureau
            )
            post_reply(
                complaint,
                staff=officer,
                text="已收到，正在安排现场核查，处理结果将另行答复。",
                resolve=number % 2 == 0,
            )
        commit()
    _act_on_cases()
    commit()
    return password


def _act_on_cases() -> None:
    """Oversight bodies answer some of their cases: one acts, one investigates; the rest stay open."""
    for index, case in enumerate(db.session.scalars(select(Case).order_by(Case.id)).all()):
        liaison = db.session.scalar(select(StaffUser).where(StaffUser.oversight_body_id == case.body_id))
        if liaison is None:
            continue
        if index % 3 == 0:
            cases.record_action(
                case,
                CaseAction.ACT,
                staff=liaison,
                outcome=Outcome.ADMONITION,
                text="经核查，对相关人员进行谈话提醒并责令整改。",
            )
        elif index % 3 == 1:
            cases.record_action(case, CaseAction.INVESTIGATE, staff=liaison)


@click.command("complaints")
@with_appcontext
@click.option("--count", default=40, show_default=True, help="How many demo complaints to file.")
@click.option(
    "--corpus",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="CSV of complaints (title, body, label, misconduct, accused_party_member).",
)
def seed_complaints_command(count: int, corpus: str | None) -> None:
    """File demo complaints and some staff activity, once (skipped if any complaint exists)."""
    if db.session.scalar(select(func.count(Complaint.id))):
        click.echo("complaints already present: demo activity not added")
        return
    if db.session.scalar(select(func.count(Bureau.id))) == 0:
        raise click.ClickException("run `flask seed demo` first")
    path = Path(corpus or current_app.config["TRIAGE_TRAINING_DATA"])
    password = seed_activity(path, count)
    accounts = sorted(db.session.scalars(select(StaffUser.username).where(StaffUser.username.like("demo-%"))))
    note = Path(current_app.instance_path) / ACCOUNTS_FILE
    note.write_text(
        "password for every demo account: " + password + "\n" + "\n".join(accounts) + "\n", encoding="utf-8"
    )
    note.chmod(0o600)
    click.echo(
        f"filed {count} demo complaints; staff accounts ({', '.join(accounts[:3])}, ...) "
        f"share the password {password} (also in {note})"
    )
