"""The deadline policy configured for this app."""

from __future__ import annotations

from flask import current_app

from portal.deadlines.workdays import DeadlinePolicy

EXTENSION_KEY = "fire_alarm.deadline_policy"


def deadline_policy() -> DeadlinePolicy:
    policy = current_app.extensions.get(EXTENSION_KEY)
    if policy is None:
        config = current_app.config
        policy = DeadlinePolicy(
            acknowledge_days=config["ACKNOWLEDGE_DEADLINE_DAYS"],
            outcome_days=config["OUTCOME_DEADLINE_DAYS"],
            working_days=config["DEADLINES_IN_WORKING_DAYS"],
            holidays=frozenset(config["HOLIDAYS"]),
            makeup_workdays=frozenset(config["MAKEUP_WORKDAYS"]),
            bureau_reply_days=config["REPLY_DEADLINE_DAYS"],
        )
        current_app.extensions[EXTENSION_KEY] = policy
    return policy
