"""Intake under gunicorn: the portal's ``POST /api/v1/complaints`` against a bare Flask JSON POST.

    .venv/bin/python -m bench.intake_load [--clients 4] [--seconds 8] [--rounds 2]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/0]

Both apps run under ``gunicorn -c gunicorn.conf.py`` (the production settings, same worker count) on free ports
of this machine. ``--clients`` threads post the same complaint JSON as fast as the servers answer, each request
on a new connection (sync workers close after every answer). The portal files for real: a private PostgreSQL
database (created here, dropped afterwards), the complaint committed with its ``received`` event in the record
and its classification job enqueued in Redis under a queue of its own (emptied afterwards). The rounds
alternate bare and portal; the best round of each is kept. Figures: requests per second and p50/p99 latency,
and the portal's as a ratio to the bare app's (target: throughput at least 0.3 x).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import sqlalchemy as sa

REPO_ROOT = Path(__file__).resolve().parent.parent
BODY = json.dumps(
    {
        "title": "人民路路灯坏了三个月",
        "body": "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。",
        "division": "XD-A1",
        "contact": {"phone": "13912345678"},
    },
    ensure_ascii=False,
).encode()


@dataclass(frozen=True)
class Figures:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} within {timeout} s")


def post_once(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/api/v1/complaints", BODY, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def load(port: int, clients: int, seconds: float) -> Figures:
    for _ in range(clients):  # every worker warmed up (imports, first connection) before the clock starts
        post_once(port)
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status = post_once(port)
            mine.append(time.perf_counter() - started)
            failed += status != 201
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(len(latencies), errors[0], time.monotonic() - started, latencies)


def serve(app: str, environment: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed module, no outside input
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", f"bench.intake_apps:{app}"],
        cwd=REPO_ROOT,
        env={**environment, "PORT": str(port), "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(port, server)
    return server, port


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def prepare_database(url: str, instance: str) -> None:
    from portal.app import create_app
    from portal.extensions import db
    from portal.jurisdiction.demo import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.engine.dispose()


def filed_count(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT count(*) FROM complaints"))
    engine.dispose()
    return int(count or 0)


def line(name: str, figures: Figures) -> str:
    return (
        f"{name:<28} {figures.throughput:8.1f} req/s   p50 {figures.percentile(0.5) * 1000:7.1f} ms"
        f"   p99 {figures.percentile(0.99) * 1000:7.1f} ms   ({figures.requests} requests, {figures.errors} errors)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)

    server_url = sa.make_url(args.database_url).set(drivername="postgresql+psycopg")
    name = f"bench_intake_{secrets.token_hex(4)}"
    url = server_url.set(database=name).render_as_string(hide_password=False)
    queue_name = f"bench-intake-{secrets.token_hex(4)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        with TemporaryDirectory() as instance:
            prepare_database(url, instance)
            environment = {
                **os.environ,
                "DATABASE_URL": url,
                "REDIS_URL": args.redis_url,
                "SECRET_KEY": "bench",
                "FIRE_ALARM_INSTANCE": instance,
                "BENCH_JOBS_QUEUE": queue_name,
                "LOG_LEVEL": "warning",
            }
            environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
            best: dict[str, Figures] = {}
            for _ in range(args.rounds):
                for app in ("bare", "portal"):
                    server, port = serve(app, environment)
                    try:
                        figures = load(port, args.clients, args.seconds)
                    finally:
                        stop(server)
                    if app not in best or figures.throughput > best[app].throughput:
                        best[app] = figures
            filed = filed_count(url)
    finally:
        from redis import Redis
        from rq import Queue

        redis = Redis.from_url(args.redis_url)
        Queue(queue_name, connection=redis).empty()
        redis.delete(f"rq:queue:{queue_name}")
        redis.close()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    bare, portal = best["bare"], best["portal"]
    workers = os.environ.get("WEB_CONCURRENCY") or "gunicorn.conf.py's default"
    print(
        f"gunicorn -c gunicorn.conf.py, workers: {workers}; {args.clients} clients, {args.seconds:g} s per run"
    )
    print(line("bare Flask JSON POST", bare))
    print(line("portal POST /api/v1/complaints", portal))
    print(f"complaints filed (committed, recorded, enqueued): {filed}")
    ratio = portal.throughput / bare.throughput
    print(
        f"throughput ratio portal/bare: {ratio:.3f} x (target >= 0.3: {'met' if ratio >= 0.3 else 'NOT met'})"
    )
    print(f"p99 ratio portal/bare: {portal.percentile(0.99) / bare.percentile(0.99):.1f} x")
    return 0 if ratio >= 0.3 and portal.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
