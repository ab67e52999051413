"""Background jobs: one way to enqueue, by name, with ids.

With ``REDIS_URL`` set, jobs go to an rq queue served by ``flask jobs worker``. Without it (the embedded default)
they run inline right after the commit that asked for them. Either way a job is only dispatched once the
transaction that created its subject has committed: :func:`portal.unit_of_work.commit` calls
:func:`dispatch_pending`. If Redis is unreachable the work is not lost: the data is committed and a periodic
sweep re-enqueues whatever is still unprocessed.

Jobs take ids, reload what they need, and are idempotent, so a retry or a duplicate from the sweep is harmless.
Each job names its queue: ``main`` for the quick work citizens wait on (classification, sweeps), ``media`` for
slow work (photos, retraining), served by workers of its own so that nothing quick ever waits behind it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db

log = logging.getLogger(__name__)

JobArg = int | str
Handler = Callable[..., object]  # what a job returns is ignored
EXTENSION_KEY = "fire_alarm.jobs"
_PENDING_KEY = "fire_alarm.pending_jobs"

JOB_TIMEOUT_SECONDS = 300
MAIN, MEDIA = "main", "media"
QUEUE_KINDS = (MAIN, MEDIA)
RETRY_INTERVALS_SECONDS = (10, 60, 300)

FAILURE_TTL_SECONDS = 7 * 24 * 3600
FINISHED_OR_DEAD = frozenset({JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED})


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval_seconds: int


@dataclass(frozen=True)
class JobSpec:
    handler: Handler
    queue: str = MAIN
    timeout_seconds: int = JOB_TIMEOUT_SECONDS
    # Inline (no Redis), a slow job runs on a thread of its own: the request that asked for it returns at once.
    inline_in_background: bool = False


@dataclass
class JobRegistry:
    """The app's jobs by name (handler, queue, timeout), plus the jobs the worker runs on a timer."""

    redis_url: str | None
    queue_names: dict[str, str]  # queue kind -> rq queue name
    handlers: dict[str, JobSpec] = field(default_factory=dict)
    periodic: list[PeriodicJob] = field(default_factory=list)
    background: list[threading.Thread] = field(default_factory=list)
    _connection: Redis | None = None

    def connection(self) -> Redis:
        if self.redis_url is None:
            raise RuntimeError("no REDIS_URL configured: jobs run inline")
        if self._connection is None:
            # Short timeouts: intake must not hang on a dead Redis; the sweep catches up later.
            self._connection = Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=5)
        return self._connection

    def queue(self, kind: str = MAIN) -> Queue:
        return Queue(self.queue_names[kind], connection=self.connection())


def _registry(app: Flask | None = None) -> JobRegistry:
    return (app or current_app).extensions[EXTENSION_KEY]


def register(
    app: Flask,
    name: str,
    handler: Handler,
    *,
    replace: bool = False,
    queue: str = MAIN,
    timeout_seconds: int = JOB_TIMEOUT_SECONDS,
    inline_in_background: bool = False,
) -> None:
    """Make ``handler`` runnable as job ``name`` on ``queue``. ``replace`` lets a feature take over a default."""
    handlers = _registry(app).handlers
    if name in handlers and not replace:
        raise ValueError(f"job {name!r} is already registered")
    if queue not in QUEUE_KINDS:
        raise ValueError(f"job {name!r}: no queue {queue!r}")
    handlers[name] = JobSpec(handler, queue, timeout_seconds, inline_in_background)


def register_periodic(app: Flask, name: str, interval_seconds: int) -> None:
    """Have the worker enqueue job ``name`` (no arguments) every ``interval_seconds``."""
    _registry(app).periodic.append(PeriodicJob(name, interval_seconds))


def enqueue(name: str, *args: JobArg) -> None:
    """Ask for job ``name`` to run once the current transaction commits."""
    if name not in _registry().handlers:
        raise KeyError(f"unknown job {name!r}")
    session = db.session()
    if not session.in_transaction():
        # Pending jobs belong to a transaction: begin one, so a rollback (which ends it) discards them.
        session.begin()
    session.info.setdefault(_PENDING_KEY, []).append((name, args))


@event.listens_for(Session, "after_soft_rollback")
def _discard_pending_on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # Work that was rolled back must not be processed; a savepoint rollback leaves the outer jobs alone.
    if not previous_transaction.nested:
        session.info.pop(_PENDING_KEY, None)


def dispatch_pending() -> None:
    """Send the jobs of the transaction that just committed: to rq, or run them inline."""
    pending: list[tuple[str, tuple[JobArg, ...]]] = db.session.info.pop(_PENDING_KEY, [])
    registry = _registry()
    for position, (name, args) in enumerate(pending):
        if registry.redis_url is None and registry.handlers[name].inline_in_background:
            _start_in_background(registry, name, args)
        elif registry.redis_url is None:
            _run_inline(name, args)
        elif not send_to_queue(name, *args):
            # Redis is down: the rest would each wait out the connection timeout too. The sweep has them all.
            log.warning("Redis unreachable; %d job(s) left for the sweep", len(pending) - position)
            return


def job_id_for(name: str, *args: JobArg) -> str:
    return "-".join([name, *(str(arg) for arg in args)])


def send_to_queue(name: str, *args: JobArg) -> bool:
    """Put a job on the rq queue now, once: a job with the same name and ids that is still waiting or running
    is not added again (the sweep re-enqueues every minute during a backlog). Returns False if Redis cannot
    be reached."""
    registry = _registry()
    spec = registry.handlers[name]
    queue = registry.queue(spec.queue)
    job_id = job_id_for(name, *args)
    try:
        try:
            queue.enqueue(
                execute,
                name,
                *args,
                job_id=job_id,
                unique=True,
                job_timeout=spec.timeout_seconds,
                retry=Retry(max=len(RETRY_INTERVALS_SECONDS), interval=list(RETRY_INTERVALS_SECONDS)),
                result_ttl=0,  # nothing reads results; a finished job must not block the next run of its id
                failure_ttl=FAILURE_TTL_SECONDS,
                description=f"{name}{args}",
            )
        except DuplicateJobError:
            try:
                earlier = Job.fetch(job_id, connection=queue.connection)
            except NoSuchJobError:  # it expired in between: nothing stands in the way any more
                return send_to_queue(name, *args)
            if earlier.get_status() in FINISHED_OR_DEAD:
                # A failed (or stopped) run keeps its id for inspection; the sweep's retry replaces it.
                earlier.delete()
                return send_to_queue(name, *args)
    except RedisError:
        log.warning("Redis unreachable; job %s%s left for the sweep", name, args, exc_info=True)
        return False
    return True


def _run_inline(name: str, args: tuple[JobArg, ...]) -> None:
    # A failing inline job must not fail the request that committed its subject: the data is safe,
    # and the sweep (`flask jobs sweep`) retries whatever is still unprocessed.
    try:
        execute(name, *args)
    except Exception:
        log.exception("inline job %s%s failed; the sweep will retry", name, args)


def _start_in_background(registry: JobRegistry, name: str, args: tuple[JobArg, ...]) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        with app.app_context():
            try:
                _run_inline(name, args)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"job-{job_id_for(name, *args)}", daemon=True)
    registry.background = [*(t for t in registry.background if t.is_alive()), thread]
    thread.start()


def wait_for_background(timeout_seconds: float = 60.0, app: Flask | None = None) -> bool:
    """Wait for the jobs running on threads of their own (inline setup) to end; False if some still run."""
    for thread in list(_registry(app).background):
        thread.join(timeout_seconds)
    return not any(thread.is_alive() for thread in _registry(app).background)


def execute(name: str, *args: JobArg) -> None:
    """Run one job inside the current app context. The job's single commit boundary is here."""
    handler = _registry().handlers[name].handler
    try:
        handler(*args)
        # portal.unit_of_work.commit, spelt out: that module builds on this one.
        db.session.commit()
        dispatch_pending()
    except Exception:
        db.session.rollback()
        raise


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = JobRegistry(
        redis_url=app.config["REDIS_URL"],
        queue_names={MAIN: app.config["JOBS_QUEUE"], MEDIA: app.config["JOBS_MEDIA_QUEUE"]},
    )
