"""Configuration from the environment: typed, with no secret in code."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from portal.config import ConfigError, normalise_database_url, settings_from_env


def test_embedded_defaults_need_no_server(tmp_path: Path) -> None:
    settings = settings_from_env({}, tmp_path)
    assert f"sqlite:///{tmp_path.resolve() / 'fire_alarm.sqlite3'}" == settings.SQLALCHEMY_DATABASE_URI
    assert settings.REDIS_URL is None
    assert settings.RATELIMIT_STORAGE_URI == "memory://"
    assert settings.UPLOAD_FOLDER.startswith(str(tmp_path.resolve()))
    # Staff cookies never travel in clear unless an operator says so (`make run` does, on plain http).
    assert settings.SESSION_COOKIE_SECURE is True
    # Only the test suite makes key stretching cheap.
    assert settings.PASSWORD_HASH_METHOD == "scrypt"
    # The deadlines are the policy's own defaults, defined once.
    assert (
        settings.REPLY_DEADLINE_DAYS,
        settings.ACKNOWLEDGE_DEADLINE_DAYS,
        settings.OUTCOME_DEADLINE_DAYS,
    ) == (
        15,
        5,
        60,
    )


def test_secret_key_is_generated_into_the_instance_folder_once(tmp_path: Path) -> None:
    first = settings_from_env({}, tmp_path).SECRET_KEY
    second = settings_from_env({}, tmp_path).SECRET_KEY
    assert first == second
    assert len(first) == 64
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_environment_wins(tmp_path: Path) -> None:
    settings = settings_from_env(
        {
            "SECRET_KEY": "from-env",
            "DATABASE_URL": "postgres://u@h/db",
            "REDIS_URL": "redis://r:6379/0",
            "REPLY_DEADLINE_DAYS": "10",
            "TRIAGE_THRESHOLD": "0.8",
            "DEADLINES_IN_WORKING_DAYS": "false",
        },
        tmp_path,
    )
    assert settings.SECRET_KEY == "from-env"
    assert not (tmp_path / "secret_key").exists()
    assert settings.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"
    assert settings.RATELIMIT_STORAGE_URI == "redis://r:6379/0"
    assert settings.REPLY_DEADLINE_DAYS == 10
    assert settings.TRIAGE_THRESHOLD == 0.8
    assert settings.DEADLINES_IN_WORKING_DAYS is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REPLY_DEADLINE_DAYS", "soon"),
        ("TRIAGE_THRESHOLD", "1.5"),
        ("TRIAGE_THRESHOLD", "high"),
        ("RATELIMIT_ENABLED", "maybe"),
        ("RECORD_ORIGIN", "https://example.org/record"),
        ("RECORD_ORIGIN", "a b"),
        ("WITNESSES", "not-a-vkey https://w.example"),
        # A log's key (type 0x01, the signed-note example) is not a witness's cosignature key.
        (
            "WITNESSES",
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k https://w.example",
        ),
        ("FIX_PHOTO_MAX_METRES", "near"),
        ("FIX_PHOTO_MAX_METRES", "-5"),
        ("FIX_PHOTO_REQUIRED_CATEGORIES", "environment,城乡建设"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        settings_from_env({"SECRET_KEY": "x", name: value}, tmp_path)


LIMITS = (
    "RATELIMIT_INTAKE",
    "RATELIMIT_LOOKUP",
    "RATELIMIT_READ",
    "RATELIMIT_LOGIN",
    "RATELIMIT_LOGIN_ACCOUNT",
    "RATELIMIT_OPEN311_POST",
)


@pytest.mark.parametrize("name", LIMITS)
def test_every_rate_limit_is_read_from_the_environment(tmp_path: Path, name: str) -> None:
    settings = settings_from_env({"SECRET_KEY": "x", name: "7 per minute;70 per day"}, tmp_path)
    assert getattr(settings, name) == "7 per minute;70 per day"
    with pytest.raises(ConfigError, match=name):
        settings_from_env({"SECRET_KEY": "x", name: "lots"}, tmp_path)


def test_every_limit_the_app_declares_is_a_setting() -> None:
    # A limit written into a view cannot be changed by operators: every one must come from the settings.
    import re

    root = Path(__file__).resolve().parents[2]
    sources = [*root.glob("portal/**/*.py"), *root.glob("triage/**/*.py"), *root.glob("escalation/**/*.py")]
    literal = re.compile(r"""["']\d+\s*(per|/)\s*(second|minute|hour|day)""")
    hard_coded = [
        str(path) for path in sources if path.name != "config.py" and literal.search(path.read_text())
    ]
    assert hard_coded == []


def test_fix_photo_settings(tmp_path: Path) -> None:
    defaults = settings_from_env({"SECRET_KEY": "x"}, tmp_path)
    assert defaults.FIX_PHOTO_MAX_METRES == 300.0
    assert defaults.FIX_PHOTO_REQUIRED_CATEGORIES == ()
    settings = settings_from_env(
        {
            "SECRET_KEY": "x",
            "FIX_PHOTO_MAX_METRES": "150",
            "FIX_PHOTO_REQUIRED_CATEGORIES": "housing_urban, environment",
        },
        tmp_path,
    )
    assert settings.FIX_PHOTO_MAX_METRES == 150.0
    assert settings.FIX_PHOTO_REQUIRED_CATEGORIES == ("housing_urban", "environment")


def test_database_url_normalisation() -> None:
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_pages_carry_security_headers(client) -> None:
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_empty_key_file_is_an_error_not_an_empty_key(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty"):
        settings_from_env({}, tmp_path)


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_every_api_blueprint_is_exempt_from_csrf(app, client) -> None:
    # Bearer-token APIs take no cookies, so CSRF does not apply; every /api blueprint must say so.
    from portal.extensions import csrf

    api_blueprints = {
        name for name, blueprint in app.blueprints.items() if (blueprint.url_prefix or "").startswith("/api")
    }
    assert {"complaints_api", "triage_api", "escalation_api"} <= api_blueprints
    assert api_blueprints <= {blueprint.name for blueprint in csrf._exempt_blueprints}
    response = client.post("/api/v1/complaints/FA-0000-0000-0000/routing", json={"category": "transport"})
    assert response.status_code == 401  # refused for want of a token, not for want of a CSRF token


def test_witnesses_are_vkey_and_url_pairs(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from portal.record.checkpoint import COSIGNATURE_TYPE, parse_vkey

    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    import base64
    import hashlib

    key_id = hashlib.sha256(b"w.example/1\n" + COSIGNATURE_TYPE + raw).digest()[:4].hex()
    vkey = f"w.example/1+{key_id}+{base64.b64encode(COSIGNATURE_TYPE + raw).decode()}"
    settings = settings_from_env(
        {"SECRET_KEY": "x", "WITNESSES": f"{vkey} https://w.example/1/ ;\n"}, tmp_path
    )
    assert ((vkey, "https://w.example/1"),) == settings.WITNESSES
    assert parse_vkey(vkey).public_key == raw
