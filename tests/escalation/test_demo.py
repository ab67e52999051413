"""`flask seed complaints`: demo activity through the real services, once."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from escalation.models import Case
from portal.auth.accounts import authenticate
from portal.extensions import db
from portal.models import Complaint


def test_demo_activity_is_added_once_with_working_accounts(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seed", "complaints", "--count", "12"])
    assert result.exit_code == 0, result.output
    note = Path(app.instance_path) / "demo-accounts.txt"
    password = note.read_text(encoding="utf-8").splitlines()[0].split()[-1]
    assert oct(note.stat().st_mode)[-3:] == "600"
    with app.app_context():
        # The requested twelve, plus the three deliberately vague ones.
        assert db.session.scalar(select(func.count(Complaint.id))) == 12 + 3
        assert db.session.scalar(select(func.count(Case.id))) >= 1  # the misconduct allegations were referred
        assert authenticate("demo-triage", password) is not None
    again = runner.invoke(args=["seed", "complaints"])
    assert "already present" in again.output
    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0, verified.output


def test_demo_complaints_are_filed_where_their_text_says(app: Flask, runner: FlaskCliRunner) -> None:
    """Filed in A1, the text says A1区: the division of every demo complaint agrees with the place it names."""
    import re

    assert runner.invoke(args=["seed", "complaints", "--count", "30"]).exit_code == 0
    with app.app_context():
        complaints = db.session.scalars(select(Complaint)).all()
        named = 0
        for complaint in complaints:
            places = re.findall(r"([AB][1-3])[区县]", complaint.title + complaint.body)
            if places:
                named += 1
                assert complaint.division.code == f"XD-{places[0]}", (complaint.title, places)
            cities = re.findall(r"([AB])市", complaint.title + complaint.body)
            if cities and not places:
                assert complaint.division.code.startswith(f"XD-{cities[0]}")
        assert named >= 10
