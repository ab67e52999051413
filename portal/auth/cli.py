"""``flask users create``: staff accounts."""

from __future__ import annotations

import secrets
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.auth.accounts import hash_password, sign_out_everywhere
from portal.extensions import db
from portal.models import Bureau, OversightBody, Role, StaffUser
from portal.unit_of_work import commit

users_cli = AppGroup("users", help="Manage staff accounts.")


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


@users_cli.command("sign-out")
@click.argument("username")
def sign_out_command(username: str) -> None:
    """End every session and revoke every API token of an account."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    revoked = sign_out_everywhere(user)
    commit()
    click.echo(f"signed out {username} everywhere ({revoked} token(s) revoked)")
