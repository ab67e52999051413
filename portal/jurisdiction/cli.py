"""``flask seed demo``: the demo jurisdiction."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.jurisdiction.demo import seed_demo
from portal.unit_of_work import commit


@click.command("demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo jurisdiction (西地省 and its cities and counties). Safe to run again."""
    created = seed_demo()
    commit()
    click.echo(f"demo jurisdiction ready ({created} new rows)")
