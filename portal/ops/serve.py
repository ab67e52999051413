"""``python -m portal.ops.serve``: the Procfile's processes under honcho, stopped gracefully (``make serve``).

``honcho start`` sends SIGTERM to every process on Ctrl-C or SIGTERM, then SIGKILL to whatever still runs
five seconds after the first one exits: too soon for a job to finish (honcho issue #189). This starts the
same processes with honcho's manager and a longer wait, ``SERVE_STOP_TIMEOUT`` (default 60 s: gunicorn's
graceful timeout is 30 s, and an rq worker finishes its current job first).

With ``LOG_FORMAT=json`` the output stays one JSON object per line: each line gets the name of the process
that wrote it (``web.1``), honcho's own messages are JSON too, and a line that is not JSON (a crash before
logging was set up) is wrapped as the message of one. The exit status is 0 when a requested stop ended
with every process exiting cleanly, and non-zero when a process died on its own or had to be killed, so a
supervisor can tell a crash from a shutdown.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from honcho import manager as honcho_manager
from honcho.environ import expand_processes, parse_procfile
from honcho.printer import Message, Printer

DEFAULT_STOP_TIMEOUT_SECONDS = 60
SYSTEM = honcho_manager.SYSTEM_PRINTER_NAME


class JsonLinePrinter(Printer):
    """honcho's printer for JSON logs: no prefix; every line a JSON object carrying its process's name."""

    def write(self, message: Message) -> None:
        data = message.data
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        for line in text.splitlines():
            print(json_line(line, message.name, message.time), file=self.output, flush=True)


def json_line(line: str, process: str | None, moment: datetime) -> str:
    try:
        entry = json.loads(line)
    except ValueError:
        entry = None
    if not isinstance(entry, dict):
        entry = {
            "time": moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": "INFO",
            "logger": "honcho" if process == SYSTEM else "stdout",
            "message": line,
        }
    if process and process != SYSTEM:
        entry.setdefault("process", process)
    return json.dumps(entry)


class GracefulManager(honcho_manager.Manager):
    """honcho's manager, remembering whether anything had to be killed."""

    killed = False

    def kill(self) -> None:
        self.killed = True
        super().kill()

    def exit_status(self) -> int:
        # honcho's return code is the signal's (130 for SIGINT, 143 for SIGTERM) when it was asked to stop.
        stop_requested = self.returncode in {130, 143}
        codes = [process.get("returncode") for process in self._processes.values()]
        if stop_requested and not self.killed and all(code == 0 for code in codes):
            return 0
        return int(self.returncode or 1)


def stop_timeout(environ: dict[str, str]) -> int:
    raw = environ.get("SERVE_STOP_TIMEOUT") or ""
    if not raw:
        return DEFAULT_STOP_TIMEOUT_SECONDS
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"SERVE_STOP_TIMEOUT must be a whole number of seconds, got {raw!r}")
    return int(raw)


def build(procfile: Path, environ: dict[str, str]) -> GracefulManager:
    processes = parse_procfile(procfile.read_text(encoding="utf-8")).processes
    if not processes:
        raise SystemExit(f"{procfile} lists no processes")
    json_logs = (environ.get("LOG_FORMAT") or "").lower() == "json"
    printer: Any = JsonLinePrinter(sys.stdout) if json_logs else Printer(sys.stdout)
    manager = GracefulManager(printer=printer)
    for process in expand_processes(processes, env={}):
        manager.add_process(process.name, process.cmd, env={**environ, **process.env})
    return manager


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.ops.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--procfile", type=Path, default=Path("Procfile"))
    args = parser.parse_args(argv)
    environ = dict(os.environ)
    # honcho reads its wait at run time from this module-level constant.
    honcho_manager.KILL_WAIT = stop_timeout(environ)
    manager = build(args.procfile, environ)
    manager.loop()
    return manager.exit_status()


if __name__ == "__main__":
    sys.exit(main())
