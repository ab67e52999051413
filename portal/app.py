"""The application factory.

``portal/__init__.py`` stays free of Flask imports so that pure modules (categories, the record, redaction,
evidence checks) can be imported by the triage engine and by stand-alone tools without pulling in the web stack.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from portal import jobs
from portal.auth.api import auth_api
from portal.auth.cli import users_cli
from portal.auth.pages import staff_bp
from portal.bureau.api import bureau_api
from portal.bureau.pages import bureau_desk
from portal.complaints import timeline
from portal.complaints.api import complaints_api
from portal.complaints.pages import complaint_pages
from portal.complaints.processing import CLASSIFY_JOB, REQUEUE_JOB, await_triage, requeue_stale
from portal.config import settings_from_env
from portal.evidence import photos
from portal.evidence.pages import evidence_pages, evidence_staff
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.http import errors, i18n, templating
from portal.http.api import API_PREFIX
from portal.http.openapi import openapi_api
from portal.http.pages import register_desk
from portal.jobs.cli import jobs_cli
from portal.jurisdiction.cli import seed_cli
from portal.models import Role, StaffUser
from portal.open311 import open311_bp
from portal.open311.cli import open311_cli
from portal.privacy.pages import privacy_desk
from portal.record import store as record_store
from portal.record.api import record_api
from portal.record.cli import ledger_cli
from portal.record.pages import record_pages

ROOT = Path(__file__).resolve().parent.parent

# Feature packages built on the portal. The portal never imports them directly (dependencies run
# escalation -> triage -> portal); each exposes ``init_app(app)`` which registers its models, blueprints,
# jobs and commands.
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
    _register_core(app)
    for package in app.config.get("FEATURE_PACKAGES", FEATURE_PACKAGES):
        importlib.import_module(package).init_app(app)
    for blueprint in app.blueprints.values():
        if (blueprint.url_prefix or "").startswith(API_PREFIX):
            csrf.exempt(blueprint)
    return app


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
    def load_user(user_id: str) -> StaffUser | None:
        user = db.session.get(StaffUser, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    jobs.init_app(app)
    i18n.init_app(app)


# Everything the pages use is served from this site: no inline script or style, no third party.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class IdConverter(IntegerConverter):
    """Row ids in URLs: positive and within the 32-bit integer columns, so no id can overflow a query."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def _register_core(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    for blueprint in (
        complaint_pages,
        record_pages,
        evidence_pages,
        evidence_staff,
        staff_bp,
        bureau_desk,
        privacy_desk,
    ):
        app.register_blueprint(blueprint)
    for blueprint in (complaints_api, record_api, bureau_api, auth_api, openapi_api):
        app.register_blueprint(blueprint)
    app.register_blueprint(open311_bp)
    csrf.exempt(open311_bp)  # api_key-authenticated form posts from other servers; no cookies are honoured
    errors.init_app(app)
    for group in (seed_cli, users_cli, jobs_cli, ledger_cli, open311_cli):
        app.cli.add_command(group)
    templating.init_app(app)
    app.after_request(_security_headers)
    # Until a classifier is installed (the triage package replaces it), every complaint waits for a human.
    jobs.register(app, CLASSIFY_JOB, await_triage)
    jobs.register(app, REQUEUE_JOB, requeue_stale)
    jobs.register_periodic(app, REQUEUE_JOB, interval_seconds=60)
    jobs.register(app, photos.PUBLISH_JOB, photos.publish)
    jobs.register(app, record_store.SIGN_JOB, record_store.sign_head_job)
    jobs.register_periodic(app, record_store.SIGN_JOB, interval_seconds=3600)
    timeline.register_section("evidence", photos.public_section)
    register_desk(app, "bureau_desk.queue", _l("Bureau desk"), (Role.BUREAU,))
    templating.add_public_nav(app, "record.page", _l("Public record"))
