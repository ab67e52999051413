"""``flask open311 create-key NAME`` (contract: the key printed once, stored hashed) and ``revoke-key``."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from portal.extensions import db
from portal.open311.models import Open311Key
from tests.portal.open311.filings import post_request


def created_key(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("api_key (shown once): ")]
    assert len(lines) == 1, output
    return lines[0].split(": ", 1)[1]


def test_create_key_prints_it_once_and_it_works(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["open311", "create-key", "城管通 app"])
    assert result.exit_code == 0, result.output
    key = created_key(result.output)
    assert result.output.count(key) == 1
    with app.app_context():
        stored = db.session.scalars(select(Open311Key.key_hash)).all()
    assert len(stored) == 1
    assert key not in stored[0]
    assert post_request(client, key).status_code == 200


def test_duplicate_or_bad_names_fail(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["open311", "create-key", "partner"]).exit_code == 0
    again = runner.invoke(args=["open311", "create-key", "partner"])
    assert again.exit_code != 0
    assert "already exists" in again.output
    assert runner.invoke(args=["open311", "create-key", " "]).exit_code != 0
    assert runner.invoke(args=["open311", "create-key", "x" * 65]).exit_code != 0


def test_revoke_key(client: FlaskClient, runner: FlaskCliRunner) -> None:
    key = created_key(runner.invoke(args=["open311", "create-key", "partner"]).output)
    result = runner.invoke(args=["open311", "revoke-key", "partner"])
    assert result.exit_code == 0, result.output
    assert post_request(client, key).status_code == 403
    unknown = runner.invoke(args=["open311", "revoke-key", "nobody"])
    assert unknown.exit_code != 0
    assert "no key named" in unknown.output
