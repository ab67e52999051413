"""Typed, immutable configuration read from the environment.

Defaults live here (in git); secrets never do. The embedded default is SQLite in ``instance/`` with jobs run
inline after commit, so a fresh checkout runs without any server. Production sets DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from limits import parse_many

from portal.deadlines.workdays import DeadlinePolicy
from portal.keyfiles import create_once
from portal.privacy.sealing import ContactKeyError, parse_keys
from portal.record.checkpoint import COSIGNATURE_TYPE, NoteError, parse_vkey

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - the file name, not the key
CONTACT_KEY_FILE = "contact_keys"
# The deadlines are the policy's own defaults unless the environment says otherwise.
_DEADLINES = DeadlinePolicy()


class ConfigError(ValueError):
    """An environment variable has a value the application cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the application reads from its environment, with the types it expects."""

    SECRET_KEY: str
    SQLALCHEMY_DATABASE_URI: str
    REDIS_URL: str | None
    INSTANCE_PATH: str
    UPLOAD_FOLDER: str
    MODEL_FOLDER: str
    LEDGER_FOLDER: str
    # Keys sealing complainants' contact details, newest first: CONTACT_KEYS if set, otherwise the key file
    # (generated on first use by portal.privacy.contacts, and rewritten by `flask contacts rotate-key`).
    CONTACT_KEY_FILE: str
    CONTACT_KEYS: tuple[str, ...] = ()
    # The record's name: the first line of its C2SP checkpoints and the name of its signing key, by the spec a
    # scheme-less URL of the log (e.g. fire-alarm.example.org/record). Changing it starts a new log identity.
    RECORD_ORIGIN: str = "fire-alarm.localhost/record"
    # Witnesses the worker asks to cosign each new checkpoint (C2SP tlog-witness): (vkey, submission URL
    # prefix) pairs, from WITNESSES ("<vkey> <url>" entries separated by ";" or newlines).
    WITNESSES: tuple[tuple[str, str], ...] = ()
    JOBS_QUEUE: str = "fire-alarm"
    # Photos and retraining: slow work on a queue (and workers, `flask jobs worker --queue media`) of its own,
    # so classification never waits behind it.
    JOBS_MEDIA_QUEUE: str = "fire-alarm-media"
    # Seconds a complaint may sit in "received" before the sweep assumes its job was lost and re-enqueues it.
    JOBS_REQUEUE_AFTER_SECONDS: int = 120
    TRIAGE_THRESHOLD: float | None = None
    # Labelled complaints the retraining job starts from, before adding staff decisions.
    TRIAGE_TRAINING_DATA: str = str(
        Path(__file__).resolve().parent.parent / "triage" / "seed" / "complaints.csv"
    )
    # Optional base corpus from elsewhere (e.g. another region's labelled history), trained on together with the
    # local data above and the staff decisions; where they disagree the local labels win. Rows of split "test"
    # are left out.
    TRIAGE_BASE_DATA: str | None = None
    REPLY_DEADLINE_DAYS: int = _DEADLINES.bureau_reply_days
    ACKNOWLEDGE_DEADLINE_DAYS: int = _DEADLINES.acknowledge_days
    OUTCOME_DEADLINE_DAYS: int = _DEADLINES.outcome_days
    DEADLINES_IN_WORKING_DAYS: bool = _DEADLINES.working_days
    # Official holidays and make-up working days (调休), published yearly by the State Council.
    HOLIDAYS: tuple[date, ...] = ()
    MAKEUP_WORKDAYS: tuple[date, ...] = ()
    RATELIMIT_ENABLED: bool = True
    # Per client address: filing and follow-ups; looking complaints up; cheap cached reads (Open311 lists and
    # definitions, the record's head, the API description); signing in. Then per staff account.
    RATELIMIT_INTAKE: str = "5 per minute;40 per day"
    RATELIMIT_FOLLOW_UP: str = "5 per minute;40 per day"
    # Every POST, counted as it arrives: it also bounds filings sent in parallel, which the filing limit (counted
    # when a filing went through) sees only afterwards.
    RATELIMIT_ATTEMPTS: str = "30 per minute;300 per day"
    RATELIMIT_LOOKUP: str = "60 per minute"
    # "Me too" on a complaint, per client address, page and API together (each address counts once a day anyway).
    RATELIMIT_SUPPORT: str = "10 per minute;100 per day"
    RATELIMIT_READ: str = "600 per minute"
    RATELIMIT_LOGIN: str = "10 per minute"
    RATELIMIT_LOGIN_ACCOUNT: str = "5 per minute;20 per hour"
    # Open311 filings per api_key, not per address: one partner app posts for many citizens from one server.
    RATELIMIT_OPEN311_POST: str = "30 per minute;2000 per day"
    RATELIMIT_STORAGE_URI: str = "memory://"
    # An unreachable Redis must not take the portal down: limits are then counted in memory, per process, until
    # Redis answers again; and a dead Redis is given up on quickly.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED: bool = True
    RATELIMIT_STORAGE_OPTIONS: Mapping[str, Any] = field(
        default_factory=lambda: {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    )
    # Evidence: 5 photos of 10 MB each plus the form itself.
    EVIDENCE_MAX_BYTES: int = 10 * 1024 * 1024
    # Leading zero bits of the intake proof of work (0: none; 16 takes a browser a second or two).
    INTAKE_POW_BITS: int = 0
    # How long the receipt page can be reloaded (or switched to the other language) by the browser that filed;
    # how long an API client's Idempotency-Key answers a retry with the same 201.
    # The offices' own public phone numbers (hotlines, bureau desks): kept where a text quotes them, while every
    # other number is hidden as somebody's.
    PUBLISHED_PHONE_NUMBERS: tuple[str, ...] = ()
    RECEIPT_PAGE_MINUTES: int = 30
    # Photos that passed their checks on a form that came back with an error wait this long to be filed with it,
    # up to this many bytes for all such forms together (beyond, the citizen is asked to attach them again).
    HELD_PHOTOS_MINUTES: int = 60
    HELD_PHOTOS_MAX_BYTES: int = 512 * 1024 * 1024
    HELD_PHOTOS_PER_CLIENT_BYTES: int = 60 * 1024 * 1024
    IDEMPOTENCY_HOURS: int = 24
    # A bureau's fix photo further than this from the complaint's coordinates is "far" (public, beside the reply).
    FIX_PHOTO_MAX_METRES: float = 300.0
    # Category keys whose complaints may be marked resolved only with a fix photo that has a location.
    FIX_PHOTO_REQUIRED_CATEGORIES: tuple[str, ...] = ()
    # Pixels of all the photos of one request together (a 12-megapixel phone photo is 12 000 000).
    EVIDENCE_PIXEL_BUDGET: int = 60_000_000
    MAX_CONTENT_LENGTH: int = 52 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    # Staff sessions and CSRF tokens never travel in clear; `make run` (plain http on this machine) turns it off.
    SESSION_COOKIE_SECURE: bool = True
    TRUSTED_PROXIES: int = 0
    BABEL_DEFAULT_LOCALE: str = "zh"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Shanghai"
    LANGUAGES: tuple[str, ...] = ("zh", "en")
    WTF_I18N_ENABLED: bool = True
    API_TOKEN_TTL_HOURS: int = 12
    # werkzeug's method for staff passwords and follow-up secrets; only the test suite sets a cheap one.
    PASSWORD_HASH_METHOD: str = "scrypt"  # noqa: S105 - a method name, not a password
    SQLALCHEMY_ENGINE_OPTIONS: Mapping[str, Any] = field(default_factory=lambda: {"pool_pre_ping": True})
    # "json" (one object per line, what `make serve` uses) or "text"; unset leaves Python's logging as it is.
    # Read by the process's entry point (wsgi.py, gunicorn.conf.py): logging is process-wide, not per app.
    LOG_FORMAT: str | None = None
    LOG_LEVEL: str = "INFO"
    # /metrics answers only the loopback and private networks (and never a request that came through a
    # proxy), unless it is made public or the scraper sends this bearer token.
    METRICS_PUBLIC: bool = False
    METRICS_TOKEN: str | None = None
    # Notifications (portal.notifications). Without MAIL_SERVER, mails are written to MAIL_FOLDER instead.
    MAIL_SERVER: str | None = None
    MAIL_PORT: int = 25
    MAIL_USE_TLS: bool = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str = "Fire Alarm <noreply@localhost>"
    MAIL_FOLDER: str = ""
    # "log" (the default: text messages are logged, with the number masked), "none", or "module:factory" for
    # a provider's gateway (portal.notifications.sms).
    SMS_BACKEND: str = "log"
    # Where the portal is reached from outside: the links in mails are built on it (jobs have no request).
    PUBLIC_URL: str = "http://127.0.0.1:5000"
    # The follow-up visit (portal.feedback): days the citizen has to answer after a resolution, and how many
    # times a failed answer reopens the complaint for the same bureau.
    FEEDBACK_VISIT_DAYS: int = 15
    FEEDBACK_REOPEN_LIMIT: int = 1
    # Answers a bureau needs before the accountability board shows its fixed and satisfied shares.
    FEEDBACK_MIN_ANSWERS: int = 5
    # Days after a misconduct case closes on which the reporter is asked whether they faced retaliation.
    RETALIATION_CHECK_DAYS: tuple[int, ...] = (30, 90)
    # The key of the citizens' follow-up secrets (stored as HMAC-SHA-256 under it, portal.complaints.secret_digest).
    # Unset: derived from SECRET_KEY, so changing SECRET_KEY then invalidates every secret issued under it; set
    # this to keep them when rotating SECRET_KEY. Secrets filed before (scrypt hashes) never depend on it.
    FOLLOW_UP_SECRET_KEY: str | None = None

    def as_flask_config(self) -> dict[str, Any]:
        return asdict(self)


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the psycopg 3 driver for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_or_create_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, generating it on first run. There is no fallback key in code."""
    key_file = instance_path / SECRET_KEY_FILE
    if not key_file.exists():
        create_once(key_file, secrets.token_hex(32).encode())
    key = key_file.read_text(encoding="utf-8").strip()
    if not key:
        raise ConfigError(f"{key_file} is empty: delete it to generate a new key, or set SECRET_KEY")
    return key


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _float_or_none(environ: Mapping[str, str], name: str) -> float | None:
    raw = environ.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{name} must be between 0 and 1, got {raw!r}")
    return value


def _positive_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if not (value > 0 and math.isfinite(value)):
        raise ConfigError(f"{name} must be a positive number, got {raw!r}")
    return value


def _keys(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    keys = tuple(part.strip() for part in (environ.get(name) or "").split(",") if part.strip())
    bad = [key for key in keys if not re.fullmatch(r"[a-z_]{1,40}", key)]
    if bad:
        raise ConfigError(f"{name} must be comma-separated category keys like housing_urban, got {bad[0]!r}")
    return keys


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _limit(environ: Mapping[str, str], name: str, default: str) -> str:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        parse_many(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be limits like '5 per minute;40 per day', got {raw!r}") from exc
    return raw


def _dates(environ: Mapping[str, str], name: str) -> tuple[date, ...]:
    raw = environ.get(name) or ""
    try:
        return tuple(sorted(date.fromisoformat(part.strip()) for part in raw.split(",") if part.strip()))
    except ValueError as exc:
        raise ConfigError(f"{name} must be comma-separated dates like 2026-10-01, got {raw!r}") from exc


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    raw = (environ.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _days_list(environ: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        days = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}))
    except ValueError as exc:
        raise ConfigError(f"{name} must be comma-separated whole days like 30,90, got {raw!r}") from exc
    if any(day <= 0 for day in days):
        raise ConfigError(f"{name} must be positive days, got {raw!r}")
    return days


LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def _contact_keys(environ: Mapping[str, str]) -> tuple[str, ...]:
    try:
        return parse_keys(environ.get("CONTACT_KEYS") or "")
    except ContactKeyError as exc:
        raise ConfigError(f"CONTACT_KEYS must be comma-separated Fernet keys, newest first: {exc}") from exc


def _record_origin(environ: Mapping[str, str]) -> str:
    origin = (environ.get("RECORD_ORIGIN") or "").strip() or Settings.RECORD_ORIGIN
    if any(character.isspace() or character == "+" for character in origin) or "://" in origin:
        raise ConfigError(f"RECORD_ORIGIN is a scheme-less URL without spaces or '+', got {origin!r}")
    return origin


def _witnesses(environ: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    found = []
    for entry in (environ.get("WITNESSES") or "").replace("\n", ";").split(";"):
        if not entry.strip():
            continue
        parts = entry.split()
        try:
            if len(parts) != 2 or not parts[1].startswith(("http://", "https://")):
                raise NoteError("each entry is a vkey and a URL")
            if parse_vkey(parts[0]).signature_type != COSIGNATURE_TYPE:
                raise NoteError("a witness's vkey is an Ed25519 cosignature key (type 0x04)")
        except NoteError as exc:
            raise ConfigError(f"WITNESSES: {exc}: {entry.strip()!r}") from exc
        found.append((parts[0], parts[1].rstrip("/")))
    return tuple(found)


def settings_from_env(environ: Mapping[str, str], instance_path: Path) -> Settings:
    """Build :class:`Settings` from environment variables, with the embedded defaults for a first run."""
    instance = instance_path.resolve()
    database_url = environ.get("DATABASE_URL") or f"sqlite:///{instance / 'fire_alarm.sqlite3'}"
    redis_url = environ.get("REDIS_URL") or None
    return Settings(
        SECRET_KEY=environ.get("SECRET_KEY") or load_or_create_secret_key(instance),
        SQLALCHEMY_DATABASE_URI=normalise_database_url(database_url),
        REDIS_URL=redis_url,
        INSTANCE_PATH=str(instance),
        UPLOAD_FOLDER=environ.get("UPLOAD_FOLDER") or str(instance / "uploads"),
        MODEL_FOLDER=environ.get("MODEL_FOLDER") or str(instance / "models"),
        LEDGER_FOLDER=environ.get("LEDGER_FOLDER") or str(instance / "ledger"),
        RECORD_ORIGIN=_record_origin(environ),
        WITNESSES=_witnesses(environ),
        CONTACT_KEY_FILE=environ.get("CONTACT_KEY_FILE") or str(instance / CONTACT_KEY_FILE),
        CONTACT_KEYS=_contact_keys(environ),
        TRIAGE_THRESHOLD=_float_or_none(environ, "TRIAGE_THRESHOLD"),
        TRIAGE_TRAINING_DATA=environ.get("TRIAGE_TRAINING_DATA") or Settings.TRIAGE_TRAINING_DATA,
        TRIAGE_BASE_DATA=environ.get("TRIAGE_BASE_DATA") or None,
        REPLY_DEADLINE_DAYS=_int(environ, "REPLY_DEADLINE_DAYS", Settings.REPLY_DEADLINE_DAYS),
        ACKNOWLEDGE_DEADLINE_DAYS=_int(
            environ, "ACKNOWLEDGE_DEADLINE_DAYS", Settings.ACKNOWLEDGE_DEADLINE_DAYS
        ),
        OUTCOME_DEADLINE_DAYS=_int(environ, "OUTCOME_DEADLINE_DAYS", Settings.OUTCOME_DEADLINE_DAYS),
        DEADLINES_IN_WORKING_DAYS=_bool(
            environ, "DEADLINES_IN_WORKING_DAYS", Settings.DEADLINES_IN_WORKING_DAYS
        ),
        HOLIDAYS=_dates(environ, "HOLIDAYS"),
        MAKEUP_WORKDAYS=_dates(environ, "MAKEUP_WORKDAYS"),
        RATELIMIT_ENABLED=_bool(environ, "RATELIMIT_ENABLED", Settings.RATELIMIT_ENABLED),
        RATELIMIT_INTAKE=_limit(environ, "RATELIMIT_INTAKE", Settings.RATELIMIT_INTAKE),
        RATELIMIT_FOLLOW_UP=_limit(environ, "RATELIMIT_FOLLOW_UP", Settings.RATELIMIT_FOLLOW_UP),
        RATELIMIT_ATTEMPTS=_limit(environ, "RATELIMIT_ATTEMPTS", Settings.RATELIMIT_ATTEMPTS),
        RATELIMIT_LOOKUP=_limit(environ, "RATELIMIT_LOOKUP", Settings.RATELIMIT_LOOKUP),
        RATELIMIT_SUPPORT=_limit(environ, "RATELIMIT_SUPPORT", Settings.RATELIMIT_SUPPORT),
        RATELIMIT_READ=_limit(environ, "RATELIMIT_READ", Settings.RATELIMIT_READ),
        RATELIMIT_LOGIN=_limit(environ, "RATELIMIT_LOGIN", Settings.RATELIMIT_LOGIN),
        RATELIMIT_LOGIN_ACCOUNT=_limit(environ, "RATELIMIT_LOGIN_ACCOUNT", Settings.RATELIMIT_LOGIN_ACCOUNT),
        RATELIMIT_OPEN311_POST=_limit(environ, "RATELIMIT_OPEN311_POST", Settings.RATELIMIT_OPEN311_POST),
        # Limits are shared between processes only when they are counted in Redis.
        RATELIMIT_STORAGE_URI=environ.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://",
        SESSION_COOKIE_SECURE=_bool(environ, "SESSION_COOKIE_SECURE", Settings.SESSION_COOKIE_SECURE),
        TRUSTED_PROXIES=_int(environ, "TRUSTED_PROXIES", Settings.TRUSTED_PROXIES),
        INTAKE_POW_BITS=_int(environ, "INTAKE_POW_BITS", Settings.INTAKE_POW_BITS),
        PUBLISHED_PHONE_NUMBERS=tuple(
            number.strip()
            for number in (environ.get("PUBLISHED_PHONE_NUMBERS") or "").split(",")
            if number.strip()
        ),
        RECEIPT_PAGE_MINUTES=_int(environ, "RECEIPT_PAGE_MINUTES", Settings.RECEIPT_PAGE_MINUTES),
        IDEMPOTENCY_HOURS=_int(environ, "IDEMPOTENCY_HOURS", Settings.IDEMPOTENCY_HOURS),
        FIX_PHOTO_MAX_METRES=_positive_float(environ, "FIX_PHOTO_MAX_METRES", Settings.FIX_PHOTO_MAX_METRES),
        FIX_PHOTO_REQUIRED_CATEGORIES=_keys(environ, "FIX_PHOTO_REQUIRED_CATEGORIES"),
        HELD_PHOTOS_MINUTES=_int(environ, "HELD_PHOTOS_MINUTES", Settings.HELD_PHOTOS_MINUTES),
        HELD_PHOTOS_MAX_BYTES=_int(environ, "HELD_PHOTOS_MAX_BYTES", Settings.HELD_PHOTOS_MAX_BYTES),
        HELD_PHOTOS_PER_CLIENT_BYTES=_int(
            environ, "HELD_PHOTOS_PER_CLIENT_BYTES", Settings.HELD_PHOTOS_PER_CLIENT_BYTES
        ),
        JOBS_REQUEUE_AFTER_SECONDS=_int(
            environ, "JOBS_REQUEUE_AFTER_SECONDS", Settings.JOBS_REQUEUE_AFTER_SECONDS
        ),
        LOG_FORMAT=_choice(environ, "LOG_FORMAT", LOG_FORMATS),
        LOG_LEVEL=(_choice(environ, "LOG_LEVEL", LOG_LEVELS) or Settings.LOG_LEVEL).upper(),
        METRICS_PUBLIC=_bool(environ, "METRICS_PUBLIC", Settings.METRICS_PUBLIC),
        METRICS_TOKEN=environ.get("METRICS_TOKEN") or None,
        MAIL_SERVER=environ.get("MAIL_SERVER") or None,
        MAIL_PORT=_int(environ, "MAIL_PORT", Settings.MAIL_PORT),
        MAIL_USE_TLS=_bool(environ, "MAIL_USE_TLS", Settings.MAIL_USE_TLS),
        MAIL_USERNAME=environ.get("MAIL_USERNAME") or None,
        MAIL_PASSWORD=environ.get("MAIL_PASSWORD") or None,
        MAIL_DEFAULT_SENDER=environ.get("MAIL_DEFAULT_SENDER") or Settings.MAIL_DEFAULT_SENDER,
        MAIL_FOLDER=environ.get("MAIL_FOLDER") or str(instance / "mail"),
        SMS_BACKEND=(environ.get("SMS_BACKEND") or Settings.SMS_BACKEND).strip(),
        PUBLIC_URL=(environ.get("PUBLIC_URL") or Settings.PUBLIC_URL).rstrip("/"),
        FEEDBACK_VISIT_DAYS=_int(environ, "FEEDBACK_VISIT_DAYS", Settings.FEEDBACK_VISIT_DAYS),
        FEEDBACK_REOPEN_LIMIT=_int(environ, "FEEDBACK_REOPEN_LIMIT", Settings.FEEDBACK_REOPEN_LIMIT),
        FEEDBACK_MIN_ANSWERS=_int(environ, "FEEDBACK_MIN_ANSWERS", Settings.FEEDBACK_MIN_ANSWERS),
        RETALIATION_CHECK_DAYS=_days_list(environ, "RETALIATION_CHECK_DAYS", Settings.RETALIATION_CHECK_DAYS),
        FOLLOW_UP_SECRET_KEY=environ.get("FOLLOW_UP_SECRET_KEY") or None,
    )
