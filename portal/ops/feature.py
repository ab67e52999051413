"""Operations: ``/healthz``, ``/readyz``, ``/metrics``, and every request's id, log line and counters."""

from portal.features import Feature
from portal.ops.health import health_pages
from portal.ops.metrics import auto_route_figures, metrics_pages, queue_figures
from portal.ops.requests import request_hooks

FEATURE = Feature(
    name="ops",
    pages=(request_hooks, health_pages, metrics_pages),
    metrics=(queue_figures, auto_route_figures),
)
