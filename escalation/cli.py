"""``flask escalation sweep [--now ISO-8601]``, ``flask escalation figures``."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from escalation.accountability import refresh_figures
from escalation.cases import sweep
from portal.cli_options import now_option
from portal.unit_of_work import commit

escalation_cli = AppGroup("escalation", help="Oversight cases and deadlines.")


@escalation_cli.command("sweep")
@now_option
def sweep_command(now: datetime | None) -> None:
    """Mark overdue cases, escalate them one level up, and open inaction cases for missed replies."""
    report = sweep(now)
    commit()
    click.echo(
        f"overdue: {report.overdue}, escalated: {report.escalated}, "
        f"inaction cases opened: {report.inaction_opened}, retaliation check-ins asked: {report.check_ins_asked}"
    )


@escalation_cli.command("figures")
def figures_command() -> None:
    """Count the accountability board's figures now (the worker does it every five minutes)."""
    counted = refresh_figures()
    commit()
    click.echo(f"accountability figures counted at {counted.isoformat()}")
