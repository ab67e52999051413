"""``flask contacts rotate-key``, ``retire-keys`` and ``generate-key``: the keys sealing contact details.

Rotating: ``rotate-key`` puts a new key first in the key file and reseals every row under it; the older keys
stay, so every process can still open every row while it runs (and if it fails half-way, nothing changed).
Retiring: ``retire-keys`` then removes the older keys, once no row needs them. With CONTACT_KEYS, the operator
keeps the keys: ``generate-key`` prints a new one to put first in CONTACT_KEYS (and restart), ``rotate-key``
reseals under it, and ``retire-keys`` says when the older ones may be removed from CONTACT_KEYS.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.privacy.contacts import keys_from_environment, retire_old_keys, rotate_key
from portal.privacy.sealing import new_key
from portal.unit_of_work import commit

contacts_cli = AppGroup("contacts", help="The keys that seal complainants' contact details.")


def _where() -> str:
    return "CONTACT_KEYS" if keys_from_environment() else current_app.config["CONTACT_KEY_FILE"]


@contacts_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Reseal every row's contact details under a new key (the newest of CONTACT_KEYS, if that is set)."""
    rotation = rotate_key()
    commit()
    if rotation.generated:
        click.echo(f"added a new key to {_where()} (newest first)")
    else:
        click.echo(
            "CONTACT_KEYS is set: resealed under its first key (add a new one first with generate-key)"
        )
    click.echo(f"resealed {rotation.resealed} rows under the newest key")
    if rotation.keys > 1:
        click.echo(
            f"{rotation.keys - 1} older key(s) stay readable until `flask contacts retire-keys` removes them "
            "(with CONTACT_KEYS: once every process runs with the new key)"
        )


@contacts_cli.command("retire-keys")
def retire_keys_command() -> None:
    """Remove every key but the newest, once no row needs an older one."""
    retirement = retire_old_keys()
    if retirement.still_needed:
        raise click.ClickException(
            f"{retirement.still_needed} rows are still sealed under an older key: run "
            "`flask contacts rotate-key` first; no key was retired"
        )
    if not retirement.retired:
        click.echo("only one key: nothing to retire")
    elif keys_from_environment():
        click.echo(
            f"every row is sealed under the newest key: remove the other {retirement.retired} key(s) "
            "from CONTACT_KEYS (keep the first)"
        )
    else:
        click.echo(f"retired {retirement.retired} older key(s) from {_where()}")


@contacts_cli.command("generate-key")
def generate_key_command() -> None:
    """Print a new key, to put first in CONTACT_KEYS before `rotate-key` (the key file needs none of this)."""
    click.echo(new_key())
