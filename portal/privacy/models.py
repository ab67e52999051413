"""Reveals of complainants' contact details: who saw them, in which role, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import Role
from portal.extensions import Model
from portal.models.complaint import Complaint
from portal.models.staff import StaffUser
from portal.models.types import UTCDateTime, str_enum, utcnow


class ContactReveal(Model):
    """One time a staff member had a complaint's contact details shown. Rows are only ever inserted.

    The role is the one held at the time (accounts change roles); the citizen is told the role and the time,
    never the person or the reason."""

    __tablename__ = "contact_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "reveal_role"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    complaint: Mapped[Complaint] = relationship()
    staff: Mapped[StaffUser] = relationship()
