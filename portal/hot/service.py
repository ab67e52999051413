"""The hot issues of a window: complaints grouped by problem within each division (the place), ranked by heat."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select

from portal.complaints.likeness import vectorizer
from portal.complaints.similar import words_of
from portal.extensions import db
from portal.hot.engine import LINK_THRESHOLD, NEIGHBOURS, group_vectors, heat
from portal.models import Complaint, Division
from portal.models.types import utcnow
from portal.privacy.public_text import public_text
from portal.record import seals
from portal.refusals import N_, Refusal
from portal.support.service import supporters_by_id

DEFAULT_DAYS = 30
MAX_DAYS = 366
# A window bigger than this is grouped from its most recent complaints (10 000 take about ten seconds here).
MAX_COMPLAINTS = 10_000
KEYWORDS = 5


class BadWindow(Refusal):
    code = "bad_window"
    message = N_("The window is a whole number of days from 1 to 366.")
    default_field = "days"


@dataclass(frozen=True)
class HotIssue:
    key: str
    heat: float
    span_days: float
    members: list[Complaint]
    supporters: int
    representative: Complaint
    keywords: list[str]


def window_days(text: str | None) -> int:
    if text is None or text == "":
        return DEFAULT_DAYS
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise BadWindow(text[:16])
    return int(text)


def hot_issues(days: int, division_code: str | None = None, now: datetime | None = None) -> list[HotIssue]:
    """Groups of at least two complaints of one problem in one division filed in the last ``days``, hottest
    first."""
    since = (now or utcnow()) - timedelta(days=days)
    query = (
        select(Complaint)
        .where(Complaint.created_at >= since)
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(MAX_COMPLAINTS)
    )
    if division_code:
        query = query.join(Division, Complaint.division_id == Division.id).where(
            Division.code == division_code
        )
    by_division: dict[int, list[Complaint]] = defaultdict(list)
    for complaint in seals.shown(db.session.scalars(query).all()):
        by_division[complaint.division_id].append(complaint)
    found: list[tuple[list[Complaint], list[str], Complaint]] = []
    for complaints in by_division.values():
        if len(complaints) < 2:
            continue
        docs = [words_of(c.id, c.title, c.body) for c in complaints]
        fitted = vectorizer()
        matrix = fitted.fit_transform(docs)
        labels = group_vectors(matrix, threshold=LINK_THRESHOLD, neighbours=NEIGHBOURS)
        groups: dict[int, list[int]] = defaultdict(list)
        for index, label in enumerate(labels):
            groups[label].append(index)
        terms = fitted.get_feature_names_out()
        for indexes in groups.values():
            if len(indexes) < 2:
                continue
            part = matrix[indexes]
            centre = np.asarray(part.mean(axis=0)).ravel()
            nearest = indexes[int(np.argmax(part @ centre))]
            keywords = [str(terms[i]) for i in np.argsort(-centre, kind="stable")[:KEYWORDS] if centre[i] > 0]
            found.append(([complaints[i] for i in indexes], keywords, complaints[nearest]))
    support = supporters_by_id(c.id for members, _k, _r in found for c in members)
    issues = []
    for members, keywords, representative in found:
        members.sort(key=lambda c: (c.created_at, c.id))
        supporters = sum(support.get(c.id, 0) for c in members)
        hot = heat(len(members), supporters, members[0].created_at, members[-1].created_at, days)
        issues.append(
            HotIssue(
                key=members[0].tracking_code,
                heat=hot.value,
                span_days=hot.span_days,
                members=members,
                supporters=supporters,
                representative=representative,
                keywords=keywords,
            )
        )
    issues.sort(key=lambda issue: (-issue.heat, -len(issue.members), issue.key))
    return issues


def public_issue(issue: HotIssue, rank: int, locale: str) -> dict[str, object]:
    first, last = issue.members[0], issue.members[-1]
    division = first.division
    return {
        "id": f"H-{issue.key}",
        "rank": rank,
        "heat": issue.heat,
        "size": len(issue.members),
        "supporters": issue.supporters,
        "place": {"code": division.code, "name": division.name(locale)},
        "first_at": first.created_at.isoformat(),
        "last_at": last.created_at.isoformat(),
        "span_days": issue.span_days,
        "title": public_text(issue.representative, issue.representative.title, locale),
        "representative": issue.representative.tracking_code,
        "keywords": _public_keywords(issue, locale),
        "members": [c.tracking_code for c in issue.members],
    }


def _public_keywords(issue: HotIssue, locale: str) -> list[str]:
    """Keywords that a public, redacted text of the group shows too: never a name or number redaction hides."""
    shown = " ".join(public_text(c, f"{c.title} {c.body}", locale) for c in issue.members).lower()
    return [word for word in issue.keywords if word in shown and not any(ch.isdigit() for ch in word)]
