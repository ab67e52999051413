"""Browser tests: Debian's Chromium driven by Playwright against a live server on localhost.

No test tool downloads a browser: Playwright launches /usr/bin/chromium (package `chromium`, with
`fonts-noto-cjk` so Chinese renders). Without it the tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.services import server_environment, unavailable

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def browser_page() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The browser is the citizen's, on its own clock: it keeps the real time when the suite runs under faketime.
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, env=server_environment()
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 1400})
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
