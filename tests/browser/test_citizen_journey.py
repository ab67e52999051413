"""A citizen files a complaint in the browser, keeps the receipt, and finds it on the status page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def shot(tmp_path: Path):
    """Take a full-page screenshot; set SCREENSHOT_DIR to keep them and look at what a citizen sees."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: object, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]

    return take


def test_file_a_complaint_and_track_it(live_server: str, browser_page: object, shot) -> None:
    page = browser_page
    page.goto(live_server + "/")  # type: ignore[attr-defined]
    assert "我要投诉" in page.content()  # type: ignore[attr-defined]
    shot(page, "01-form")
    page.fill("#title", "人民路路灯坏了三个月")  # type: ignore[attr-defined]
    page.fill("#body", "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。")  # type: ignore[attr-defined]
    page.select_option("#division", "XD-A1")  # type: ignore[attr-defined]
    page.check("#anonymous")  # type: ignore[attr-defined]
    page.click("button[type=submit].primary")  # type: ignore[attr-defined]
    page.wait_for_selector("#tracking-code")  # type: ignore[attr-defined]
    shot(page, "02-receipt")
    code = page.inner_text("#tracking-code").strip()  # type: ignore[attr-defined]
    secret = page.inner_text("#follow-up-secret").strip()  # type: ignore[attr-defined]
    assert re.fullmatch(r"FA-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert len(secret.replace("-", "")) == 24
    page.click("text=查看公开办理进度")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(f".*/track/{code}$"))  # type: ignore[attr-defined]
    assert "人民路路灯坏了三个月" in page.content()  # type: ignore[attr-defined]
    shot(page, "03-track")


def test_errors_are_shown_next_to_the_fields_in_english(live_server: str, browser_page: object, shot) -> None:
    page = browser_page
    page.goto(live_server + "/?lang=en")  # type: ignore[attr-defined]
    page.fill("#title", "x")  # type: ignore[attr-defined]
    page.click("button[type=submit].primary")  # type: ignore[attr-defined]
    assert "Between 4 and 100 characters." in page.content()  # type: ignore[attr-defined]
    shot(page, "04-form-errors-en")
