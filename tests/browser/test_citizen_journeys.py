"""The citizen's journeys in a real browser, in Chinese and English, on a desktop and a phone: filing with a photo
and a mistake on the way, the receipt (reload, other language, print, save), tracking, adding information, and
the public pages. Each step asserts what a person would notice (tests/browser/checks.py)."""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.checks import looks_right
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

# What the citizen writes, in their own language (an English page shows no Chinese but the citizen's own).
TEXTS = {
    "zh": (
        "人民路路灯坏了三个月",
        "A1区人民路与建设路交叉口的三盏路灯从八月起一直不亮，晚上行人很危险，请尽快维修。",
        "补充：路灯还是不亮。",
    ),
    "en": (
        "Street lights out on Renmin Road",
        "Three street lights at Renmin Road and Jianshe Road in District A1 have been out since August.",
        "Update: the lights are still out.",
    ),
}
WORDS = {
    "zh": {"send": "提交投诉", "track": "查看公开办理进度", "switch": "English", "add": "提交补充"},
    "en": {
        "send": "Send the complaint",
        "track": "See its public status page",
        "switch": "中文",
        "add": "Send",
    },
}


def _photo(folder: Path) -> Path:
    path = folder / "lamp.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 120, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_file_with_a_photo_and_a_mistake_then_keep_and_use_the_receipt(
    live_server: str, open_page: Callable[..., Any], tmp_path: Path, language: str, width: int
) -> None:
    name = f"{language}-{width}"
    title, body, addition = TEXTS[language]
    page = open_page(width, language)
    page.goto(f"{live_server}/?lang={language}")
    looks_right(page, f"{name}-01-form", language=language)
    # The menu is one row under the brand, in either language, even on a phone.
    nav_height = page.evaluate("document.querySelector('.site-header nav').getBoundingClientRect().height")
    link_height = page.evaluate("document.querySelector('.site-header nav a').getBoundingClientRect().height")
    assert nav_height < 1.8 * link_height

    # A title too short, with a photo attached: the form comes back with everything kept.
    page.fill("#title", "灯")
    page.fill("#body", body)
    page.select_option("#division", "XD-A1")
    page.set_input_files("#evidence", str(_photo(tmp_path)))
    page.click("button[type=submit].primary")
    page.wait_for_selector("#error-summary")
    # The summary takes focus once the page's script has run, so a screen reader starts there.
    # (A CSS :focus selector, not wait_for_function: once polling, Playwright evaluates a string, which the
    # portal's Content-Security-Policy rightly refuses as eval.)
    page.wait_for_selector("#error-summary:focus", timeout=5000)
    assert page.input_value("#body") == body
    assert "lamp.jpg" in page.inner_text(".held-photos")
    assert page.get_attribute("#title", "aria-invalid") == "true"
    looks_right(page, f"{name}-02-form-error", language=language)

    page.fill("#title", title)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#tracking-code")
    code = page.inner_text("#tracking-code").strip()
    secret = page.inner_text("#follow-up-secret").strip()
    looks_right(page, f"{name}-03-receipt", language=language)
    # The secret breaks only between its groups: at most two lines on a phone.
    secret_height = page.evaluate(
        "document.getElementById('follow-up-secret').getBoundingClientRect().height"
    )
    line_height = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('follow-up-secret')).lineHeight) || 24"
    )
    assert secret_height <= 2.5 * line_height

    # Reloading files nothing and shows the same receipt; so does the other language.
    page.reload()
    assert page.inner_text("#tracking-code").strip() == code
    page.click(f".lang >> text={WORDS[language]['switch']}")
    page.wait_for_selector("#tracking-code")
    assert page.inner_text("#tracking-code").strip() == code
    assert page.inner_text("#follow-up-secret").strip() == secret
    page.go_back()
    page.wait_for_selector("#tracking-code")
    assert page.inner_text("#tracking-code").strip() == code

    # It prints on one A4 page, and saves as one file the verifier reads.
    page.emulate_media(media="print")
    assert _pdf_pages(page.pdf(format="A4")) == 1
    page.emulate_media(media="screen")
    with page.expect_download() as download_info:
        page.click("#download-receipt")
    saved = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert saved["tracking_code"] == code
    assert secret not in json.dumps(saved)

    # Track it, then add information with the secret.
    # Back again after the switch: the language chosen last is remembered. Return to the citizen's own.
    page.goto(f"{page.url.split('?')[0]}?lang={language}")
    page.click(f"text={WORDS[language]['track']}")
    page.wait_for_url(re.compile(f".*/track/{code}$"))
    looks_right(page, f"{name}-04-track", language=language)
    page.fill("#secret", secret)
    page.fill("#text", addition)
    page.click("form.follow-up button[type=submit]")
    page.wait_for_selector(".flash")
    assert addition in page.content()
    looks_right(page, f"{name}-05-track-added", language=language)

    for path in ("/track", "/accountability", "/ledger", "/about"):
        page.goto(f"{live_server}{path}")
        looks_right(page, f"{name}-06{path.replace('/', '-')}", language=language)

    # The record page's steps followed as written: its verifier, the receipt file as saved, its command.
    folder = tmp_path / "check"
    folder.mkdir()
    shutil.copy(download_info.value.path(), folder / download_info.value.suggested_filename)
    page.goto(f"{live_server}/ledger")
    with page.expect_download() as verifier_download:
        page.click("a[href$='verify_receipt.py']")
    shutil.copy(verifier_download.value.path(), folder / verifier_download.value.suggested_filename)
    command = page.locator("pre.code", has_text="receipt-CODE.json").first.inner_text()
    program, *arguments = shlex.split(command.replace("CODE", code))
    assert program == "python3"
    checked = subprocess.run(
        [sys.executable, "-I", "-S", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=folder,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # It answers in the language of the page the receipt was saved from (here after the switch and Back).
    assert checked.stdout.startswith("通过：" if saved["language"] == "zh" else "OK:"), checked.stdout


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_accountability_with_figures_reads_on_every_screen(
    app: Any, live_server: str, open_page: Callable[..., Any], language: str, width: int
) -> None:
    assert app.test_cli_runner().invoke(args=["seed", "complaints", "--count", "12"]).exit_code == 0
    page = open_page(width, language)
    page.goto(f"{live_server}/accountability?lang={language}&division=XD-A")
    looks_right(page, f"{language}-{width}-07-accountability-figures", language=language)
    charts = page.locator("svg.chart-narrow" if width == PHONE else "svg.chart-wide")
    assert charts.count() >= 1
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        # Every label lies inside its chart, and text is not shrunk below a readable size.
        for text_box in chart.locator("text").evaluate_all(
            "ts => ts.map(t => t.getBoundingClientRect().toJSON())"
        ):
            assert text_box["left"] >= box["x"] - 1
            assert text_box["right"] <= box["x"] + box["width"] + 1
            assert text_box["height"] >= 9
    # The language switch keeps the filters.
    switch = page.get_attribute(".lang a", "href")
    assert "division=XD-A" in switch


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_status_page_with_an_oversight_case_fits_a_phone(
    app: Any, live_server: str, open_page: Callable[..., Any], language: str
) -> None:
    from portal.domain import Role
    from tests.factories import bearer, file_via_api

    client = app.test_client()
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    title, body, _addition = TEXTS[language]
    code = file_via_api(
        client,
        title=title,
        body=body,
        misconduct={"accused_name": "Wang", "accused_unit": "the street office"},
    )["tracking_code"]
    opened = client.post(
        f"/api/v1/complaints/{code}/escalations",
        json={"track": "supervision", "reason": "核实"},
        headers=triage,
    )
    assert opened.status_code == 201
    page = open_page(PHONE, language)
    page.goto(f"{live_server}/track/{code}?lang={language}")
    looks_right(page, f"{language}-375-08-track-with-case", language=language)
