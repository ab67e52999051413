"""The deadline policy configured for this app."""

from __future__ import annotations

from flask import current_app

from portal.app_cache import per_app
from portal.deadlines.workdays import DeadlinePolicy


def _configured() -> DeadlinePolicy:
    config = current_app.config
    return DeadlinePolicy(
        acknowledge_days=config["ACKNOWLEDGE_DEADLINE_DAYS"],
        outcome_days=config["OUTCOME_DEADLINE_DAYS"],
        working_days=config["DEADLINES_IN_WORKING_DAYS"],
        holidays=frozenset(config["HOLIDAYS"]),
        makeup_workdays=frozenset(config["MAKEUP_WORKDAYS"]),
        bureau_reply_days=config["REPLY_DEADLINE_DAYS"],
    )


def deadline_policy() -> DeadlinePolicy:
    return per_app("deadline_policy", _configured)
