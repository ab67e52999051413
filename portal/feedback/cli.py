"""``flask feedback sweep [--now ISO-8601]``."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from portal.feedback.service import sweep
from portal.unit_of_work import commit

feedback_cli = AppGroup("feedback", help="The follow-up visit (回访).")


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use ISO-8601, e.g. 2026-12-01T09:00:00+08:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@feedback_cli.command("sweep")
@click.option("--now", callback=_moment, help="Pretend it is this moment (ISO-8601; UTC if no offset).")
def sweep_command(now: datetime | None) -> None:
    """Close the follow-up visits nobody answered in time."""
    closed = sweep(now)
    commit()
    click.echo(f"visits closed unanswered: {closed}")
