"""The rq worker that serves the queues inside the app context, the timer that enqueues periodic jobs, and the
scheduler that puts retries back on their queue.

A worker can die at any moment (``kill -9``, a lost machine). What it was running must then be picked up within
a minute or two, not after rq's defaults (a job's registry entry living as long as its timeout, registries
cleaned every ten minutes): the worker heartbeats its current job every few seconds, so a dead worker's job
expires half a minute after its last beat; every worker cleans the registries every 20 seconds, which hands an
expired job to its retries; and the scheduler runs as a thread of the worker, so it dies with it (rq's own
scheduler is a forked child that a killed worker leaves behind as an orphan).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Iterator

from flask import Flask
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.scheduler import RQScheduler

from portal.extensions import db
from portal.jobs import MAIN, QUEUE_KINDS, _registry, send_to_queue

log = logging.getLogger(__name__)

_WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM)
HEARTBEAT_SECONDS = 10
# A running job's registry entry outlives its last heartbeat by this much; then it counts as abandoned.
HEARTBEAT_TTL_SECONDS = 3 * HEARTBEAT_SECONDS
MAINTENANCE_SECONDS = 20
SCHEDULER_TICK_SECONDS = 1.0


class AppWorker(SimpleWorker):
    """An rq worker that runs jobs in-process, inside the app context pushed by ``flask jobs worker``.

    In-process (rather than rq's fork per job) keeps one database pool per worker process and the model cache
    warm; the job timeout still applies. Each job gets a fresh database session, and a heartbeat thread keeps
    the job's registry entry alive only while this process lives.
    """

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:  # noqa: ARG002 - rq's signature
        return HEARTBEAT_TTL_SECONDS

    def execute_job(self, job: Job, queue: Queue) -> None:
        self._forget_dead_executions(job)
        execution = self.prepare_execution(job)
        try:
            with self._heartbeats(job, execution):
                self.perform_job(job, queue, execution)
            self.set_state("idle")
        finally:
            db.session.remove()

    def _forget_dead_executions(self, job: Job) -> None:
        """Drop the job's registered executions whose record has expired: a killed worker's run of this job.

        rq lists a job's executions for longer than it keeps each record, and stumbles (ValueError) over a
        listed one it cannot fetch when the job finishes, turning the retry's success into a failure.
        """
        registry = job.execution_registry
        for execution_id in registry.get_execution_ids():
            if not self.connection.exists(Execution(execution_id, job.id, connection=self.connection).key):
                self.connection.zrem(registry.key, execution_id)

    @contextlib.contextmanager
    def _heartbeats(self, job: Job, execution: Execution) -> Iterator[None]:
        stopped = threading.Event()

        def beat() -> None:
            while not stopped.wait(HEARTBEAT_SECONDS):
                try:
                    self.maintain_heartbeats(job, execution)
                except RedisError:
                    log.warning(
                        "heartbeat for job %s failed; it is retried after %ss", job.id, HEARTBEAT_TTL_SECONDS
                    )

        thread = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stopped.set()
            thread.join(timeout=HEARTBEAT_SECONDS)


class PeriodicEnqueuer(threading.Thread):
    """Enqueues the registered periodic jobs while the worker runs.

    Several workers each run one; that is harmless because periodic jobs are idempotent sweeps, and a job is
    not enqueued again while the previous run of the same job is still waiting or running.
    """

    def __init__(self, app: Flask, tick_seconds: float = 5.0) -> None:
        super().__init__(name="periodic-enqueuer", daemon=True)
        self.app = app
        self.tick_seconds = tick_seconds
        self.stopped = threading.Event()
        self._last_run: dict[str, float] = {}

    def run(self) -> None:
        with self.app.app_context():
            while not self.stopped.is_set():
                now = time.monotonic()
                for job in _registry().periodic:
                    last = self._last_run.get(job.name)
                    if last is None or now - last >= job.interval_seconds:
                        self._last_run[job.name] = now
                        send_to_queue(job.name)
                self.stopped.wait(self.tick_seconds)


class SchedulerThread(threading.Thread):
    """rq's scheduler (due retries back onto their queues), as a thread of the worker: it dies with the worker.

    Only one scheduler across all workers holds a queue's lock at a time; the others keep trying, every tick,
    so a dead holder's lock (it expires a minute after its last refresh) is taken over at once.
    """

    def __init__(self, queues: list[Queue]) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.scheduler = RQScheduler(queues, connection=queues[0].connection)
        self.stopped = threading.Event()

    def tick(self) -> None:
        """Take the locks not held yet, then move every due job of the held queues onto them."""
        try:
            if self.scheduler.acquired_locks != self.scheduler._queue_names:
                self.scheduler.acquire_locks()
            if self.scheduler.acquired_locks:
                self.scheduler.heartbeat()
                self.scheduler.enqueue_scheduled_jobs()
        except RedisError:
            log.warning("scheduler: Redis unreachable, trying again", exc_info=True)

    def release(self) -> None:
        with contextlib.suppress(RedisError):
            self.scheduler.release_locks()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.tick()
            self.stopped.wait(SCHEDULER_TICK_SECONDS)
        self.release()


def warm_up(app: Flask) -> None:
    """Run the features' warm-ups (the classifier and its dictionary), so the first job waits for nothing.
    One that fails is logged, not fatal: its job will load what it needs itself, or fail and be retried."""
    from portal.features import installed

    for warm in installed(app).warm_ups:
        try:
            warm()
        except Exception:
            log.exception("warm-up %s failed; jobs will load what they need themselves", warm.__qualname__)
        finally:
            db.session.remove()


def run_worker(app: Flask, *, burst: bool, queue_kinds: tuple[str, ...] = (MAIN,)) -> bool:
    """Serve the queues of ``queue_kinds`` (``main``, ``media``) in this process, warmed up first. Returns
    whether any job ran."""
    registry = _registry(app)
    unknown = set(queue_kinds) - set(QUEUE_KINDS)
    if unknown:
        raise ValueError(f"no such queue: {', '.join(sorted(unknown))}")
    queues = [registry.queue(kind) for kind in queue_kinds]
    warm_up(app)
    worker = AppWorker(
        queues,
        connection=queues[0].connection,
        maintenance_interval=MAINTENANCE_SECONDS,
        # The worker waits on its queues this long minus 15 s before it looks at its maintenance again: an idle
        # worker must clean up after a dead one within the maintenance interval, not after rq's 405 seconds.
        worker_ttl=MAINTENANCE_SECONDS + 15,
    )
    scheduler = SchedulerThread(queues)
    threads: list[PeriodicEnqueuer | SchedulerThread] = []
    if burst:  # what is due now; a burst ends before the next tick would come
        scheduler.tick()
        scheduler.release()
    else:
        threads.append(scheduler)
        if MAIN in queue_kinds:
            threads.append(PeriodicEnqueuer(app))
    for thread in threads:
        thread.start()
    # rq binds SIGINT and SIGTERM to this worker for a warm shutdown; once it is done they must not stay bound
    # to a worker that no longer runs (a burst inside a longer process would otherwise swallow the signals).
    handlers = {number: signal.getsignal(number) for number in _WORKER_SIGNALS}
    try:
        return worker.work(burst=burst, logging_level="INFO")
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for thread in threads:
            thread.stopped.set()
