"""Complaints and their append-only events."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import PartyMembership
from portal.extensions import Model
from portal.models.jurisdiction import Bureau, Category, Division
from portal.models.types import UTCDateTime, str_enum, utcnow


class ComplaintStatus(enum.StrEnum):
    RECEIVED = "received"  # stored; classification pending
    TRIAGE = "triage"  # waiting for a human in the triage queue
    ROUTED = "routed"  # with a bureau, reply pending
    REPLIED = "replied"  # the bureau answered and may still act
    RESOLVED = "resolved"  # the bureau says it is done
    REOPENED = "reopened"  # the citizen contested the resolution


class RoutedBy(enum.StrEnum):
    MODEL = "model"
    STAFF = "staff"


class Complaint(Model):
    __tablename__ = "complaints"
    __table_args__ = (
        # The triage queue's unrouted complaints, oldest first.
        Index("ix_complaints_status_created_at", "status", "created_at"),
        # Open311's requests, newest first within a date window.
        Index("ix_complaints_created_at", "created_at", "id"),
        # The bureau desk: a bureau's complaints, earliest reply deadline first.
        Index("ix_complaints_bureau_due", "bureau_id", "reply_due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(24), unique=True)
    # HMAC-SHA-256 of the follow-up secret under the server key (older rows: a scrypt hash); the secret itself is
    # shown once on the receipt and never stored (portal.complaints.secret_digest).
    secret_hash: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # Name, phone and e-mail sealed together (portal.privacy.sealing), never in clear: only portal.privacy
    # writes or opens it (portal.privacy.contacts), and staff read it only through a logged reveal.
    contact_encrypted: Mapped[str | None] = mapped_column(Text)
    # The citizen asked to be told of every public change (portal.notifications); cleared by unsubscribing.
    notify: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    # Names of private persons and other passages staff hide from public views (the text itself is unchanged).
    redactions: Mapped[list[str]] = mapped_column(JSON, default=list)

    misconduct_alleged: Mapped[bool] = mapped_column(Boolean, default=False)
    accused_name: Mapped[str | None] = mapped_column(String(100))
    accused_unit: Mapped[str | None] = mapped_column(String(200))
    accused_party_member: Mapped[PartyMembership | None] = mapped_column(
        str_enum(PartyMembership, "party_membership")
    )

    status: Mapped[ComplaintStatus] = mapped_column(
        str_enum(ComplaintStatus, "complaint_status"), default=ComplaintStatus.RECEIVED
    )
    # The category an Open311 client chose (its service_code): a hint shown until the complaint is routed.
    # It routes nothing by itself: routing is by the model or by staff.
    requested_category_key: Mapped[str | None] = mapped_column(String(40))
    # A photo an Open311 client keeps elsewhere (its media_url): a reference shown with the request, never
    # fetched, so no part of the evidence checks applies to it.
    media_url: Mapped[str | None] = mapped_column(String(500))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"), index=True)
    routed_by: Mapped[RoutedBy | None] = mapped_column(str_enum(RoutedBy, "routed_by"))
    model_version: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Kept on the row (not only in events) so the accountability figures aggregate in one query.
    first_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The same problem as another complaint, its master (portal.duplicates): handled together with it, while it
    # keeps its own code, receipt and citizen. A master is never linked itself, so links are one step deep.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # What the public is shown of the complaint, sealed by the portal at each change (portal.record.seals): a
    # change made outside it, straight in the database, no longer matches and is refused publicly.
    seal: Mapped[str | None] = mapped_column(String(80))
    sealed_fields: ClassVar[tuple[str, ...]] = (
        "tracking_code",
        "title",
        "body",
        "address",
        "status",
        "division_id",
        "category_id",
        "bureau_id",
        "routed_at",
        "reply_due_at",
        "first_replied_at",
        "resolved_at",
        "misconduct_alleged",
        "anonymous",
        "redactions",
        "duplicate_of_id",
        "created_at",
    )

    division: Mapped[Division] = relationship()
    category: Mapped[Category | None] = relationship()
    bureau: Mapped[Bureau | None] = relationship()
    events: Mapped[list[Event]] = relationship(back_populates="complaint", order_by="Event.id")
    duplicate_of: Mapped[Complaint | None] = relationship(remote_side=[id], foreign_keys=[duplicate_of_id])
    # A second bureau the triage desk gave the complaint to as well, with its own reply round (or None).
    second_bureau: Mapped[SecondBureau | None] = relationship(
        back_populates="complaint", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def answering_bureau_ids(self) -> frozenset[int]:
        """The bureaus answering for the complaint: its bureau, and its second bureau if it has one."""
        ids = {self.bureau_id} if self.bureau_id is not None else set()
        if self.second_bureau is not None:
            ids.add(self.second_bureau.bureau_id)
        return frozenset(ids)

    @property
    def has_contact(self) -> bool:
        """Whether the citizen left any contact details (answered without opening them)."""
        return self.contact_encrypted is not None


class SecondBureau(Model):
    """A second bureau answering for a complaint beside its own (``Complaint.bureau``), in a round of its own.

    The triage desk assigns it when a complaint is about two bureaus' work. Its clock, reply and resolution are
    kept here as the complaint keeps its first bureau's, so the sweep and the figures hold each bureau to its own
    round; the complaint is resolved once both bureaus have resolved it (portal.complaints.second_bureau).
    """

    __tablename__ = "second_bureaus"
    __table_args__ = (
        # The bureau desk: the complaints a bureau answers as the second one, earliest reply deadline first.
        Index("ix_second_bureaus_bureau_due", "bureau_id", "reply_due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureaus.id"))
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Its public round, sealed at each change (portal.record.seals).
    seal: Mapped[str | None] = mapped_column(String(80))
    sealed_fields: ClassVar[tuple[str, ...]] = (
        "complaint_id",
        "bureau_id",
        "routed_at",
        "reply_due_at",
        "first_replied_at",
        "resolved_at",
    )

    complaint: Mapped[Complaint] = relationship(back_populates="second_bureau")
    bureau: Mapped[Bureau] = relationship()


class Event(Model):
    """One state change. Rows are only ever inserted: the public record is built from them."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # Who acted: "citizen", "system", "model:<version>" or "staff:<username>".
    actor: Mapped[str] = mapped_column(String(120))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The event's place in the tamper-evident record (portal.record): its leaf index, a random nonce that keeps
    # low-variety entries from being confirmed by guessing, and the leaf hash as appended.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    nonce: Mapped[str | None] = mapped_column(String(32))
    leaf_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    # A private event's entry in the public record is a commitment to it (SHA-256 of its full entry, which
    # holds the secret nonce), so entry bundles never publish what staff wrote privately. False for events
    # recorded before entries were sealed, and for public events.
    sealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    complaint: Mapped[Complaint | None] = relationship(back_populates="events")
