"""`make serve`: its Procfile, gunicorn's settings, the launcher's JSON output and exit status."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from portal.ops import serve
from tests.services import pause, server_environment

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def procfile() -> dict[str, list[str]]:
    processes = serve.parse_procfile((ROOT / "Procfile").read_text(encoding="utf-8")).processes
    commands = {}
    for name, line in processes.items():
        words = shlex.split(line)
        assert words[0] == "exec", f"{name}: exec, so the process itself gets honcho's SIGTERM"
        commands[name] = words[1:]
    return commands


def test_the_procfile_runs_gunicorn_and_both_workers() -> None:
    commands = procfile()
    assert set(commands) == {"web", "worker", "media"}
    for words in commands.values():
        assert (BIN / words[0]).exists(), f"{words[0]} is not installed in the virtualenv"
    assert commands["web"] == ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    assert commands["worker"][-2:] == ["--queue", "main"]
    assert commands["media"][-2:] == ["--queue", "media"]


@pytest.mark.parametrize("name", ["worker", "media"])
def test_the_procfile_worker_commands_exist(runner: FlaskCliRunner, name: str) -> None:
    words = procfile()[name]
    assert words[:3] == ["flask", "--app", "wsgi"]
    result = runner.invoke(args=[*words[3:], "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_gunicorn_accepts_its_settings(tmp_path: Path) -> None:
    """What `gunicorn --check-config` says of gunicorn.conf.py, with JSON logs (it loads the app)."""
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed")
    environ = {
        **os.environ,
        "FIRE_ALARM_INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "LOG_FORMAT": "json",
        "WEB_CONCURRENCY": "3",
    }
    environ.pop("REDIS_URL", None)
    checked = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    printed = subprocess.run(
        [str(gunicorn), "--print-config", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    settings = {
        key.strip(): value.strip()
        for key, _eq, value in (line.partition(" = ") for line in printed.splitlines())
    }
    assert settings["workers"] == "3"
    assert settings["forwarded_allow_ips"] == "[]"
    assert settings["graceful_timeout"] == "30"
    assert settings["accesslog"] == "None"


def test_the_default_worker_count_is_capped(tmp_path: Path) -> None:
    namespace: dict[str, object] = {}
    environ = dict(os.environ)
    os.environ.pop("WEB_CONCURRENCY", None)
    try:
        exec((ROOT / "gunicorn.conf.py").read_text(encoding="utf-8"), namespace)  # noqa: S102 - our own config file
    finally:
        os.environ.clear()
        os.environ.update(environ)
    workers = namespace["workers"]
    assert isinstance(workers, int)
    assert 3 <= workers <= 8


def test_make_serve_refuses_without_its_servers() -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    environ = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    refused = subprocess.run(
        [make, "-s", "serve"], cwd=ROOT, env=environ, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0
    assert "DATABASE_URL is not set" in refused.stderr
    refused = subprocess.run(
        [make, "-s", "serve"],
        cwd=ROOT,
        env={**environ, "DATABASE_URL": "postgresql://fa@db/fa"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0
    assert "REDIS_URL is not set" in refused.stderr


MOMENT = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def test_process_lines_stay_one_json_object_each() -> None:
    ours = json.loads(serve.json_line('{"level": "INFO", "message": "Booting worker"}', "web.1", MOMENT))
    assert ours == {"level": "INFO", "message": "Booting worker", "process": "web.1"}
    stray = json.loads(serve.json_line("Traceback (most recent call last):", "worker.1", MOMENT))
    assert stray["message"] == "Traceback (most recent call last):"
    assert stray["process"] == "worker.1"
    assert stray["time"] == "2027-03-01T09:30:00.000Z"
    honcho = json.loads(serve.json_line("sending SIGTERM to web.1 (pid 12)", serve.SYSTEM, MOMENT))
    assert honcho["logger"] == "honcho"
    assert "process" not in honcho
    assert json.loads(serve.json_line("[1, 2]", "web.1", MOMENT))["message"] == "[1, 2]"


def test_the_stop_timeout_is_whole_seconds() -> None:
    assert serve.stop_timeout({}) == serve.DEFAULT_STOP_TIMEOUT_SECONDS
    assert serve.stop_timeout({"SERVE_STOP_TIMEOUT": "120"}) == 120
    with pytest.raises(SystemExit, match="SERVE_STOP_TIMEOUT"):
        serve.stop_timeout({"SERVE_STOP_TIMEOUT": "soon"})


def _launch(tmp_path: Path, lines: str, stop_after: float | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "Procfile").write_text(lines, encoding="utf-8")
    # The real clock, as for any server a test starts (the suite may run under faketime).
    environ = {
        **server_environment(),
        "LOG_FORMAT": "json",
        "SERVE_STOP_TIMEOUT": "10",
        "PYTHONPATH": str(ROOT),
    }
    launcher = subprocess.Popen(
        [sys.executable, "-m", "portal.ops.serve", "--procfile", str(tmp_path / "Procfile")],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if stop_after is not None:
        pause(stop_after)  # no timeouts on the waits: time.sleep fails under faketime
        launcher.terminate()
    out, err = launcher.communicate()
    return subprocess.CompletedProcess(launcher.args, launcher.returncode, out, err)


# A process that finishes its current piece of work on SIGTERM, as gunicorn and rq do.
GRACEFUL = (
    "exec python -c 'import signal,sys,time; "
    'signal.signal(signal.SIGTERM, lambda *a: (time.sleep(1), print("finished the job", flush=True), sys.exit(0))); '
    'print("ready", flush=True); time.sleep(30)\''
)


def test_a_requested_stop_waits_for_the_processes_and_exits_cleanly(tmp_path: Path) -> None:
    finished = _launch(tmp_path, f"one: {GRACEFUL}\ntwo: {GRACEFUL}\n", stop_after=3)
    entries = [json.loads(line) for line in finished.stdout.splitlines()]
    assert [entry["message"] for entry in entries if entry.get("process") == "one.1"] == [
        "ready",
        "finished the job",
    ]
    assert [entry["message"] for entry in entries if entry.get("process") == "two.1"] == [
        "ready",
        "finished the job",
    ]
    assert finished.returncode == 0, finished.stdout


def test_a_crash_stops_the_rest_and_fails(tmp_path: Path) -> None:
    crashed = _launch(
        # The broken one dies only after the other has had time to start and take its SIGTERM handler.
        tmp_path,
        f"web: {GRACEFUL}\nbroken: exec python -c 'import time; time.sleep(3); raise SystemExit(3)'\n",
        stop_after=None,
    )
    assert crashed.returncode != 0
    assert "finished the job" in crashed.stdout
