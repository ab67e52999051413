"""The core models. Importing this package registers every core table with the metadata."""

from portal.models.complaint import Complaint, ComplaintStatus, Event, PartyMembership, RoutedBy
from portal.models.evidence import Photo
from portal.models.jurisdiction import Bureau, Category, Division, DivisionLevel, OversightBody, Track
from portal.models.ledger import LedgerState, SignedHead
from portal.models.open311 import Open311Key
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
    "LedgerState",
    "Open311Key",
    "OversightBody",
    "PartyMembership",
    "Photo",
    "Role",
    "RoutedBy",
    "SignedHead",
    "StaffUser",
    "Track",
    "utcnow",
]
