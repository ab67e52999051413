"""Escalation: misconduct cases with oversight bodies, deadlines, the sweep, and the public accountability record.

``escalation.rules`` is pure; Flask is imported only when the app wires us in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

SWEEP_JOB = "escalation_sweep"
SWEEP_INTERVAL_SECONDS = 600


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from escalation import models, referrals  # noqa: F401 - registers tables and event listeners
    from escalation.api import escalation_api
    from escalation.cases import sweep
    from escalation.cli import escalation_cli
    from escalation.demo import seed_complaints_command
    from escalation.pages import desk, public_pages
    from portal import jobs
    from portal.complaints import timeline
    from portal.domain import Role
    from portal.http import templating
    from portal.http.pages import register_desk
    from portal.jurisdiction.cli import seed_cli

    app.register_blueprint(public_pages)
    app.register_blueprint(desk)
    app.register_blueprint(escalation_api)
    app.cli.add_command(escalation_cli)
    seed_cli.add_command(seed_complaints_command)
    jobs.register(app, SWEEP_JOB, sweep)
    jobs.register_periodic(app, SWEEP_JOB, SWEEP_INTERVAL_SECONDS)
    timeline.register_section("escalations", referrals.public_cases)
    templating.add_track_partial(app, "escalation/_cases.html")
    templating.add_public_nav(app, "escalation_public.accountability_page", _l("Accountability"))
    register_desk(app, "escalation_desk.case_list", _l("Oversight cases"), (Role.LIAISON,))
