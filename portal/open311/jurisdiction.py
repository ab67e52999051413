"""``jurisdiction_id`` is a province code: the province and every division below it.

The spec requires the parameter only "if the endpoint serves multiple jurisdictions": with one province in the
database it is optional and means that province; with several it must be given.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.jurisdiction.service import division_choices
from portal.models import Division, DivisionLevel
from portal.open311.errors import Open311Error, not_found, not_provided

PARAMETER = "jurisdiction_id"


@dataclass(frozen=True)
class Jurisdiction:
    province: Division
    division_ids: frozenset[int]
    # (code, label) of every division in it, labelled as on the web form (``A市 · A1区``).
    division_choices: tuple[tuple[str, str], ...]

    def contains(self, division_id: int) -> bool:
        return division_id in self.division_ids


def _below(province: Division, divisions: list[Division]) -> frozenset[int]:
    # Follow parent links rather than code prefixes: codes are names, not structure.
    parent_of = {division.id: division.parent_id for division in divisions}
    inside = set()
    for division in divisions:
        node: int | None = division.id
        while node is not None and node != province.id:
            node = parent_of.get(node)
        if node == province.id:
            inside.add(division.id)
    return frozenset(inside)


def resolve(value: str | None, locale: str) -> Jurisdiction:
    """The jurisdiction named by ``value`` (empty means absent); raises :class:`Open311Error` 400 or 404."""
    divisions = list(db.session.scalars(select(Division)))
    provinces = [division for division in divisions if division.level is DivisionLevel.PROVINCE]
    code = (value or "").strip()
    if not code:
        if len(provinces) != 1:
            raise Open311Error(400, [not_provided(PARAMETER)])
        province = provinces[0]
    else:
        matches = [division for division in provinces if division.code == code]
        if not matches:
            raise Open311Error(404, [not_found(PARAMETER, code[:64])])
        province = matches[0]
    ids = _below(province, divisions)
    codes = {division.code for division in divisions if division.id in ids}
    choices = tuple((code, label) for code, label in division_choices(locale, divisions) if code in codes)
    return Jurisdiction(province, ids, choices)
