"""Contact details at rest: only ciphertext in the database, keys outside it, the key file made once."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from portal.complaints.lookup import find_by_code
from portal.config import ConfigError, settings_from_env
from portal.extensions import db
from portal.privacy.contacts import ContactKeyMissing, key_ring, read_contact
from portal.privacy.sealing import Contact, KeyRing, SealBroken, key_file_text, new_key
from tests.factories import file_via_api, stored_contact

NAME, PHONE, EMAIL = "王秀英", "13912345678", "wang.xiuying@example.com"


def raw_row(app: Flask, code: str) -> dict[str, object]:
    """The complaint's row as the database holds it, read with plain SQL."""
    with app.app_context():
        row = db.session.execute(
            text("SELECT * FROM complaints WHERE tracking_code = :code"), {"code": code}
        ).one()
        return dict(row._mapping)


def test_the_database_holds_only_ciphertext(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, contact={"name": NAME, "phone": PHONE, "email": EMAIL})["tracking_code"]
    row = raw_row(app, code)
    stored = " ".join(str(value) for value in row.values())
    for detail in (PHONE, EMAIL, NAME, "wang.xiuying"):
        assert detail not in stored
    assert not {"contact_name", "contact_phone", "contact_email"} & set(row)
    assert isinstance(row["contact_encrypted"], str)
    assert row["contact_encrypted"].startswith("gAAAAA")  # a Fernet token
    # ... and it opens to what was filed.
    assert stored_contact(app, code) == Contact(NAME, PHONE, EMAIL)


def test_no_contact_details_store_nothing(app: Flask, client: FlaskClient) -> None:
    anonymous = file_via_api(client, anonymous=True, contact={"phone": PHONE})["tracking_code"]
    blank = file_via_api(client, contact={"name": "", "phone": ""})["tracking_code"]
    for code in (anonymous, blank):
        assert raw_row(app, code)["contact_encrypted"] is None
        with app.app_context():
            complaint = find_by_code(code)
            assert complaint is not None
            assert complaint.has_contact is False
            assert read_contact(complaint) is None


def test_the_key_file_is_generated_once_privately(app: Flask, client: FlaskClient) -> None:
    key_file = Path(app.config["CONTACT_KEY_FILE"])
    assert not key_file.exists()  # nothing is made before it is needed
    first = file_via_api(client, contact={"phone": PHONE})["tracking_code"]
    assert key_file.parent == Path(app.instance_path)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_text()
    file_via_api(client, contact={"phone": "13800000000"})
    assert key_file.read_text() == content
    with app.app_context():
        complaint = find_by_code(first)
        assert complaint is not None
        sealed = complaint.contact_encrypted
        assert sealed is not None
        assert KeyRing([content.strip()]).open(first, sealed).phone == PHONE


def test_keys_from_the_environment_are_used_and_no_file_is_made(
    app_factory: Callable[..., Flask], tmp_path: Path
) -> None:
    key = new_key()
    configured = app_factory(CONTACT_KEYS=(key,))
    code = file_via_api(configured.test_client(), contact={"phone": PHONE})["tracking_code"]
    assert not Path(configured.config["CONTACT_KEY_FILE"]).exists()
    sealed = raw_row(configured, code)["contact_encrypted"]
    assert isinstance(sealed, str)
    assert KeyRing([key]).open(code, sealed).phone == PHONE
    # An app with another key cannot open it.
    other = app_factory(CONTACT_KEYS=(new_key(),))
    with other.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        with pytest.raises(SealBroken):
            read_contact(complaint)


def test_a_lost_key_file_is_not_silently_replaced(app: Flask, client: FlaskClient) -> None:
    file_via_api(client, contact={"phone": PHONE})
    key_file = Path(app.config["CONTACT_KEY_FILE"])
    key_file.unlink()
    with app.app_context(), pytest.raises(ContactKeyMissing, match="restore"):
        key_ring()
    assert not key_file.exists()


def test_a_changed_key_file_is_read_again(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, contact={"phone": PHONE})["tracking_code"]
    key_file = Path(app.config["CONTACT_KEY_FILE"])
    old = key_file.read_text().strip()
    new = new_key()
    key_file.write_text(key_file_text([new, old]))
    with app.app_context():
        assert key_ring().keys == (new, old)
        complaint = find_by_code(code)
        assert complaint is not None
        assert read_contact(complaint) == Contact(phone=PHONE)


def test_contact_keys_in_the_environment_are_checked(tmp_path: Path) -> None:
    first, second = new_key(), new_key()
    settings = settings_from_env({"SECRET_KEY": "x", "CONTACT_KEYS": f"{first}, {second}"}, tmp_path)
    assert (first, second) == settings.CONTACT_KEYS
    assert str(tmp_path.resolve() / "contact_keys") == settings.CONTACT_KEY_FILE
    assert settings_from_env({"SECRET_KEY": "x"}, tmp_path).CONTACT_KEYS == ()
    with pytest.raises(ConfigError, match="CONTACT_KEYS"):
        settings_from_env({"SECRET_KEY": "x", "CONTACT_KEYS": "too-short"}, tmp_path)
