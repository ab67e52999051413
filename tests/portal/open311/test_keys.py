"""API keys: random, stored only as a hash, one per name, refused once revoked."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.open311.keys import KEY_PREFIX, KeyNameTaken, UnknownKey, issue_key, key_is_valid, revoke_key
from portal.open311.models import Open311Key


def test_keys_are_stored_hashed_and_checked(app: Flask) -> None:
    with app.app_context():
        key = issue_key("partner")
        other = issue_key("other partner")
        row = db.session.scalars(select(Open311Key).where(Open311Key.name == "partner")).one()
        assert key.startswith(KEY_PREFIX)
        assert len(key) > 40
        assert key != other
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in row.key_hash
        assert key_is_valid(key)
        assert not key_is_valid(key + "x")
        assert not key_is_valid("")


def test_one_key_per_name(app: Flask) -> None:
    with app.app_context():
        issue_key("partner")
        with pytest.raises(KeyNameTaken):
            issue_key("partner")


def test_revoked_keys_are_refused(app: Flask) -> None:
    with app.app_context():
        key = issue_key("partner")
        revoke_key("partner")
        assert not key_is_valid(key)
        with pytest.raises(UnknownKey):
            revoke_key("nobody")
