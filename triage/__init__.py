"""Triage: the classifier that routes complaints, and the desk where staff handle what it is unsure about.

``triage.engine`` is pure (no Flask); the rest wires it into the app through :func:`init_app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

RETRAIN_JOB = "triage_retrain"


def init_app(app: Flask) -> None:
    import logging

    import jieba
    from flask_babel import lazy_gettext as _l

    from portal import jobs
    from portal.complaints.processing import CLASSIFY_JOB
    from portal.domain import Role
    from portal.http.pages import register_desk
    from triage import models  # noqa: F401 - registers the triage tables
    from triage.api import triage_api
    from triage.classification import classify
    from triage.cli import triage_cli
    from triage.pages import desk
    from triage.training import retrain

    # jieba announces every dictionary load at DEBUG on its own handler; a server log has no use for it.
    jieba.setLogLevel(logging.WARNING)
    app.register_blueprint(desk)
    app.register_blueprint(triage_api)
    app.cli.add_command(triage_cli)
    # The classifier takes over the portal's default (which sends every complaint to a human).
    jobs.register(app, CLASSIFY_JOB, classify, replace=True)
    jobs.register(app, RETRAIN_JOB, retrain)
    register_desk(app, "triage_desk.queue", _l("Triage desk"), (Role.TRIAGE,))
