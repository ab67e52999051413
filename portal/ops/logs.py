"""Structured logs: one JSON object per line (``LOG_FORMAT=json``) or plain text (``LOG_FORMAT=text``).

Logging is process-wide, so the process's entry point configures it (``wsgi.py`` for gunicorn workers, the
workers and every ``flask --app wsgi`` command; ``gunicorn.conf.py`` for gunicorn's own lines), never the
factory: two apps built in one process (the tests build hundreds) must not fight over the root logger.

Every line carries the time (UTC), level, logger and message, the request id when there is a request, any
``extra`` fields (the request log adds method, path, endpoint, status and duration_ms) and the exception.
No line carries a client address: an anonymous complaint stays anonymous in the logs too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from portal.ops.request_ids import current_request_id

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is written out.
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Marks the handler configure_logging installed, so configuring again replaces it instead of adding another.
_OUR_HANDLER = "fire_alarm_handler"
# gunicorn's access log passes its "atoms" as the record's arguments: the fields worth keeping, by atom.
_ACCESS_ATOMS = {
    "m": "method",
    "U": "path",
    "s": "status",
    "M": "duration_ms",
    "{x-request-id}o": "request_id",
}


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _STANDARD_ATTRIBUTES and not key.startswith("_")
    }


def _access_fields(atoms: Mapping[str, object]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for atom, key in _ACCESS_ATOMS.items():
        value = str(atoms[atom])
        if value != "-":
            fields[key] = int(value) if key in {"status", "duration_ms"} and value.isdigit() else value
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside messages and tracebacks are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id is not None:
            entry["request_id"] = request_id
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(_access_fields(record.args))
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger [request id] message``; control characters in the message are escaped, so a
    request path cannot forge a log line."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().translate(_CONTROL_ESCAPES)
        request_id = current_request_id()
        line = f"{_timestamp(record)} {record.levelname} {record.name}"
        if request_id is not None:
            line += f" [{request_id}]"
        line += f": {message}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}


def formatter_for(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    if log_format == "text":
        return TextFormatter()
    raise ValueError(f"unknown log format {log_format!r}")


def configure_logging(log_format: str | None, level: str = "INFO") -> None:
    """Send every log record of this process at ``level`` or above to stderr, formatted as asked.

    ``None`` leaves logging as Python and Flask set it up (warnings and errors only). Calling again replaces
    the handler this installed."""
    if log_format is None:
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _OUR_HANDLER, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(formatter_for(log_format))
    setattr(handler, _OUR_HANDLER, True)
    root.addHandler(handler)
    root.setLevel(level)
    # Flask-Migrate's alembic announces each of its plugins at INFO when a process first touches it.
    logging.getLogger("alembic.runtime.plugins").setLevel(max(root.level, logging.WARNING))


def gunicorn_logconfig(log_format: str | None, level: str, *, access_log: bool) -> dict[str, Any] | None:
    """gunicorn's ``logconfig_dict`` for JSON lines from gunicorn itself (None: gunicorn's own format).

    gunicorn's access line is off unless asked for (``access_log``): the portal already logs every request,
    with its endpoint, and the same line twice would only double the volume."""
    if log_format != "json":
        return None
    handlers = ["stderr"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "portal.ops.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        # The root logger is the app's (wsgi.py, in each worker): a handler here too would double every line.
        "root": {"level": level, "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": handlers, "propagate": False},
            "gunicorn.access": {
                "level": "INFO" if access_log else "WARNING",
                "handlers": handlers,
                "propagate": False,
            },
        },
    }
