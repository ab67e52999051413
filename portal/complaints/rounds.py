"""Reply rounds: each routing and each contest starts a round in which the bureau owes one answer.

A round has its own deadline, and the bureau's figures count the round's answer only: a reply from an earlier
round is not the answer to this one, and missing this round's deadline opens an inaction case of its own.
"""

from __future__ import annotations

from datetime import datetime

from portal.deadlines.policy import deadline_policy
from portal.models import Complaint


def start_reply_round(complaint: Complaint, now: datetime) -> datetime:
    """Start the round at ``now``; returns its reply deadline.

    A complaint with a second bureau starts a new round for it too, with the same full reply period: a contest
    or a failed follow-up asks both bureaus again (routing then replaces or withdraws the second bureau)."""
    policy = deadline_policy()
    complaint.routed_at = now
    complaint.first_replied_at = None
    complaint.resolved_at = None
    complaint.reply_due_at = due = policy.due(now, policy.bureau_reply_days)
    second = complaint.second_bureau
    if second is not None:
        second.routed_at = now
        second.reply_due_at = due
        second.first_replied_at = None
        second.resolved_at = None
    return due
