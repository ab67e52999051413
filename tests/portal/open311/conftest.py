"""Fixtures for the Open311 tests: an api_key, and the app served on a real socket for the georeport client."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal.open311.keys import issue_key
from portal.unit_of_work import commit

BASE = "/open311/v2"


@pytest.fixture
def api_key(app: Flask) -> str:
    with app.app_context():
        key = issue_key("test partner")
        commit()
    return key


@pytest.fixture
def live_root(app: Flask) -> Iterator[str]:
    """``http://127.0.0.1:<port>``: the test app in a server thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
