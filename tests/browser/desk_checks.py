"""Checks for staff pages, which quote what citizens and officers wrote (a title, a reply) in its own language."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.checks import accessible, fits, shot

_CJK = re.compile(r"[\u4e00-\u9fff]")

_SELECTORS = "h1, h2, h3, legend, label, button, th, nav a, .hint, .error, .notice, dt, dd, summary, caption, li, p, td"
# The text of each element the portal writes itself, leaving out what it quotes: anything inside an element that
# declares its own language (lang="zh" on a complaint's title, body or a reply), below the page's <html>.
_OWN_TEXT = """elements => elements.map(element => {
  const copy = element.cloneNode(true);
  copy.querySelectorAll('[lang], [translate=no], code, .who, option').forEach(quoted => quoted.remove());
  const inside = element.closest('[lang]:not(html), [translate=no]');
  return inside ? '' : copy.textContent;
})"""


def speaks_english_around_quotes(page: Any) -> None:
    """An English page shows no Chinese in what the portal writes; quotes marked with their language are theirs."""
    texts = page.eval_on_selector_all(_SELECTORS, _OWN_TEXT)
    chinese = [text.strip() for text in texts if _CJK.search(text or "")]
    assert not chinese, f"{page.url}: Chinese in an English page: {chinese[:5]}"


_ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# Words a Chinese page may show as they are: the portal's name for codes and tokens, and the models' version tags.
_KEPT = {"API", "JSON", "XD"}
_UNIT_CODE = re.compile(r"\b[A-Z]{2}(?:-[A-Z0-9]+)?:[a-z_]+\b")  # XD-A1:supervision, written as staff type it


def speaks_chinese_around_quotes(page: Any) -> None:
    """A Chinese page shows no English words in what the portal writes (codes and account names aside)."""
    texts = page.eval_on_selector_all(_SELECTORS, _OWN_TEXT)
    english = [
        text.strip()
        for text in texts
        if any(w not in _KEPT for w in _ENGLISH_WORD.findall(_UNIT_CODE.sub("", text or "")))
    ]
    assert not english, f"{page.url}: English in a Chinese page: {english[:5]}"


def desk_looks_right(page: Any, name: str, *, language: str) -> None:
    shot(page, name)
    fits(page)
    accessible(page)
    if language == "en":
        speaks_english_around_quotes(page)
    else:
        speaks_chinese_around_quotes(page)
