"""Turn untrusted input into plain text (pure).

bleach removes markup; what is stored is plain text, escaped by Jinja on output. bleach returns HTML-escaped
text, so the entities it produces are decoded again: storing ``&amp;`` would double-escape on every page.
"""

from __future__ import annotations

import html
import re
import unicodedata

import bleach

# C0/C1 controls and the Unicode bidi overrides that can disguise text; newlines and tabs survive.
# Lone UTF-16 surrogates too: they cannot be encoded as UTF-8, so nothing could store or hash them.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(value: object) -> object:
    """A WTForms filter: plain, normalised text for strings; anything else unchanged."""
    if not isinstance(value, str):
        return value
    text = html.unescape(bleach.clean(value, tags=set(), strip=True, strip_comments=True))
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_line(value: object) -> object:
    """Like :func:`clean_text`, for single-line fields: whitespace runs collapse to one space."""
    text = clean_text(value)
    return re.sub(r"\s+", " ", text) if isinstance(text, str) else text
