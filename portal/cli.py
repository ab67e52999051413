"""Portal commands: ``flask seed demo``, ``flask users create``, ``flask jobs worker|sweep``."""

from __future__ import annotations

import secrets
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal import jobs
from portal.auth import hash_password
from portal.extensions import db
from portal.intake.service import requeue_stale
from portal.ledger_cli import ledger_cli
from portal.models import Bureau, OversightBody, Role, StaffUser
from portal.seed import seed_demo
from portal.unit_of_work import commit

seed_cli = AppGroup("seed", help="Load reference data.")
users_cli = AppGroup("users", help="Manage staff accounts.")
jobs_cli = AppGroup("jobs", help="Background jobs.")


@seed_cli.command("demo")
def seed_demo_command() -> None:
    """Load the demo jurisdiction (西地省 and its cities and counties). Safe to run again."""
    created = seed_demo()
    commit()
    click.echo(f"demo jurisdiction ready ({created} new rows)")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--body", "body_code", help="Oversight body code for liaison officers, e.g. XD-A1:discipline.")
@click.option("--bureau", "bureau_code", help="Bureau code for bureau officers, e.g. XD-A1:environment.")
def create_user(username: str, role: str, body_code: str | None, bureau_code: str | None) -> None:
    """Create a staff account. The password is read from stdin, or generated and printed once."""
    if db.session.scalar(select(StaffUser).where(StaffUser.username == username)) is not None:
        raise click.ClickException(f"user {username!r} already exists")
    staff_role = Role(role)
    body = _lookup(OversightBody, body_code, "--body") if body_code else None
    bureau = _lookup(Bureau, bureau_code, "--bureau") if bureau_code else None
    if (staff_role is Role.LIAISON) != (body is not None):
        raise click.ClickException("--body is for liaison officers, and every liaison officer needs one")
    if (staff_role is Role.BUREAU) != (bureau is not None):
        raise click.ClickException("--bureau is for bureau officers, and every bureau officer needs one")
    password = "" if sys.stdin.isatty() else sys.stdin.readline().strip()
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    elif len(password) < 10:
        raise click.ClickException("passwords must have at least 10 characters")
    db.session.add(
        StaffUser(
            username=username,
            password_hash=hash_password(password),
            role=staff_role,
            oversight_body=body,
            bureau=bureau,
        )
    )
    commit()
    click.echo(f"created {staff_role.value} user {username}")
    if generated:
        click.echo(f"password (shown once): {password}")


def _lookup(model: type[OversightBody] | type[Bureau], code: str, option: str) -> object:
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        raise click.ClickException(f"{option}: no such code {code!r}")
    return row


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
def worker_command(burst: bool) -> None:
    """Run an rq worker (with the scheduler and the periodic sweeps) inside the app context."""
    if current_app.config["REDIS_URL"] is None:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inline and need no worker")
    jobs.run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@jobs_cli.command("sweep")
def sweep_command() -> None:
    """Re-enqueue work whose job was lost (e.g. while Redis was down): classifications and photo publications."""
    count = requeue_stale()
    commit()
    click.echo(f"re-enqueued {count} job(s)")


def init_app(app: Flask) -> None:
    for group in (seed_cli, users_cli, jobs_cli, ledger_cli):
        app.cli.add_command(group)
