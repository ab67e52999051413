"""Domain vocabulary shared by every package (pure: no Flask, no database)."""

from __future__ import annotations

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
