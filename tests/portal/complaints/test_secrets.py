"""Follow-up secrets: stored as an HMAC under a server key, not a slow hash; old scrypt hashes still work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal.complaints import secret_digest
from portal.complaints.lookup import secret_matches
from portal.extensions import db
from portal.models import Complaint
from tests.factories import file_via_api


def _complaint(app: Flask, code: str) -> Complaint:
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
        db.session.expunge(complaint)
        return complaint


def _update(client: FlaskClient, code: str, secret: str) -> int:
    response = client.post(
        f"/api/v1/complaints/{code}/updates", json={"secret": secret, "text": "补充：还是不亮。"}
    )
    return response.status_code


def test_a_new_secret_is_stored_as_an_hmac_under_the_server_key(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(client)
    stored = _complaint(app, receipt["tracking_code"]).secret_hash
    key = secret_digest.derive_key(app.config["SECRET_KEY"])
    assert stored == secret_digest.digest(key, receipt["follow_up_secret"])
    assert receipt["follow_up_secret"] not in stored
    assert _update(client, receipt["tracking_code"], receipt["follow_up_secret"]) == 201
    assert _update(client, receipt["tracking_code"], "0000-0000-0000-0000-0000-0000") == 403


def test_the_secret_is_accepted_as_typed_by_a_person(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(client)
    typed = receipt["follow_up_secret"].replace("-", " ").lower()
    assert _update(client, receipt["tracking_code"], typed) == 201


def test_filing_does_not_stretch_the_random_secret(app_factory: Callable[..., Flask]) -> None:
    # With production scrypt for passwords, filing must not pay for it: the secret is random, 120 bits.
    slow = app_factory(PASSWORD_HASH_METHOD="scrypt")
    receipt = file_via_api(slow.test_client())
    assert _complaint(slow, receipt["tracking_code"]).secret_hash.startswith("hmac-sha256$")


def test_a_scrypt_hash_stored_before_keeps_working(app: Flask, client: FlaskClient) -> None:
    receipt = file_via_api(client)
    code, secret = receipt["tracking_code"], receipt["follow_up_secret"]
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
        complaint.secret_hash = generate_password_hash(secret, method="scrypt")
        db.session.commit()
    assert _complaint(app, code).secret_hash.startswith("scrypt:")
    assert _update(client, code, secret) == 201
    assert _update(client, code, "0000-0000-0000-0000-0000-0000") == 403


def test_a_configured_key_is_used_and_another_key_refuses(app_factory: Callable[..., Flask]) -> None:
    keyed = app_factory(FOLLOW_UP_SECRET_KEY="a-key-kept-across-secret-key-rotation")
    receipt = file_via_api(keyed.test_client())
    stored = _complaint(keyed, receipt["tracking_code"])
    kept = b"a-key-kept-across-secret-key-rotation"
    assert stored.secret_hash == secret_digest.digest(kept, receipt["follow_up_secret"])
    rotated = app_factory(FOLLOW_UP_SECRET_KEY="a-key-kept-across-secret-key-rotation", SECRET_KEY="rotated")
    with rotated.app_context():
        assert secret_matches(stored, receipt["follow_up_secret"])
    other = app_factory(FOLLOW_UP_SECRET_KEY="another-key")
    with other.app_context():
        assert not secret_matches(stored, receipt["follow_up_secret"])


def test_the_config_reads_the_key_from_the_environment(tmp_path: Path) -> None:
    from portal.config import settings_from_env

    settings = settings_from_env({"SECRET_KEY": "s", "FOLLOW_UP_SECRET_KEY": "k"}, tmp_path)
    assert settings.FOLLOW_UP_SECRET_KEY == "k"
    assert settings_from_env({"SECRET_KEY": "s"}, tmp_path).FOLLOW_UP_SECRET_KEY is None
