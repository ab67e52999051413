"""The demo jurisdiction (its codes are a contract the demo and tests rely on), loaded idempotently by ``flask seed demo``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select

from portal.categories import CATEGORIES
from portal.extensions import db
from portal.models import Bureau, Category, Division, DivisionLevel, OversightBody, Track


@dataclass(frozen=True)
class DemoDivision:
    code: str
    name_zh: str
    name_en: str
    level: DivisionLevel
    parent: str | None
    # An invented but plausible location, so evidence photos can be checked against the claimed place.
    latitude: float
    longitude: float
    radius_km: float


DEMO_DIVISIONS: tuple[DemoDivision, ...] = (
    DemoDivision("XD", "西地省", "Xidi Province", DivisionLevel.PROVINCE, None, 27.60, 111.70, 450.0),
    DemoDivision("XD-A", "A市", "City A", DivisionLevel.CITY, "XD", 28.20, 112.95, 60.0),
    DemoDivision("XD-A1", "A1区", "District A1", DivisionLevel.COUNTY, "XD-A", 28.23, 112.99, 15.0),
    DemoDivision("XD-A2", "A2区", "District A2", DivisionLevel.COUNTY, "XD-A", 28.14, 112.98, 15.0),
    DemoDivision("XD-A3", "A3区", "District A3", DivisionLevel.COUNTY, "XD-A", 28.19, 112.88, 20.0),
    DemoDivision("XD-B", "B市", "City B", DivisionLevel.CITY, "XD", 27.25, 111.45, 80.0),
    DemoDivision("XD-B1", "B1县", "County B1", DivisionLevel.COUNTY, "XD-B", 27.35, 111.30, 35.0),
    DemoDivision("XD-B2", "B2县", "County B2", DivisionLevel.COUNTY, "XD-B", 27.10, 111.62, 35.0),
)

T = TypeVar("T")

OVERSIGHT_NAMES = {
    Track.DISCIPLINE: ("纪律检查委员会", "Commission for Discipline Inspection"),
    Track.SUPERVISION: ("监察局", "Bureau of Supervision"),
}


def _upsert(model: type[T], key: dict[str, object], values: dict[str, object]) -> tuple[T, bool]:
    row = db.session.scalar(select(model).filter_by(**key))
    created = row is None
    if row is None:
        row = model(**key)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    return row, created


def seed_categories() -> dict[str, Category]:
    categories = {}
    for info in CATEGORIES:
        category, _ = _upsert(
            Category, {"key": info.key}, {"label_zh": info.label_zh, "label_en": info.label_en}
        )
        categories[info.key] = category
    return categories


def seed_demo() -> int:
    """Create or update the demo jurisdiction. Returns how many rows were new (0 on a second run)."""
    created = 0
    categories = seed_categories()
    divisions: dict[str, Division] = {}
    for demo in DEMO_DIVISIONS:
        division, new = _upsert(
            Division,
            {"code": demo.code},
            {
                "name_zh": demo.name_zh,
                "name_en": demo.name_en,
                "level": demo.level,
                "parent": divisions.get(demo.parent) if demo.parent else None,
                "latitude": demo.latitude,
                "longitude": demo.longitude,
                "radius_km": demo.radius_km,
            },
        )
        divisions[demo.code] = division
        created += new
    db.session.flush()
    for demo in DEMO_DIVISIONS:
        division = divisions[demo.code]
        for info in CATEGORIES:
            _, new = _upsert(
                Bureau,
                {"code": f"{demo.code}:{info.key}"},
                {
                    "name_zh": f"{demo.name_zh}{info.bureau_zh}",
                    "name_en": f"{demo.name_en} {info.bureau_en}",
                    "division": division,
                    "category": categories[info.key],
                },
            )
            created += new
        for track, (name_zh, name_en) in OVERSIGHT_NAMES.items():
            _, new = _upsert(
                OversightBody,
                {"code": f"{demo.code}:{track.value}"},
                {
                    "name_zh": f"{demo.name_zh}{name_zh}",
                    "name_en": f"{demo.name_en} {name_en}",
                    "division": division,
                    "track": track,
                },
            )
            created += new
    db.session.flush()
    return created
