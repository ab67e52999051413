"""The production stack as processes: gunicorn serving ``wsgi:app`` and rq workers (``flask jobs worker``),
against a private PostgreSQL and Redis, driven over HTTP and the CLI like an operator would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.servers import free_port, wait_until
from tests.services import server_environment

ROOT = Path(__file__).resolve().parents[2]


def _decoded(raw: bytes, content_type: str) -> Any:
    return json.loads(raw or b"null") if content_type == "application/json" else raw.decode(errors="replace")


@dataclass
class Stack:
    instance: Path
    database_url: str
    redis_url: str
    model_folder: Path
    settings: dict[str, str] = field(default_factory=dict)
    web_port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        return {
            **server_environment(),
            "FIRE_ALARM_INSTANCE": str(self.instance),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": "fault-suite",
            "MODEL_FOLDER": str(self.model_folder),
            "PYTHONUNBUFFERED": "1",
            **self.settings,
        }

    def flask(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def python(self, code: str) -> str:
        """Run ``code`` inside the app context of a fresh process (as a one-off operator script would)."""
        script = "from wsgi import app\nwith app.app_context():\n" + "".join(
            f"    {line}\n" for line in code.splitlines()
        )
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen[bytes]:
        with (self.instance / f"{log_name}.log").open(
            "ab"
        ) as log:  # the child keeps its own copy of the file
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def start_web(self, workers: int = 2) -> subprocess.Popen[bytes]:
        process = self._spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            "web",
        )
        wait_until(lambda: self.get("/healthz")[0] == 200, 30, "gunicorn did not answer /healthz")
        return process

    def start_worker(self, *queues: str) -> subprocess.Popen[bytes]:
        options = [option for queue in queues for option in ("--queue", queue)]
        return self._spawn(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", *options],
            f"worker-{len(self.processes)}",
        )

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local server
                return response.status, _decoded(response.read(), response.headers.get_content_type())
        except urllib.error.HTTPError as error:
            return error.code, _decoded(error.read(), error.headers.get_content_type())
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, str(error)

    def get(self, path: str) -> tuple[int, Any]:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return self.request("POST", path, body)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
