"""``/metrics`` for Prometheus: the HTTP counters, plus figures read when it is scraped.

Figures come from the features that own them (``Feature.metrics``): the queues and the auto-routing rate here,
overdue cases from escalation. Each is read at scrape time, so it is true at that moment whichever process
answers the scrape.

Under gunicorn (``make serve``), ``PROMETHEUS_MULTIPROC_DIR`` puts prometheus_client in multiprocess mode: every
worker writes its counters to files there and the worker answering the scrape adds them all up. Without it
(tests, ``make run``) the counters live in the app's own registry.

Who may read it: the loopback and private networks, directly (not through a proxy: a request carrying
``X-Forwarded-For``, ``X-Real-IP`` or ``Forwarded`` came from wherever the proxy listens, perhaps the internet);
anyone sending ``Authorization: Bearer <METRICS_TOKEN>``; everyone with ``METRICS_PUBLIC=true``. Everyone else
gets the ordinary 404 page: the figures say how busy the portal is and how much is waiting, which is an
attacker's dashboard, and the public has the accountability board for what it should see.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable, Iterator
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.features import MetricsSource, installed
from portal.models import Complaint, ComplaintStatus, RoutedBy
from portal.models.types import utcnow
from portal.ops.requests import http_metrics

log = logging.getLogger(__name__)

metrics_pages = Blueprint("ops_metrics", __name__)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
FORWARDING_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")
AUTO_ROUTE_WINDOW = timedelta(hours=24)
# A scrape must not hang on a dead Redis: Prometheus times out at 10 s by default, and the rest is still news.
_REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


def queue_figures() -> Iterator[Metric]:
    """Depth and failed jobs of each rq queue (main and media), and whether Redis answered.

    Without REDIS_URL nothing is queued (jobs run inline): depth 0, up 0. With Redis unreachable, up 0 and no
    depth at all: the backlog is unknown, not empty."""
    config = current_app.config
    names = (config["JOBS_QUEUE"], config["JOBS_MEDIA_QUEUE"])
    up = GaugeMetricFamily("fire_alarm_queue_up", "1 if the job queue's Redis answered this scrape, else 0.")
    depth = GaugeMetricFamily("fire_alarm_queue_depth", "Jobs waiting in each rq queue.", labels=("queue",))
    failed = GaugeMetricFamily(
        "fire_alarm_queue_failed_jobs",
        "Jobs in each rq queue's failed registry (kept for inspection; the sweep retries their work).",
        labels=("queue",),
    )
    url = config["REDIS_URL"]
    if url is None:
        up.add_metric((), 0)
        for name in names:
            depth.add_metric((name,), 0)
            failed.add_metric((name,), 0)
        yield from (up, depth, failed)
        return
    connection = Redis.from_url(url, **_REDIS_TIMEOUTS)
    try:
        counts = []
        for name in names:
            queue = Queue(name, connection=connection)
            # No cleanup: a scrape only reads.
            counts.append((name, queue.count, queue.failed_job_registry.get_job_count(cleanup=False)))
    except RedisError as exc:
        log.warning("metrics: Redis unreachable (%s); queue depths left out", type(exc).__name__)
        up.add_metric((), 0)
        yield up
        return
    finally:
        connection.close()
    up.add_metric((), 1)
    for name, waiting, failures in counts:
        depth.add_metric((name,), waiting)
        failed.add_metric((name,), failures)
    yield from (up, depth, failed)


def auto_route_figures() -> Iterator[Metric]:
    """How much the classifier routes on its own: among the complaints filed in the last 24 h that have been
    classified (no longer waiting as 'received'), the share the model routed (``complaints.routed_by``).
    A falling ratio means more work for the triage desk (a weaker model, or a new kind of complaint)."""
    since = utcnow() - AUTO_ROUTE_WINDOW
    classified, by_model = db.session.execute(
        select(
            func.count(Complaint.id),
            func.count(Complaint.id).filter(Complaint.routed_by == RoutedBy.MODEL),
        ).where(Complaint.created_at >= since, Complaint.status != ComplaintStatus.RECEIVED)
    ).one()
    yield GaugeMetricFamily(
        "fire_alarm_complaints_classified_24h",
        "Complaints filed in the last 24 h that have been classified.",
        value=classified,
    )
    yield GaugeMetricFamily(
        "fire_alarm_complaints_auto_routed_24h",
        "Complaints filed in the last 24 h that the model routed to a bureau by itself.",
        value=by_model,
    )
    yield GaugeMetricFamily(
        "fire_alarm_auto_route_ratio",
        "Share of the complaints classified in the last 24 h that the model routed (NaN when none were).",
        value=by_model / classified if classified else float("nan"),
    )


class Scrape:
    """What one scrape reports: the HTTP counters, then every installed feature's figures."""

    def __init__(self, sources: Iterable[MetricsSource]) -> None:
        self.sources = tuple(sources)

    def collect(self) -> Iterator[Metric]:
        if os.environ.get(MULTIPROCESS_ENV):
            yield from MultiProcessCollector(None).collect()
        else:
            yield from http_metrics().registry.collect()
        for source in self.sources:
            try:
                # Read whole before yielding: a source that fails half-way must leave nothing half-written.
                figures = list(source())
            except SQLAlchemyError as exc:
                db.session.rollback()
                log.warning(
                    "metrics: %s left out, database unavailable (%s)",
                    getattr(source, "__qualname__", source),
                    type(exc).__name__,
                )
                continue
            yield from figures


def _from_private_network() -> bool:
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_private


def _has_token() -> bool:
    token: str | None = current_app.config["METRICS_TOKEN"]
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.encode(), str(token).encode())
    )


def may_scrape() -> bool:
    return bool(current_app.config["METRICS_PUBLIC"]) or _has_token() or _from_private_network()


@metrics_pages.get("/metrics")
def metrics() -> Response:
    if not may_scrape():
        abort(404)
    # The exposition format the scraper asks for (OpenMetrics or Prometheus text).
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    body = encode(Scrape(installed().metrics))
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
