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
