"""Chinese word segmentation with jieba, our dictionary of government terms and our stop words.

jieba's prefix dictionary takes about half a second to load and tens of megabytes to hold, so every
:class:`Tokenizer` with the same dictionary shares one initialised ``jieba.Tokenizer`` per process. Each of
those is a private instance: the global ``jieba`` segmenter is never touched, so other code using jieba is not
affected by our dictionary. Once built, a segmenter is only read, which makes ``tokenize`` safe to call from
several threads of one worker.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jieba

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
USER_DICT = RESOURCES / "user_dict.txt"
STOP_WORDS = RESOURCES / "stop_words.txt"

# A token with no letter, digit or CJK character is punctuation or space.
_HAS_WORD_CHARACTER = re.compile(r"[^\W_]")

# jieba announces every dictionary load at DEBUG on its own handler; a server log has no use for it.
jieba.setLogLevel(logging.WARNING)
_segmenters: dict[tuple[str, ...], jieba.Tokenizer] = {}
_segmenters_lock = threading.Lock()


def read_word_list(path: Path) -> list[str]:
    """One term per line; blank lines and lines starting with ``#`` are skipped."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            words.append(word)
    return words


def _segmenter(user_words: tuple[str, ...]) -> jieba.Tokenizer:
    """The shared segmenter for ``user_words``; jieba's own dictionary is loaded once per process."""
    with _segmenters_lock:
        base = _segmenters.get(())
        if base is None:
            base = jieba.Tokenizer()
            base.initialize()
            _segmenters[()] = base
        found = _segmenters.get(user_words)
        if found is None:
            found = jieba.Tokenizer()
            # Copying the loaded dictionary takes milliseconds; loading it again takes half a second.
            found.FREQ, found.total, found.initialized = dict(base.FREQ), base.total, True
            for word in user_words:
                # No frequency: jieba suggests one just high enough to keep the term whole.
                found.add_word(word)
            _segmenters[user_words] = found
        return found


class Tokenizer:
    """Segments text into lower-cased words, without punctuation, whitespace or stop words.

    A pickled tokenizer keeps its word lists, not jieba's dictionary, so a saved model segments text exactly
    as it did in training even if the resource files change later.
    """

    def __init__(
        self, user_words: Iterable[str] = (), stop_words: Iterable[str] = (), hmm: bool = False
    ) -> None:
        self._configure(user_words, stop_words, hmm)

    def _configure(self, user_words: Iterable[str], stop_words: Iterable[str], hmm: bool) -> None:
        self.user_words: tuple[str, ...] = tuple(dict.fromkeys(word.strip() for word in user_words if word))
        self.stop_words: frozenset[str] = frozenset(word.strip().lower() for word in stop_words if word)
        # jieba's hidden Markov model joins characters it has no word for (names, places) into new words. Off by
        # default: cross-validated macro-F1 was the same without it, and segmentation is a fifth faster.
        self.hmm = hmm
        self._jieba: jieba.Tokenizer | None = None

    @classmethod
    def default(cls) -> Tokenizer:
        """The project's dictionary and stop words from ``triage/resources``."""
        return cls(read_word_list(USER_DICT), read_word_list(STOP_WORDS))

    def _segment(self) -> jieba.Tokenizer:
        if self._jieba is None:
            self._jieba = _segmenter(self.user_words)
        return self._jieba

    def tokenize(self, text: str) -> list[str]:
        stop_words = self.stop_words
        # Lower-case after segmenting: jieba is about a fifth slower on lower-cased Latin text.
        return [
            word
            for word in map(str.lower, self.segment(text))
            # isalnum() settles nearly every token; the pattern only sees mixed ones like "5g-a".
            if word not in stop_words and (word.isalnum() or _HAS_WORD_CHARACTER.search(word))
        ]

    def segment(self, text: str) -> list[str]:
        """jieba's segmentation alone, as ``tokenize`` uses it (before lower-casing and filtering)."""
        words: list[str] = self._segment().lcut(text, HMM=self.hmm)
        return words

    def __getstate__(self) -> dict[str, object]:
        return {"user_words": list(self.user_words), "stop_words": sorted(self.stop_words), "hmm": self.hmm}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._configure(state["user_words"], state["stop_words"], state["hmm"])
