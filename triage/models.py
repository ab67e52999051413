"""What triage stores: the model's assessment of each complaint, and staff decisions as labelled examples."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import Track
from portal.extensions import Model
from portal.models import Complaint, StaffUser
from portal.models.types import UTCDateTime, str_enum, utcnow


class MisconductReview(enum.StrEnum):
    PENDING = "pending"  # flagged: a human must confirm or dismiss
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class Assessment(Model):
    """The classifier's view of one complaint, kept so staff see why it was (or was not) routed."""

    __tablename__ = "triage_assessments"
    __table_args__ = (
        # The triage queue's urgent half: flags awaiting review, oldest first (a small backlog in a large table).
        Index(
            "ix_triage_assessments_pending",
            "created_at",
            "id",
            postgresql_where=text("misconduct_review = 'pending'"),
            sqlite_where=text("misconduct_review = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    model_version: Mapped[str | None] = mapped_column(String(64))
    category_key: Mapped[str | None] = mapped_column(String(40))
    confidence: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    # [[category_key, probability], ...] best first, at most three
    top: Mapped[list[Any]] = mapped_column(JSON, default=list)
    auto_routed: Mapped[bool] = mapped_column(Boolean, default=False)
    misconduct_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    misconduct_track: Mapped[Track | None] = mapped_column(str_enum(Track, "misconduct_track"))
    misconduct_score: Mapped[float | None] = mapped_column(Float)
    misconduct_evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    misconduct_review: Mapped[MisconductReview | None] = mapped_column(
        str_enum(MisconductReview, "misconduct_review"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    complaint: Mapped[Complaint] = relationship()


class ExampleSource(enum.StrEnum):
    CONFIRMATION = "confirmation"  # staff agreed with the model
    CORRECTION = "correction"  # staff chose another category


class LabelledExample(Model):
    """A complaint with the category a human decided: training data for the next model."""

    __tablename__ = "triage_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category_key: Mapped[str] = mapped_column(String(40))
    source: Mapped[ExampleSource] = mapped_column(str_enum(ExampleSource, "example_source"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[StaffUser | None] = relationship()


class TrainingState(enum.StrEnum):
    QUEUED = "queued"  # asked for on the desk, waiting for a worker
    RUNNING = "running"
    FINISHED = "finished"  # the new model is active
    FAILED = "failed"


class TrainingRun(Model):
    """One retraining asked for on the triage desk: its state and progress, for the desk to show while it runs."""

    __tablename__ = "triage_training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[TrainingState] = mapped_column(
        str_enum(TrainingState, "training_state"), default=TrainingState.QUEUED
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last step the training reported (a line of its progress), and how far along it is, from 0 to 1.
    progress: Mapped[str | None] = mapped_column(String(200))
    fraction: Mapped[float] = mapped_column(Float, default=0.0)
    examples: Mapped[int | None] = mapped_column(Integer)
    model_version: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(200))

    requested_by: Mapped[StaffUser | None] = relationship()
