"""Reveals of complainants' contact details: who saw them, in which role, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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


class ContactUse(Model):
    """One time the portal itself used a complainant's contact details: to send them a notice they asked for.

    No person saw the details; the use is logged all the same (which channel, for which event, when), as every
    opening of the sealed details is. Rows are only ever inserted."""

    __tablename__ = "contact_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
