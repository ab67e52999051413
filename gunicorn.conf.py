"""gunicorn's settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app` (what `make serve` runs).

Override any of them without editing this file through GUNICORN_CMD_ARGS, e.g.
`GUNICORN_CMD_ARGS="--bind 127.0.0.1:8000 --timeout 60"`.
"""

import os
from typing import Any

from prometheus_client import multiprocess

from portal.ops.logs import gunicorn_logconfig

# Sync workers answer one request at a time each, so they belong behind a buffering reverse proxy (nginx),
# which absorbs slow clients and slow uploads.
worker_class = "sync"
bind = [f"0.0.0.0:{os.environ.get('PORT') or '8000'}"]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's share)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# gunicorn's rule of thumb, 2 x cores + 1, capped: every worker holds the classifier and jieba's dictionary
# in memory, and the database has a connection pool per worker. WEB_CONCURRENCY sets the number outright.
MAX_DEFAULT_WORKERS = 8
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores() + 1, MAX_DEFAULT_WORKERS))

# A request that takes longer than this is killed (its worker restarted): the slow work (classification,
# photos, retraining) runs in jobs, not in requests.
timeout = 30
# On SIGTERM, requests in flight get this long to finish before their worker is killed.
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection from the proxy stays open
# Restart each worker after about a thousand requests, staggered, so slow leaks cannot accumulate.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files on tmpfs: on a container's overlay filesystem, disk writes can stall workers into timeouts.
TMPFS = "/dev/shm"  # noqa: S108 - gunicorn creates its heartbeat files there with mkstemp
if os.path.isdir(TMPFS):
    worker_tmp_dir = TMPFS
proc_name = "fire-alarm"

# The portal reads X-Forwarded-For/-Proto/-Host itself, counting TRUSTED_PROXIES hops (werkzeug's ProxyFix in
# portal/app.py): that one setting decides whom to believe. gunicorn must then believe no one, or it would
# apply the headers a second time by rules of its own (by default, anything from 127.0.0.1).
forwarded_allow_ips = ""

# Logs: gunicorn's own lines in the portal's format (LOG_FORMAT=json: one JSON object per line). The portal
# logs every request itself (request id, endpoint, status, duration), so gunicorn's access line is off unless
# GUNICORN_ACCESS_LOG=true; it never records the client's address either.
_log_format = (os.environ.get("LOG_FORMAT") or "").strip().lower() or None
_log_level = (os.environ.get("LOG_LEVEL") or "info").strip().lower()
_access_log = (os.environ.get("GUNICORN_ACCESS_LOG") or "").strip().lower() in {"1", "true", "yes", "on"}
loglevel = _log_level
errorlog = "-"
accesslog = "-" if _access_log else None
access_log_format = "%(m)s %(U)s %(s)s %(M)sms request_id=%({x-request-id}o)s"
logconfig_dict = gunicorn_logconfig(_log_format, _log_level.upper(), access_log=_access_log) or {}


def child_exit(_server: Any, worker: Any) -> None:
    """A worker is gone: drop its live gauges from the multiprocess metrics (its counters stay counted)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
