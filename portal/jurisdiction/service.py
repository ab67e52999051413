"""Looking up the jurisdiction: divisions to file in, and the bureau of a category in a division."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from portal.extensions import db
from portal.models import Division


def division_choices(locale: str, divisions: Sequence[Division] | None = None) -> list[tuple[str, str]]:
    """Divisions a complaint can be filed in, labelled with their parents (``A市 · A1区``); from ``divisions``
    when the caller has read them all already (their parents are then in the session too)."""
    if divisions is None:
        divisions = db.session.scalars(select(Division).order_by(Division.code)).all()
    choices = []
    for division in sorted(divisions, key=lambda division: division.code):
        names = [division.name(locale)]
        parent = division.parent
        while parent is not None and parent.parent is not None:  # the province is implied
            names.insert(0, parent.name(locale))
            parent = parent.parent
        choices.append((division.code, " · ".join(names)))
    return choices
