"""The two WSGI apps ``bench.intake_load`` serves under the same gunicorn settings.

``portal``: the portal itself, configured from the environment the bench sets (its own database, queue and
instance folder; rate limits off). ``bare``: a Flask app that parses the same JSON body and answers 201, the
least any JSON endpoint does. Each is built only when gunicorn imports it by name.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask, jsonify, request


def _portal() -> Flask:
    from portal.app import create_app

    return create_app({"RATELIMIT_ENABLED": False, "JOBS_QUEUE": os.environ["BENCH_JOBS_QUEUE"]})


def _bare() -> Flask:
    app = Flask("bare")

    @app.post("/api/v1/complaints")
    def file_complaint() -> tuple[Any, int]:
        body = request.get_json()
        return jsonify({"tracking_code": "FA-" + secrets.token_hex(6), "received": len(body["body"])}), 201

    return app


def __getattr__(name: str) -> Flask:
    if name == "portal":
        return _portal()
    if name == "bare":
        return _bare()
    raise AttributeError(name)
