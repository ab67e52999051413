"""``flask escalation sweep [--now ISO-8601]``, ``flask escalation figures``."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from escalation.accountability import refresh_figures
from escalation.cases import sweep
from portal.unit_of_work import commit

escalation_cli = AppGroup("escalation", help="Oversight cases and deadlines.")


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use ISO-8601, e.g. 2026-12-01T09:00:00+08:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@escalation_cli.command("sweep")
@click.option("--now", callback=_moment, help="Pretend it is this moment (ISO-8601; UTC if no offset).")
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
