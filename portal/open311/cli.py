"""``flask open311 create-key NAME`` (contract) and ``flask open311 revoke-key NAME``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.open311.keys import KeyNameTaken, UnknownKey, issue_key, revoke_key
from portal.unit_of_work import commit

open311_cli = AppGroup("open311", help="Open311 GeoReport v2 API keys.")


@open311_cli.command("create-key")
@click.argument("name")
def create_key(name: str) -> None:
    """Issue an api_key for NAME (an app or partner). The key is printed once and stored only hashed."""
    if not name.strip() or len(name) > 64:
        raise click.ClickException("NAME must have 1 to 64 characters")
    try:
        key = issue_key(name)
    except KeyNameTaken as exc:
        raise click.ClickException(f"a key named {name!r} already exists") from exc
    commit()
    click.echo(f"created Open311 key {name}")
    click.echo(f"api_key (shown once): {key}")


@open311_cli.command("revoke-key")
@click.argument("name")
def revoke_key_command(name: str) -> None:
    """Stop accepting NAME's api_key. The record of the key stays."""
    try:
        revoke_key(name)
    except UnknownKey as exc:
        raise click.ClickException(f"no key named {name!r}") from exc
    commit()
    click.echo(f"revoked Open311 key {name}")
