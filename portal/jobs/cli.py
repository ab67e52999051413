"""``flask jobs worker``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.jobs import MAIN, QUEUE_KINDS
from portal.jobs.worker import run_worker


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
@click.option(
    "--queue",
    "queues",
    type=click.Choice(QUEUE_KINDS),
    multiple=True,
    help="Which queue to serve: main (classification, sweeps) or media (photos, retraining). "
    "Repeat for both; default main.",
)
def worker_command(burst: bool, queues: tuple[str, ...]) -> None:
    """Run an rq worker (with the scheduler, and the periodic sweeps on main) inside the app context.

    SIGTERM or Ctrl-C stops it once the current job is done (a second one stops it at once)."""
    if current_app.config["REDIS_URL"] is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inline and need no worker")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_worker(app, burst=burst, queue_kinds=queues or (MAIN,))
