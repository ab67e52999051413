"""Domain vocabulary shared by every package (pure: no Flask, no database)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Track(StrEnum):
    """The two oversight tracks."""

    DISCIPLINE = "discipline"  # 纪律检查委员会: Party members and cadres
    SUPERVISION = "supervision"  # 监察局: administrative staff, administrative inaction


class PartyMembership(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Role(StrEnum):
    TRIAGE = "triage"  # routes complaints the model was unsure about
    LIAISON = "liaison"  # officer of one oversight body
    BUREAU = "bureau"  # officer of one bureau: replies to its complaints
    ADMIN = "admin"


@dataclass(frozen=True)
class Allegation:
    """What a citizen says about the official they accuse of misconduct."""

    accused_name: str | None = None
    accused_unit: str | None = None
    party_member: PartyMembership = PartyMembership.UNKNOWN


def is_english(locale: str) -> bool:
    """English for 'en', 'en_GB' or 'en-US'; every other locale reads Chinese."""
    return locale.lower() == "en" or locale.lower().startswith(("en_", "en-"))


def in_language(locale: str, zh: str, en: str) -> str:
    """The one of a Chinese and an English text that a reader in ``locale`` reads."""
    return en if is_english(locale) else zh
