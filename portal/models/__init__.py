"""The core tables every feature reads: the jurisdiction, complaints and their events, staff accounts.

A feature's own tables live in its package (``portal.evidence.models``, ``portal.record.models``, ...); the
factory imports every installed feature's models before the metadata is used.
"""

from portal.models.complaint import (
    Complaint,
    ComplaintStatus,
    Event,
    PartyMembership,
    RoutedBy,
    SecondBureau,
)
from portal.models.jurisdiction import Bureau, Category, Division, DivisionLevel, OversightBody, Track
from portal.models.staff import ApiToken, Role, StaffUser
from portal.models.types import utcnow

__all__ = [
    "ApiToken",
    "Bureau",
    "Category",
    "Complaint",
    "ComplaintStatus",
    "Division",
    "DivisionLevel",
    "Event",
    "OversightBody",
    "PartyMembership",
    "Role",
    "RoutedBy",
    "SecondBureau",
    "StaffUser",
    "Track",
    "utcnow",
]
