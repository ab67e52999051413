"""/metrics: the HTTP counters by endpoint name, the figures read at scrape time, and who may read them."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue
from sqlalchemy import select, update

from portal import jobs
from portal.extensions import db
from portal.models import Complaint, RoutedBy
from portal.unit_of_work import commit
from tests.factories import file_via_api
from tests.portal.http.test_limits import closed_port
from tests.portal.ops.scraping import parse, scrape, value

ROOT = Path(__file__).resolve().parents[3]


def test_requests_are_counted_and_timed_by_endpoint(client: FlaskClient) -> None:
    before = scrape(client)
    assert value(before, "fire_alarm_http_requests_total", **FILED) is None
    file_via_api(client)
    file_via_api(client)
    client.get("/healthz")
    after = scrape(client)
    assert value(after, "fire_alarm_http_requests_total", **FILED) == 2
    assert (
        value(after, "fire_alarm_http_requests_total", endpoint="health.healthz", method="GET", status="200")
        == 1
    )
    filed = {"endpoint": "complaints_api.file_complaint", "method": "POST"}
    assert value(after, "fire_alarm_http_request_duration_seconds_count", **filed) == 2
    total = value(after, "fire_alarm_http_request_duration_seconds_sum", **filed)
    assert total is not None
    assert 0 < total < 60
    # The histogram's buckets are cumulative and end with everything.
    assert value(after, "fire_alarm_http_request_duration_seconds_bucket", **filed, le="+Inf") == 2


FILED = {"endpoint": "complaints_api.file_complaint", "method": "POST", "status": "201"}


def test_labels_name_endpoints_never_raw_paths(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    client.get(f"/track/{code}")
    client.get("/track/FA-0000-0000-0000")
    client.get("/wp-admin/setup-config.php")
    client.get("/.env")
    client.open("/healthz", method="PROPFIND")
    text = client.get("/metrics").get_data(as_text=True)
    samples = parse(text)
    assert code not in text
    assert "wp-admin" not in text
    assert ".env" not in text
    tracked = [labels for name, labels in samples if name == "fire_alarm_http_requests_total"]
    endpoints = {dict(labels)["endpoint"] for labels in tracked}
    assert "complaints.track" in endpoints
    assert not [endpoint for endpoint in endpoints if "/" in endpoint]
    assert (
        value(samples, "fire_alarm_http_requests_total", endpoint="unmatched", method="GET", status="404")
        == 2
    )
    assert {dict(labels)["method"] for labels in tracked} <= {"GET", "POST", "other"}
    # A method the route does not take is a routing failure too, and the method is not a label of its own.
    assert (
        value(samples, "fire_alarm_http_requests_total", endpoint="unmatched", method="other", status="405")
        == 1
    )


def test_two_apps_count_apart(app: Flask, app_factory: Callable[..., Flask]) -> None:
    other = app_factory()
    app.test_client().get("/healthz")
    samples = scrape(other.test_client())
    assert (
        value(
            samples, "fire_alarm_http_requests_total", endpoint="health.healthz", method="GET", status="200"
        )
        is None
    )


def test_without_redis_the_queues_read_empty_and_down(client: FlaskClient) -> None:
    samples = scrape(client)
    assert value(samples, "fire_alarm_queue_up") == 0
    for queue in (client.application.config["JOBS_QUEUE"], client.application.config["JOBS_MEDIA_QUEUE"]):
        assert value(samples, "fire_alarm_queue_depth", queue=queue) == 0
        assert value(samples, "fire_alarm_queue_failed_jobs", queue=queue) == 0


def test_an_unreachable_redis_is_down_with_no_depth_and_the_rest_still_served(
    app_factory: Callable[..., Flask],
) -> None:
    down = app_factory(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    samples = scrape(down.test_client())
    assert value(samples, "fire_alarm_queue_up") == 0
    assert not [name for name, _labels in samples if name == "fire_alarm_queue_depth"]
    assert value(samples, "fire_alarm_complaints_classified_24h") is not None


@pytest.mark.redis
def test_queue_depth_and_failed_jobs_are_read_from_redis(
    app_factory: Callable[..., Flask], redis_url: str
) -> None:
    queued = app_factory(REDIS_URL=redis_url, JOBS_MEDIA_QUEUE="test-media-metrics")
    client = queued.test_client()
    file_via_api(client)
    file_via_api(client)  # two classification jobs wait: nothing runs inline with Redis
    connection = Redis.from_url(redis_url)
    media = Queue("test-media-metrics", connection=connection)
    media.enqueue(jobs.execute, "process_photo", 1, job_id="process_photo-1")
    failed = Queue("test-media-metrics", connection=connection).enqueue(jobs.execute, "process_photo", 2)
    media.remove(failed)
    media.failed_job_registry.add(failed, ttl=60, exc_string="boom")
    connection.close()

    samples = scrape(client)
    main = queued.config["JOBS_QUEUE"]
    assert value(samples, "fire_alarm_queue_up") == 1
    assert value(samples, "fire_alarm_queue_depth", queue=main) == 2
    assert value(samples, "fire_alarm_queue_depth", queue="test-media-metrics") == 1
    assert value(samples, "fire_alarm_queue_failed_jobs", queue=main) == 0
    assert value(samples, "fire_alarm_queue_failed_jobs", queue="test-media-metrics") == 1


def test_the_auto_route_rate_counts_the_last_day(app: Flask, client: FlaskClient) -> None:
    assert math.isnan(value(scrape(client), "fire_alarm_auto_route_ratio") or 0.0)
    codes = [file_via_api(client)["tracking_code"] for _ in range(4)]
    with app.app_context():
        db.session.execute(
            update(Complaint).where(Complaint.tracking_code.in_(codes[:3])).values(routed_by=RoutedBy.MODEL)
        )
        # Filed two days ago: outside the window, whoever routed it.
        old = db.session.scalars(select(Complaint).where(Complaint.tracking_code == codes[3])).one()
        old.created_at -= timedelta(days=2)
        commit()
    file_via_api(client)  # classified by the portal's default: sent to a human
    samples = scrape(client)
    assert value(samples, "fire_alarm_complaints_classified_24h") == 4
    assert value(samples, "fire_alarm_complaints_auto_routed_24h") == 3
    assert value(samples, "fire_alarm_auto_route_ratio") == pytest.approx(0.75)


def test_a_database_that_is_down_leaves_its_figures_out(
    app_factory: Callable[..., Flask], tmp_path: Path
) -> None:
    gone = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}")
    samples = scrape(gone.test_client())
    assert value(samples, "fire_alarm_queue_up") == 0
    assert value(samples, "fire_alarm_complaints_classified_24h") is None
    assert value(samples, "fire_alarm_escalation_overdue_cases") is None


@pytest.mark.parametrize(
    ("remote", "headers", "allowed"),
    [
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("10.2.3.4", {}, True),
        ("192.168.1.9", {}, True),
        ("::ffff:172.16.0.5", {}, True),
        ("8.8.8.8", {}, False),
        ("2001:4860:4860::8888", {}, False),
        # Through a proxy on this machine: from wherever the proxy listens, perhaps the internet.
        ("127.0.0.1", {"X-Forwarded-For": "8.8.8.8"}, False),
        ("127.0.0.1", {"X-Forwarded-For": "10.0.0.1"}, False),
        ("127.0.0.1", {"X-Real-IP": "8.8.8.8"}, False),
        ("127.0.0.1", {"Forwarded": "for=8.8.8.8"}, False),
    ],
)
def test_metrics_answer_private_networks_directly_only(
    client: FlaskClient, remote: str, headers: dict[str, str], allowed: bool
) -> None:
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote})
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert b"fire_alarm" not in response.data


def test_behind_trusted_proxies_the_client_address_decides(app_factory: Callable[..., Flask]) -> None:
    proxied = app_factory(TRUSTED_PROXIES=1).test_client()
    public = proxied.get(
        "/metrics", headers={"X-Forwarded-For": "8.8.8.8"}, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )
    assert public.status_code == 404
    direct = proxied.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert direct.status_code == 200


def test_a_token_or_public_metrics_open_them_to_any_address(app_factory: Callable[..., Flask]) -> None:
    outside = {"environ_base": {"REMOTE_ADDR": "8.8.8.8"}}
    tokened = app_factory(METRICS_TOKEN="s3cret-scrape-token").test_client()
    assert (
        tokened.get(
            "/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"}, **outside
        ).status_code
        == 200
    )
    assert tokened.get("/metrics", headers={"Authorization": "Bearer wrong"}, **outside).status_code == 404
    assert (
        tokened.get("/metrics", headers={"Authorization": "Basic s3cret-scrape-token"}, **outside).status_code
        == 404
    )
    assert tokened.get("/metrics", **outside).status_code == 404
    public = app_factory(METRICS_PUBLIC=True).test_client()
    assert public.get("/metrics", **outside).status_code == 200


def test_scrapers_get_the_format_they_ask_for(client: FlaskClient) -> None:
    plain = client.get("/metrics")
    assert plain.mimetype == "text/plain"
    assert plain.headers["Cache-Control"] == "no-store"
    openmetrics = client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert openmetrics.mimetype == "application/openmetrics-text"
    assert openmetrics.get_data(as_text=True).rstrip().endswith("# EOF")


def test_multiprocess_mode_adds_up_every_worker(tmp_path: Path, database_url: str) -> None:
    """With PROMETHEUS_MULTIPROC_DIR (what `make serve` sets), counters live in files that every gunicorn
    worker writes: a scrape answered by one worker counts the requests another answered."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    script = textwrap.dedent(
        f"""
        import sys
        from tests.conftest import app_config
        from portal.app import create_app
        from pathlib import Path

        def app(name):
            return create_app(app_config(Path({str(tmp_path)!r}) / name, {database_url!r}))

        if sys.argv[1] == "serve":
            client = app("one").test_client()
            for _ in range(3):
                assert client.get("/healthz").status_code == 200
        else:
            print(app("two").test_client().get("/metrics").get_data(as_text=True))
        """
    )
    environ = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    for role in ("serve", "serve"):
        subprocess.run([sys.executable, "-c", script, role], env=environ, cwd=ROOT, check=True)
    assert len(list(folder.glob("*.db"))) >= 2  # one file per process and kind of metric
    scraped = subprocess.run(
        [sys.executable, "-c", script, "scrape"],
        env=environ,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    samples = parse(scraped)
    assert (
        value(
            samples, "fire_alarm_http_requests_total", endpoint="health.healthz", method="GET", status="200"
        )
        == 6
    )
    assert value(samples, "fire_alarm_queue_up") == 0
