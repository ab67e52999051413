"""Escalation's figures on ``/metrics`` (``Feature.metrics``), read when Prometheus scrapes."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select

from escalation.models import Case
from escalation.vocabulary import CaseState
from portal.extensions import db


def overdue_figures() -> Iterator[Metric]:
    """Cases an oversight body let pass their deadline and that are still unanswered (the sweep has opened a
    case one level up for each, except at the province)."""
    overdue = db.session.scalar(select(func.count(Case.id)).where(Case.state == CaseState.OVERDUE))
    yield GaugeMetricFamily(
        "fire_alarm_escalation_overdue_cases",
        "Escalation cases past their deadline and still unanswered (state overdue).",
        value=overdue or 0,
    )
