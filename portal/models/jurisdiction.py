"""Where complaints go: divisions, categories, bureaus and oversight bodies."""

from __future__ import annotations

import enum

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import Track, in_language
from portal.extensions import Model
from portal.models.types import str_enum


class DivisionLevel(enum.StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class BilingualName:
    """A Chinese and an English name, and the one to show in a locale."""

    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(160))

    def name(self, locale: str) -> str:
        return in_language(locale, self.name_zh, self.name_en)


class Division(BilingualName, Model):
    __tablename__ = "divisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    level: Mapped[DivisionLevel] = mapped_column(str_enum(DivisionLevel, "division_level"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"), index=True)
    # A representative point, used to check where evidence photos were taken.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    radius_km: Mapped[float | None] = mapped_column(Float)

    parent: Mapped[Division | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Division]] = relationship(back_populates="parent")
    bureaus: Mapped[list[Bureau]] = relationship(back_populates="division")


class Category(Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label_zh: Mapped[str] = mapped_column(String(40))
    label_en: Mapped[str] = mapped_column(String(80))

    def label(self, locale: str) -> str:
        return in_language(locale, self.label_zh, self.label_en)


class Bureau(BilingualName, Model):
    """A functional department of one division, handling one category. Code ``DIVISION:category_key``."""

    __tablename__ = "bureaus"
    __table_args__ = (UniqueConstraint("division_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)

    division: Mapped[Division] = relationship(back_populates="bureaus")
    category: Mapped[Category] = relationship()


class OversightBody(BilingualName, Model):
    """A division's 纪委 (``DIVISION:discipline``) or 监察局 (``DIVISION:supervision``)."""

    __tablename__ = "oversight_bodies"
    __table_args__ = (UniqueConstraint("division_id", "track"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"))
    track: Mapped[Track] = mapped_column(str_enum(Track, "track"))

    division: Mapped[Division] = relationship()
