"""The portal's commands, run through Flask's CLI runner."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from portal.auth.accounts import authenticate
from portal.extensions import db
from portal.models import Role, StaffUser


def test_create_user_with_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "li", "--role", "liaison", "--body", "XD-A1:discipline"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "password" not in result.output
    with app.app_context():
        user = authenticate("li", "a long enough password")
        assert user is not None
        assert user.role is Role.LIAISON
        assert user.oversight_body.code == "XD-A1:discipline"


def test_create_user_generates_a_password_when_none_is_given(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "create", "t1", "--role", "triage"], input="")
    assert result.exit_code == 0, result.output
    password = result.output.split("password (shown once): ")[1].strip()
    with app.app_context():
        assert authenticate("t1", password) is not None


def test_create_user_refuses_bad_input(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["users", "create", "x", "--role", "liaison"], input="").exit_code != 0
    assert runner.invoke(args=["users", "create", "x", "--role", "bureau"], input="").exit_code != 0
    bad_body = runner.invoke(args=["users", "create", "x", "--role", "liaison", "--body", "XD-Z:discipline"])
    assert "no such code" in bad_body.output
    assert runner.invoke(args=["users", "create", "x", "--role", "wizard"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "x", "--role", "admin"], input="short\n").exit_code != 0
    assert runner.invoke(args=["users", "create", "x", "--role", "admin"], input="").exit_code == 0
    assert "already exists" in runner.invoke(args=["users", "create", "x", "--role", "admin"]).output
    with app.app_context():
        assert db.session.scalar(select(func.count(StaffUser.id))) == 1
