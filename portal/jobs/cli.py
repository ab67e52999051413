"""``flask jobs worker``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.jobs.worker import run_worker

# Which queue a worker serves, by its role; the queue names themselves are settings.
QUEUE_SETTINGS = {"main": "JOBS_QUEUE", "media": "JOBS_MEDIA_QUEUE"}


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
@click.option(
    "--queue",
    "queue_role",
    type=click.Choice(tuple(QUEUE_SETTINGS)),
    default="main",
    show_default=True,
    help="The queue to serve: main (classification, sweeps, retraining) or media (photos).",
)
def worker_command(burst: bool, queue_role: str) -> None:
    """Run an rq worker (with the scheduler and, on the main queue, the periodic sweeps) inside the app context.

    SIGTERM or Ctrl-C stops it once the current job is done (a second one stops it at once)."""
    if current_app.config["REDIS_URL"] is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inline and need no worker")
    queue_name = current_app.config[QUEUE_SETTINGS[queue_role]]
    run_worker(current_app._get_current_object(), burst=burst, queue_names=(queue_name,))  # type: ignore[attr-defined]
