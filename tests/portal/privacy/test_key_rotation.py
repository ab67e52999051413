"""`flask contacts rotate-key` reseals every row under a new key; `retire-keys` drops the old ones when safe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from portal.extensions import db
from portal.privacy.sealing import Contact, KeyRing, new_key, parse_keys
from tests.factories import file_via_api, stored_contact

PHONES = ("13912345678", "13800001111", "13700002222")


def sealed_values(app: Flask) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT tracking_code, contact_encrypted FROM complaints WHERE contact_encrypted IS NOT NULL"
            )
        ).all()
        return dict(rows)


def updated_at(app: Flask) -> list[object]:
    with app.app_context():
        return list(db.session.execute(text("SELECT updated_at FROM complaints ORDER BY id")).scalars())


def filed(client: FlaskClient) -> list[str]:
    codes = [file_via_api(client, contact={"phone": phone})["tracking_code"] for phone in PHONES]
    file_via_api(client, anonymous=True)
    return codes


def test_rotation_reseals_every_row_and_keeps_it_readable(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    codes = filed(client)
    key_file = Path(app.config["CONTACT_KEY_FILE"])
    (old_key,) = parse_keys(key_file.read_text())
    before = sealed_values(app)
    touched = updated_at(app)

    result = runner.invoke(args=["contacts", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "resealed 3 rows" in result.output

    keys = parse_keys(key_file.read_text())
    assert len(keys) == 2
    assert keys[1] == old_key  # the old key stays, newest first
    after = sealed_values(app)
    assert set(after) == set(codes)
    for code, phone in zip(codes, PHONES, strict=True):
        assert after[code] != before[code]
        assert KeyRing(keys[:1]).open(code, after[code]) == Contact(phone=phone)  # the new key alone opens it
        assert stored_contact(app, code) == Contact(phone=phone)
    assert updated_at(app) == touched  # resealing changes nothing of the complaint

    # Filed after the rotation: sealed under the new key.
    later = file_via_api(client, contact={"phone": "13600003333"})["tracking_code"]
    assert KeyRing(keys[:1]).open(later, sealed_values(app)[later]).phone == "13600003333"

    result = runner.invoke(args=["contacts", "retire-keys"])
    assert result.exit_code == 0, result.output
    assert "retired 1" in result.output
    assert parse_keys(key_file.read_text()) == keys[:1]
    for code, phone in zip(codes, PHONES, strict=True):
        assert stored_contact(app, code) == Contact(phone=phone)
    assert "nothing to retire" in runner.invoke(args=["contacts", "retire-keys"]).output


def test_old_keys_are_not_retired_while_a_row_needs_them(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    codes = filed(client)
    key_file = Path(app.config["CONTACT_KEY_FILE"])
    old = key_file.read_text()
    # A new key put first without resealing (as a rotation interrupted before its commit leaves it).
    key_file.write_text(f"{new_key()}\n{old}")
    result = runner.invoke(args=["contacts", "retire-keys"])
    assert result.exit_code != 0
    assert "3 rows are still sealed under an older key" in result.output
    assert len(parse_keys(key_file.read_text())) == 2
    assert stored_contact(app, codes[0]) == Contact(phone=PHONES[0])


def test_with_contact_keys_the_operator_adds_the_key_and_rotation_reseals_under_it(
    app_factory: Callable[..., Flask],
) -> None:
    old = new_key()
    first = app_factory(CONTACT_KEYS=(old,))
    codes = filed(first.test_client())
    before = sealed_values(first)

    generated = first.test_cli_runner().invoke(args=["contacts", "generate-key"]).output.strip()
    assert parse_keys(generated) == (generated,)
    restarted = app_factory(CONTACT_KEYS=(generated, old))
    runner = restarted.test_cli_runner()
    result = runner.invoke(args=["contacts", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "CONTACT_KEYS is set" in result.output
    after = sealed_values(restarted)
    for code in codes:
        assert after[code] != before[code]
        assert KeyRing([generated]).open(code, after[code]).phone in PHONES
    assert not Path(restarted.config["CONTACT_KEY_FILE"]).exists()
    result = runner.invoke(args=["contacts", "retire-keys"])
    assert result.exit_code == 0
    assert "remove the other 1 key(s) from CONTACT_KEYS" in result.output
