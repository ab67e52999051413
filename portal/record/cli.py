"""``flask ledger verify`` and ``flask ledger sign``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.record import seals
from portal.record import store as record_store
from portal.unit_of_work import commit

ledger_cli = AppGroup("ledger", help="The tamper-evident public record.")


@ledger_cli.command("verify")
def verify_command() -> None:
    """Recompute every entry and every signed head, and check the seal of every complaint and case; exit 0 and
    print the head when all is intact."""
    result, event_ids = record_store.verify()
    broken = seals.broken_seals()
    if result.ok and not broken:
        click.echo(result.summary())
        click.echo(f"public key: {record_store.public_key()}")
        return
    if result.ok:
        click.echo(result.summary())
    else:
        where = ""
        if result.first_bad_entry is not None and result.first_bad_entry < len(event_ids):
            where = f" (entry {result.first_bad_entry}, event id {event_ids[result.first_bad_entry]})"
        click.echo(f"{result.summary()}{where}", err=True)
    for seal in broken:
        click.echo(f"FAILED: {seal.describe()}", err=True)
    raise SystemExit(1)


@ledger_cli.command("seal")
@click.option("--unsealed", is_flag=True, required=True, help="Seal the rows written before seals existed.")
def seal_command(unsealed: bool) -> None:  # noqa: ARG001 - the flag says what is done; there is nothing else
    """Seal complaints and cases that carry no seal yet (once, after upgrading to sealed rows)."""
    try:
        count = seals.seal_unsealed()
    except seals.SealsAlreadyInUse as refused:
        click.echo(f"refused: {refused}", err=True)
        raise SystemExit(1) from refused
    commit()
    click.echo(f"sealed {count} rows")


@ledger_cli.command("sign")
def sign_command() -> None:
    """Publish a signed tree head for the record as it stands now."""
    try:
        head = record_store.publish_head(force=True)
    except record_store.RecordDamaged as refused:
        click.echo(f"refused: {refused}", err=True)
        raise SystemExit(1) from refused
    commit()
    click.echo(
        "the record is empty"
        if head is None
        else f"signed head: size {head.size}, root {head.root_hash.hex()}"
    )
