"""The application factory: the shell's extensions and plumbing, then every feature, in one list.

Dependencies run one way (escalation -> triage -> portal), so the portal names the feature packages built on it
by their import path and never imports them otherwise. Each feature package declares in ``feature.py`` what it
adds (blueprints, commands, jobs, signal receivers, timeline texts, page sections, API documentation), and
:func:`portal.features.install` puts it into this app and no other.
"""

from __future__ import annotations

import hmac
import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import jobs
from portal.config import settings_from_env
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.features import Feature, install
from portal.http import errors, i18n, security, templating
from portal.models import StaffUser
from portal.record import seals

ROOT = Path(__file__).resolve().parent.parent

# The portal's own features, in dependency order: each may use those before it.
CORE_FEATURES: tuple[str, ...] = (
    "portal.ops",
    "portal.auth",
    "portal.jurisdiction",
    "portal.jobs",
    "portal.http",
    "portal.record",
    "portal.evidence",
    "portal.complaints",
    "portal.support",
    "portal.hot",
    "portal.duplicates",
    "portal.bureau",
    "portal.privacy",
    "portal.feedback",
    "portal.notifications",
    "portal.open311",
)
# Feature packages built on the portal; ``FEATURE_PACKAGES`` in the config chooses among them (tests build a
# portal-only app with an empty tuple).
FEATURE_PACKAGES: tuple[str, ...] = ("triage", "escalation")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. ``config`` overrides the environment (tests pass their own mapping)."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("FIRE_ALARM_INSTANCE") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    overrides = dict(config or {})
    instance_path = Path(overrides.get("INSTANCE_PATH") or app.instance_path)
    environ = dict(os.environ)
    if "SECRET_KEY" in overrides:  # an explicit key must win before the instance key file is consulted
        environ["SECRET_KEY"] = str(overrides["SECRET_KEY"])
    app.config.update(settings_from_env(environ, instance_path).as_flask_config())
    app.config.update(overrides)
    app.instance_path = app.config["INSTANCE_PATH"]

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _init_extensions(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    for package in (*CORE_FEATURES, *app.config.get("FEATURE_PACKAGES", FEATURE_PACKAGES)):
        install(app, feature_of(package))
    return app


def feature_of(package: str) -> Feature:
    """The ``FEATURE`` a package declares in its ``feature.py``."""
    feature: Feature = importlib.import_module(f"{package}.feature").FEATURE
    return feature


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    # Batch mode lets SQLite alter tables; compare_type catches column type changes in autogenerate.
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "portal" / "translations"),
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = None  # the login page explains itself; a flash would be untranslated noise

    @login_manager.user_loader
    def load_user(session_id: str) -> StaffUser | None:
        user_id, _colon, token = session_id.partition(":")
        user = db.session.get(StaffUser, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
        if user is None or not user.active or not hmac.compare_digest(token, user.session_token):
            return None  # signed out since, deactivated, or a cookie from before session tokens
        return user

    seals.install()
    jobs.init_app(app)
    i18n.init_app(app)
