"""Browser tests: Debian's Chromium driven by Playwright against a live server on localhost.

No test tool downloads a browser: Playwright launches /usr/bin/chromium (package `chromium`, with
`fonts-noto-cjk` so Chinese renders). Without it the tests skip locally and fail under CI=true. One browser
serves the whole session; each test gets fresh contexts (no cookie or cache carries over between tests).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

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
DESKTOP, PHONE = 1280, 375


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The browser is the citizen's, on its own clock: it keeps the real time when the suite runs under faketime.
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, env=server_environment()
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(chromium: object) -> Iterator[Callable[..., object]]:
    """``open_page(width=1280, language="zh")``: a page in a fresh browser context of that size and language."""
    contexts: list[object] = []

    def open_(width: int = DESKTOP, language: str = "zh") -> object:
        context = chromium.new_context(  # type: ignore[attr-defined]
            locale="zh-CN" if language == "zh" else "en-GB",
            viewport={"width": width, "height": 900},
            accept_downloads=True,
        )
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()  # type: ignore[attr-defined]


@pytest.fixture
def browser_page(open_page: Callable[..., object]) -> object:
    return open_page(1100)
