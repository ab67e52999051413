"""``flask jobs sweep``: re-enqueue the work whose job was lost."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.complaints.processing import requeue_stale
from portal.unit_of_work import commit


@click.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Re-enqueue work whose job was lost (e.g. while Redis was down): classifications and photo publications."""
    count = requeue_stale()
    commit()
    click.echo(f"re-enqueued {count} job(s)")
