"""The rq worker that serves the queue inside the app context, and the timer that enqueues periodic jobs."""

from __future__ import annotations

import signal
import threading
import time

from flask import Flask
from rq import Queue, SimpleWorker
from rq.job import Job

from portal.extensions import db
from portal.jobs import _registry, send_to_queue

_WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class AppWorker(SimpleWorker):
    """An rq worker that runs jobs in-process, inside the app context pushed by ``flask jobs worker``.

    In-process (rather than rq's fork per job) keeps one database pool per worker process and the model cache
    warm; the job timeout still applies. Each job gets a fresh database session.
    """

    def execute_job(self, job: Job, queue: Queue) -> None:
        try:
            super().execute_job(job, queue)
        finally:
            db.session.remove()


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


def run_worker(app: Flask, *, burst: bool, queue_names: tuple[str, ...] | None = None) -> bool:
    """Serve the main queue, or the queues named, in this process. Returns whether any job ran.

    The periodic jobs are enqueued (onto the main queue) only by workers that serve the main queue: a media
    worker has photos to process, not sweeps to schedule."""
    registry = _registry(app)
    main = registry.queue()
    names = queue_names or (main.name,)
    queues = [main if name == main.name else Queue(name, connection=main.connection) for name in names]
    worker = AppWorker(queues, connection=main.connection)
    enqueuer = None if burst or main.name not in names else PeriodicEnqueuer(app)
    if enqueuer is not None:
        enqueuer.start()
    # rq binds SIGINT and SIGTERM to this worker for a warm shutdown; once it is done they must not stay bound
    # to a worker that no longer runs (a burst inside a longer process would otherwise swallow the signals).
    handlers = {number: signal.getsignal(number) for number in _WORKER_SIGNALS}
    try:
        # with_scheduler: rq's scheduler moves retries (Retry intervals) back onto the queue when due.
        return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        if enqueuer is not None:
            enqueuer.stopped.set()
