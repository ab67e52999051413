"""Checks for staff pages, which quote what citizens and officers wrote (a title, a reply) in its own language."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.checks import accessible, fits, shot

_CJK = re.compile(r"[\u4e00-\u9fff]")

# The text of each element the portal writes itself, leaving out what it quotes: anything inside an element that
# declares its own language (lang="zh" on a complaint's title, body or a reply), below the page's <html>.
_OWN_TEXT = """elements => elements.map(element => {
  const copy = element.cloneNode(true);
  copy.querySelectorAll('[lang]').forEach(quoted => quoted.remove());
  const inside = element.closest('[lang]:not(html)');
  return inside ? '' : copy.textContent;
})"""


def speaks_english_around_quotes(page: Any) -> None:
    """An English page shows no Chinese in what the portal writes; quotes marked with their language are theirs."""
    texts = page.eval_on_selector_all(
        "h1, h2, h3, legend, label, button, th, nav a, .hint, .error, .notice, dt, dd, summary, caption, li, p, td, option",
        _OWN_TEXT,
    )
    chinese = [text.strip() for text in texts if _CJK.search(text or "")]
    assert not chinese, f"{page.url}: Chinese in an English page: {chinese[:5]}"


def desk_looks_right(page: Any, name: str, *, language: str) -> None:
    shot(page, name)
    fits(page)
    accessible(page)
    if language == "en":
        speaks_english_around_quotes(page)
