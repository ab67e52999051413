"""The portal's commands, run through Flask's CLI runner."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Bureau, Division, OversightBody


def test_seed_demo_is_idempotent_and_complete(app: Flask, runner: FlaskCliRunner) -> None:
    # The app fixture already seeded once; a second run adds nothing.
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0
    assert "(0 new rows)" in result.output
    with app.app_context():
        codes = set(db.session.scalars(select(Division.code)))
        assert codes == {"XD", "XD-A", "XD-A1", "XD-A2", "XD-A3", "XD-B", "XD-B1", "XD-B2"}
        assert db.session.scalar(select(func.count(Bureau.id))) == 8 * 7
        assert db.session.scalar(select(func.count(OversightBody.id))) == 8 * 2
        assert (
            db.session.scalar(select(Bureau).where(Bureau.code == "XD-A1:environment")).name_zh
            == "A1区生态环境局"
        )
        body = db.session.scalar(select(OversightBody).where(OversightBody.code == "XD-B:discipline"))
        assert body.name_zh == "B市纪律检查委员会"
        assert db.session.scalar(select(Division).where(Division.code == "XD-A1")).parent.code == "XD-A"
