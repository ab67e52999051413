"""Options the feature commands share."""

from __future__ import annotations

from datetime import UTC, datetime

import click


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use ISO-8601, e.g. 2026-12-01T09:00:00+08:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ``--now``: run a sweep as if it were this moment (the sweeps' tests and operators catching up both use it).
now_option = click.option(
    "--now", callback=_moment, help="Pretend it is this moment (ISO-8601; UTC if no offset)."
)
