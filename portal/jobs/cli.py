"""``flask jobs worker``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.jobs.worker import run_worker


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
def worker_command(burst: bool) -> None:
    """Run an rq worker (with the scheduler and the periodic sweeps) inside the app context."""
    if current_app.config["REDIS_URL"] is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inline and need no worker")
    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
