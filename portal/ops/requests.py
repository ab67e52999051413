"""Every request: its id (echoed in ``X-Request-ID``), one log line, and the HTTP metrics.

Labels are the endpoint's name (``complaints_api.show``), never the raw path: a path carries tracking codes
and whatever a scanner tries, and every distinct label value is a time series Prometheus keeps forever.
Methods outside HTTP's standard set are counted as ``other`` for the same reason.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, request, request_started
from flask.blueprints import BlueprintSetupState
from prometheus_client import CollectorRegistry, Counter, Histogram

from portal.ops.request_ids import REQUEST_ID_HEADER, request_id

log = logging.getLogger("portal.request")

METRICS_KEY = "fire_alarm.http_metrics"
UNMATCHED = "unmatched"  # no route: 404 and 405 from routing, whatever the path
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Probes and scrapes arrive every few seconds: logged at DEBUG, so the INFO log is about citizens and staff.
QUIET_ENDPOINTS = frozenset({"health.healthz", "health.readyz", "ops_metrics.metrics"})
_STARTED_KEY = "fire_alarm.request_started"

request_hooks = Blueprint("ops_requests", __name__)


@dataclass(frozen=True)
class HttpMetrics:
    """One app's request counters. In gunicorn's multiprocess mode their values live in files that every
    worker writes and the scraping worker reads (``portal.ops.metrics``); otherwise in ``registry``."""

    registry: CollectorRegistry
    requests: Counter
    duration: Histogram


def new_http_metrics() -> HttpMetrics:
    registry = CollectorRegistry()
    return HttpMetrics(
        registry=registry,
        requests=Counter(
            "fire_alarm_http_requests",
            "HTTP requests answered, by endpoint name, method and status.",
            ("endpoint", "method", "status"),
            registry=registry,
        ),
        duration=Histogram(
            "fire_alarm_http_request_duration_seconds",
            "Time to answer an HTTP request, by endpoint name and method.",
            ("endpoint", "method"),
            registry=registry,
        ),
    )


def http_metrics(app: Flask | None = None) -> HttpMetrics:
    found: HttpMetrics = (app or current_app).extensions[METRICS_KEY]
    return found


def endpoint_label() -> str:
    return request.url_rule.endpoint if request.url_rule is not None else UNMATCHED


def method_label() -> str:
    return request.method if request.method in METHODS else "other"


def _started(_sender: Flask, **_extra: object) -> None:
    # request_started comes before every before_request function, so a request refused by one (a NUL in a
    # parameter) is still timed.
    request.environ[_STARTED_KEY] = time.perf_counter()


@request_hooks.record_once
def _install(state: BlueprintSetupState) -> None:
    state.app.extensions[METRICS_KEY] = new_http_metrics()
    request_started.connect(_started, state.app, weak=False)


@request_hooks.after_app_request
def _finish(response: Response) -> Response:
    started = request.environ.get(_STARTED_KEY)
    seconds = time.perf_counter() - started if started is not None else 0.0
    endpoint, method = endpoint_label(), method_label()
    metrics = http_metrics()
    metrics.requests.labels(endpoint, method, str(response.status_code)).inc()
    metrics.duration.labels(endpoint, method).observe(seconds)
    response.headers[REQUEST_ID_HEADER] = request_id()
    log.log(
        logging.DEBUG if endpoint in QUIET_ENDPOINTS else logging.INFO,
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,  # without the query string, which may carry what only its sender may read
            "endpoint": endpoint,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    return response
