"""Escalation cases: one allegation or missed deadline, placed with one oversight body at one level."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from escalation.vocabulary import CaseKind, CaseState, Outcome
from portal.domain import Track
from portal.extensions import Model
from portal.models import Complaint, OversightBody
from portal.models.types import UTCDateTime, str_enum, utcnow


class Case(Model):
    __tablename__ = "escalation_cases"
    __table_args__ = (
        Index("ix_escalation_cases_state_due_at", "state", "due_at"),
        # The liaison desk: a body's cases, nearest deadline first (ascending puts NULLs last, as the desk does).
        Index("ix_escalation_cases_body_due", "body_id", "due_at", "id"),
        # The sweep: only cases with a pending deadline (answered and overdue ones have none), by deadline.
        Index(
            "ix_escalation_cases_due",
            "due_at",
            "id",
            postgresql_where=text("due_at IS NOT NULL"),
            sqlite_where=text("due_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("oversight_bodies.id"), index=True)
    track: Mapped[Track] = mapped_column(str_enum(Track, "case_track"))
    kind: Mapped[CaseKind] = mapped_column(str_enum(CaseKind, "case_kind"))
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState, "case_state"), default=CaseState.OPEN)
    reason: Mapped[str | None] = mapped_column(Text)
    accused_name: Mapped[str | None] = mapped_column(String(100))
    accused_unit: Mapped[str | None] = mapped_column(String(200))
    # A bureau or oversight body code when the accused unit is one of ours: it must never handle the case.
    accused_unit_code: Mapped[str | None] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_cases.id"))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The deadline of the current step; None once answered or overdue.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "case_outcome"))
    # The decline reason, or what was done for an "other" outcome, or a note.
    answer: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # The case's public state and outcome, sealed at each change (portal.record.seals).
    seal: Mapped[str | None] = mapped_column(String(80))
    sealed_fields: ClassVar[tuple[str, ...]] = (
        "complaint_id",
        "body_id",
        "track",
        "kind",
        "state",
        "reason",
        "parent_id",
        "escalated",
        "opened_at",
        "due_at",
        "overdue_at",
        "closed_at",
        "outcome",
        "answer",
        "late",
    )

    complaint: Mapped[Complaint] = relationship()
    body: Mapped[OversightBody] = relationship()
    parent: Mapped[Case | None] = relationship(remote_side=[id])


class RetaliationCheckIn(Model):
    """A question put to the person who reported misconduct, some days after the case closed: have you faced
    retaliation? Asked by the sweep once due (``asked_at``), answered once with the follow-up secret."""

    __tablename__ = "retaliation_checkins"
    __table_args__ = (Index("ix_retaliation_checkins_asked_at_due_at", "asked_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("escalation_cases.id"))
    days_after: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retaliated: Mapped[bool | None] = mapped_column(Boolean)
    # The case a "yes" opened one level up.
    new_case_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_cases.id"))

    complaint: Mapped[Complaint] = relationship()
    case: Mapped[Case] = relationship(foreign_keys=[case_id])


class AccountabilityRow(Model):
    """One unit's accountability figures over all time, as the refresh job last counted them.

    The board reads these instead of aggregating the complaints and cases on every request, so its cost is
    the number of units, not of complaints (escalation.accountability.refresh_figures)."""

    __tablename__ = "accountability_rows"

    unit_kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # "bureau" or "body"
    unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    counts: Mapped[list[int]] = mapped_column(JSON)  # the six counts, in the figures' order
    median_days: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
