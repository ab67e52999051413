"""Writing systems: Traditional characters read as Simplified, and an English complaint told from a Chinese one.

The classifier and the misconduct rules were built on Simplified Chinese: a complaint in Traditional characters
(Hong Kong, Taiwan, Macao visitors, or a phone set that way) shares few character n-grams and words with them,
so it is converted with OpenCC's ``t2s`` table before anything else reads it. Simplified text passes through
unchanged but for a few variant characters (乾净 → 干净).
"""

from __future__ import annotations

import re
import threading

import opencc

_converter: opencc.OpenCC | None = None
_lock = threading.Lock()
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile("[A-Za-z]")
# An English complaint has at least this many Latin letters and at most one CJK character per this many letters.
ENGLISH_MIN_LETTERS = 12
ENGLISH_LETTERS_PER_CJK = 5


def to_simplified(text: str) -> str:
    """``text`` with Traditional characters replaced by Simplified ones (OpenCC ``t2s``)."""
    global _converter  # one converter per process, built on first use
    if not text:
        return text
    if _converter is None:
        with _lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    converted: str = _converter.convert(text)
    return converted


def is_english(text: str) -> bool:
    """Whether ``text`` is written in Latin letters rather than Chinese (a few Chinese names may appear)."""
    letters = len(_LATIN.findall(text))
    return letters >= ENGLISH_MIN_LETTERS and len(_CJK.findall(text)) * ENGLISH_LETTERS_PER_CJK <= letters
