"""``flask feedback sweep [--now ISO-8601]``."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from portal.cli_options import now_option
from portal.feedback.service import sweep
from portal.unit_of_work import commit

feedback_cli = AppGroup("feedback", help="The follow-up visit (回访).")


@feedback_cli.command("sweep")
@now_option
def sweep_command(now: datetime | None) -> None:
    """Close the follow-up visits nobody answered in time."""
    closed = sweep(now)
    commit()
    click.echo(f"visits closed unanswered: {closed}")
