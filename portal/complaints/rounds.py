"""Reply rounds: each routing and each contest starts a round in which the bureau owes one answer.

A round has its own deadline, and the bureau's figures count the round's answer only: a reply from an earlier
round is not the answer to this one, and missing this round's deadline opens an inaction case of its own.
"""

from __future__ import annotations

from datetime import datetime

from portal.deadlines.policy import deadline_policy
from portal.models import Complaint


def start_reply_round(complaint: Complaint, now: datetime) -> datetime:
    """Start the round at ``now``; returns its reply deadline."""
    policy = deadline_policy()
    complaint.routed_at = now
    complaint.first_replied_at = None
    complaint.resolved_at = None
    complaint.reply_due_at = due = policy.due(now, policy.bureau_reply_days)
    return due
