"""The contact-encryption migration seals the details of existing rows, and its downgrade opens them back."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from portal.complaints.lookup import find_by_code
from portal.extensions import db
from portal.jurisdiction.demo import seed_demo
from portal.privacy.contacts import read_contact
from portal.privacy.sealing import Contact, KeyRing, new_key
from tests.portal.test_migrations import emptied

BEFORE = "0010_intake_challenges"  # the revision 0011_contact_encryption builds on
WITH_CONTACT = "FA-7KQ2-M9XD-4TRV"
ANONYMOUS = "FA-7KQ2-M9XD-4TRW"
PHONE = "13912345678"


def insert_plain_rows() -> None:
    """Two complaints as the revision before stored them: one with contact details in clear, one anonymous."""
    division_id = db.session.execute(text("SELECT id FROM divisions ORDER BY id LIMIT 1")).scalar_one()
    for code, name, phone, email in ((WITH_CONTACT, "王秀英", PHONE, None), (ANONYMOUS, None, None, None)):
        db.session.execute(
            text(
                "INSERT INTO complaints (tracking_code, secret_hash, title, body, language, division_id, "
                "anonymous, contact_name, contact_phone, contact_email, redactions, misconduct_alleged, status, "
                "created_at, updated_at) VALUES (:code, 'x', '路灯坏了', '人民路路灯坏了三个月', 'zh', :division, "
                ":anonymous, :name, :phone, :email, '[]', false, 'received', :at, :at)"
            ),
            {
                "code": code,
                "division": division_id,
                "anonymous": name is None,
                "name": name,
                "phone": phone,
                "email": email,
                "at": "2026-11-01 08:00:00",
            },
        )
    db.session.commit()


def sealed_values() -> dict[str, str | None]:
    rows = db.session.execute(text("SELECT tracking_code, contact_encrypted FROM complaints")).all()
    return dict(rows)


def before_with_plain_rows(app: Flask) -> None:
    upgrade(revision=BEFORE)
    seed_demo()
    db.session.commit()
    insert_plain_rows()


def test_upgrade_seals_existing_rows_and_downgrade_opens_them(app_factory: Callable[..., Flask]) -> None:
    migrated = emptied(app_factory())
    key_file = Path(migrated.config["CONTACT_KEY_FILE"])
    with migrated.app_context():
        before_with_plain_rows(migrated)
        assert not key_file.exists()
        upgrade()
        sealed = sealed_values()
        assert sealed[ANONYMOUS] is None
        assert sealed[WITH_CONTACT] is not None
        assert PHONE not in sealed[WITH_CONTACT]
        assert "王秀英" not in sealed[WITH_CONTACT]
        # The migration made the key file the app then uses.
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        complaint = find_by_code(WITH_CONTACT)
        assert complaint is not None
        assert complaint.has_contact
        assert read_contact(complaint) == Contact(name="王秀英", phone=PHONE)
        db.session.remove()

        downgrade(revision=BEFORE)
        rows = db.session.execute(
            text("SELECT tracking_code, contact_name, contact_phone, contact_email FROM complaints")
        ).all()
        assert {row[0]: tuple(row[1:]) for row in rows} == {
            WITH_CONTACT: ("王秀英", PHONE, None),
            ANONYMOUS: (None, None, None),
        }
        db.session.remove()
        upgrade()  # the fixture's teardown expects the head


def test_upgrade_seals_with_the_configured_keys(app_factory: Callable[..., Flask]) -> None:
    key = new_key()
    migrated = emptied(app_factory(CONTACT_KEYS=(key,)))
    with migrated.app_context():
        before_with_plain_rows(migrated)
        upgrade()
        sealed = sealed_values()[WITH_CONTACT]
        assert sealed is not None
        assert KeyRing([key]).open(WITH_CONTACT, sealed).phone == PHONE
        assert not Path(migrated.config["CONTACT_KEY_FILE"]).exists()
