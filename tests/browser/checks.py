"""What a person would notice on a page, as assertions: it fits the screen, it is accessible, it speaks one language."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()
SERIOUS = {"serious", "critical"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def shot(page: Any, name: str) -> None:
    """Keep a full-page screenshot when SCREENSHOT_DIR is set (to look at what a citizen sees)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def fits(page: Any) -> None:
    """Nothing is wider than the viewport: no sideways scrolling on a phone."""
    width = page.evaluate("window.innerWidth")
    widest = page.evaluate("document.documentElement.scrollWidth")
    assert widest <= width, f"{page.url}: the page is {widest} px wide in a {width} px window"


def accessible(page: Any) -> None:
    """axe-core finds nothing serious or critical."""
    violations = [v for v in _AXE.run(page).response["violations"] if v.get("impact") in SERIOUS]
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} e.g. {v['nodes'][0]['html'][:120]}" for v in violations
    ]
    assert not violations, f"{page.url}: " + "; ".join(summary)


def speaks_english(page: Any) -> None:
    """An English page shows no Chinese in what the portal itself writes: headings, labels, buttons, hints, errors."""
    texts = page.eval_on_selector_all(
        "h1, h2, h3, legend, label, button, th, nav a, .hint, .error, .notice, dt, summary, caption",
        "elements => elements.map(e => e.innerText)",
    )
    chinese = [text for text in texts if _CJK.search(text or "")]
    assert not chinese, f"{page.url}: Chinese in an English page: {chinese[:5]}"


def looks_right(page: Any, name: str, *, language: str) -> None:
    """Every check at once, and a screenshot."""
    shot(page, name)
    fits(page)
    accessible(page)
    if language == "en":
        speaks_english(page)
