"""Follow-up visits: one per resolution, answered once by the citizen or closed unanswered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.feedback.rules import Fixed, Satisfaction, VisitState
from portal.models.complaint import Complaint
from portal.models.jurisdiction import Bureau
from portal.models.types import UTCDateTime, str_enum, utcnow


class Visit(Model):
    __tablename__ = "feedback_visits"
    __table_args__ = (
        UniqueConstraint("complaint_id", "round"),
        Index("ix_feedback_visits_state_closes_at", "state", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    # The bureau whose resolution is being judged: the accountability figures count the answer for it.
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    state: Mapped[VisitState] = mapped_column(str_enum(VisitState, "visit_state"), default=VisitState.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fixed: Mapped[Fixed | None] = mapped_column(str_enum(Fixed, "feedback_fixed"))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(str_enum(Satisfaction, "feedback_satisfaction"))
    comment: Mapped[str | None] = mapped_column(Text)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)

    complaint: Mapped[Complaint] = relationship()
    bureau: Mapped[Bureau] = relationship()
