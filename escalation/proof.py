"""Did they really act? Per bureau: its fix photos and how they were checked, its replies flagged as form letters
or deflections, and the median quality of its replies (issue 17). Called by the accountability service; its own
module so the other accountability figures can change how they are counted without touching these.

Counted from the photos (one grouped query) and from the reply events' assessments (read in Python: the
assessment lives in the event's JSON payload, which SQLite and PostgreSQL query differently).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import ColumnElement, case, func, select

from escalation.charts import Bar, LegendItem, Segment, stacked_bars
from portal.evidence.models import Photo
from portal.extensions import db
from portal.models import Complaint, Event


@dataclass(frozen=True)
class ProofFigures:
    fix_photos: int  # every fix photo is checked
    fix_photos_without_location: int
    fix_photos_far: int
    fix_photos_reused: int
    fix_photos_passed: int  # at the place (with a location) and not a copy of an earlier photo
    replies: int
    replies_boilerplate: int
    replies_deflection: int
    replies_flagged: int  # boilerplate or deflection (a reply may be both)
    median_reply_quality: float | None  # 0-100; None before any assessed reply
    far_not_reused: int = 0  # for the chart, whose parts must not overlap; not a public figure of its own

    def as_dict(self) -> dict[str, Any]:
        figures = asdict(self)
        del figures["far_not_reused"]
        return figures


EMPTY = ProofFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, None)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def proof_figures(complaint_conditions: Sequence[ColumnElement[bool]]) -> dict[int, ProofFigures]:
    """Figures per bureau id, over the complaints that match ``complaint_conditions`` (the board's filters)."""
    photo_rows = db.session.execute(
        select(
            Complaint.bureau_id,
            func.count(Photo.id),
            _count(Photo.fix_location == "missing"),
            _count(Photo.fix_location == "far"),
            _count(Photo.reused_photo_id.is_not(None)),
            _count((Photo.fix_location == "ok") & Photo.reused_photo_id.is_(None)),
            _count((Photo.fix_location == "far") & Photo.reused_photo_id.is_(None)),
        )
        .join(Complaint, Photo.complaint_id == Complaint.id)
        .where(Photo.reply_event_id.is_not(None), Complaint.bureau_id.is_not(None), *complaint_conditions)
        .group_by(Complaint.bureau_id)
    ).all()
    photos = {row[0]: [int(value or 0) for value in row[1:]] for row in photo_rows}
    replies: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for bureau_id, payload in db.session.execute(
        select(Complaint.bureau_id, Event.payload)
        .join(Complaint, Event.complaint_id == Complaint.id)
        .where(Event.kind == "bureau_replied", Complaint.bureau_id.is_not(None), *complaint_conditions)
    ):
        quality = payload.get("quality") if isinstance(payload, dict) else None
        if isinstance(quality, dict):
            replies[bureau_id].append(quality)
    figures: dict[int, ProofFigures] = {}
    for bureau_id in photos.keys() | replies.keys():
        checked, missing, far, reused, passed, far_not_reused = photos.get(bureau_id, [0] * 6)
        assessed = replies.get(bureau_id, [])
        scores = [q["score"] for q in assessed if isinstance(q.get("score"), int | float)]
        figures[bureau_id] = ProofFigures(
            fix_photos=checked,
            fix_photos_without_location=missing,
            fix_photos_far=far,
            fix_photos_reused=reused,
            fix_photos_passed=passed,
            replies=len(assessed),
            replies_boilerplate=sum(bool(q.get("boilerplate")) for q in assessed),
            replies_deflection=sum(bool(q.get("deflection")) for q in assessed),
            replies_flagged=sum(bool(q.get("boilerplate") or q.get("deflection")) for q in assessed),
            median_reply_quality=float(statistics.median(scores)) if scores else None,
            far_not_reused=far_not_reused,
        )
    return figures


GREEN, RED, AMBER, GREY = "#1e6b3a", "#b3261e", "#8a5a00", "#b8b8c2"


def proof_charts(rows: Sequence[tuple[str, ProofFigures]]) -> Mapping[str, Markup]:
    """Two charts: fix photos by what their checks found, replies by their flags (each item in one part)."""
    with_photos = [(name, p) for name, p in rows if p.fix_photos]
    with_replies = [(name, p) for name, p in rows if p.replies]
    photos = stacked_bars(
        [
            Bar(
                name,
                [
                    Segment(p.fix_photos_reused, RED, _("Reused picture")),
                    Segment(p.far_not_reused, AMBER, _("Far from the place")),
                    Segment(
                        p.fix_photos - p.fix_photos_reused - p.far_not_reused - p.fix_photos_passed,
                        GREY,
                        _("No location"),
                    ),
                    Segment(p.fix_photos_passed, GREEN, _("At the place, not reused")),
                ],
            )
            for name, p in with_photos
        ],
        [
            LegendItem(RED, _("Reused picture")),
            LegendItem(AMBER, _("Far from the place")),
            LegendItem(GREY, _("No location")),
            LegendItem(GREEN, _("At the place, not reused")),
        ],
        title=_("Bureaus: fix photos and their checks"),
    )
    replies = stacked_bars(
        [
            Bar(
                name,
                [
                    Segment(p.replies_deflection, RED, _("Deflection")),
                    Segment(p.replies_flagged - p.replies_deflection, AMBER, _("Form letter")),
                    Segment(p.replies - p.replies_flagged, GREEN, _("Not flagged")),
                ],
            )
            for name, p in with_replies
        ],
        [
            LegendItem(RED, _("Deflection")),
            LegendItem(AMBER, _("Form letter")),
            LegendItem(GREEN, _("Not flagged")),
        ],
        title=_("Bureaus: replies flagged"),
    )
    return {
        "photos": Markup(photos) if with_photos else Markup(""),  # noqa: S704 - built from escaped parts
        "replies": Markup(replies) if with_replies else Markup(""),  # noqa: S704 - built from escaped parts
    }
