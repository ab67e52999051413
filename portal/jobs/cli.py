"""``flask jobs worker|sweep``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.complaints.processing import requeue_stale
from portal.jobs.worker import run_worker
from portal.unit_of_work import commit

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
def worker_command(burst: bool) -> None:
    """Run an rq worker (with the scheduler and the periodic sweeps) inside the app context."""
    if current_app.config["REDIS_URL"] is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inline and need no worker")
    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@jobs_cli.command("sweep")
def sweep_command() -> None:
    """Re-enqueue work whose job was lost (e.g. while Redis was down): classifications and photo publications."""
    count = requeue_stale()
    commit()
    click.echo(f"re-enqueued {count} job(s)")
