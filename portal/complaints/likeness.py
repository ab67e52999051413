"""Whether two complaints describe the same problem: jieba words, TF-IDF, cosine. Pure: no Flask, no database.

A complaint's text is its title twice (a title names the problem and the place in a few words) and its body once,
segmented by jieba into words; single characters, punctuation and a few words every complaint uses are dropped.
Place markers written with Latin letters and digits ("A3区", "G2栋") stay whole, because the same problem in
another street is another complaint. The vectors are TF-IDF (sublinear term frequency) fitted on the candidates
and the query together, so the words the candidates share count less than the ones that set one apart.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# Measured on 60 judged pairs of TipDM 2020 messages (bench/similar_threshold.py: precision 0.77, recall 0.95
# over the judged pairs, best F1): the cosine from which two complaints of one division are the same problem.
SAME_PROBLEM_THRESHOLD = 0.25
# Words nearly every complaint uses: they say nothing about which problem it is.
GENERIC_WORDS = frozenset(
    [
        "问题",
        "反映",
        "请问",
        "希望",
        "相关",
        "部门",
        "领导",
        "政府",
        "你们",
        "我们",
        "他们",
        "现在",
        "一直",
        "没有",
        "能够",
        "尽快",
        "解决",
        "处理",
        "投诉",
        "咨询",
        "关于",
        "情况",
        "已经",
        "这个",
        "那个",
        "什么",
        "怎么",
        "为什么",
        "可以",
        "是否",
        "一个",
        "进行",
        "要求",
        "非常",
        "严重",
        "谢谢",
        "感谢",
        "您好",
        "尊敬",
        "市民",
        "居民",
        "群众",
        "本人",
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "把",
        "被",
        "给",
    ]
)
_WORD = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_PLACE_CODE = re.compile(r"[A-Za-z]+\d+[\u4e00-\u9fff]?")

jieba.setLogLevel(logging.WARNING)
_segmenter: jieba.Tokenizer | None = None
_segmenter_lock = threading.Lock()


def _jieba() -> jieba.Tokenizer:
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            segmenter = jieba.Tokenizer()
            segmenter.initialize()
            _segmenter = segmenter
        return _segmenter


def words(text: str) -> list[str]:
    """The words of ``text`` that can tell one problem from another, lower-cased."""
    found: list[str] = list(_PLACE_CODE.findall(text))
    for word in _jieba().lcut(_PLACE_CODE.sub(" ", text), HMM=False):
        token = word.strip().lower()
        if len(token) >= 2 and _WORD.search(token) and token not in GENERIC_WORDS:
            found.append(token)
    return [token.lower() for token in found]


def document(title: str, body: str) -> list[str]:
    return words(title) * 2 + words(body)


@dataclass(frozen=True)
class Match:
    index: int  # position in the candidates
    score: float


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_identity, sublinear_tf=True, norm="l2")


def most_alike(
    query: list[str],
    candidates: Sequence[list[str]],
    *,
    threshold: float = SAME_PROBLEM_THRESHOLD,
    limit: int = 5,
) -> list[Match]:
    """The candidates (already segmented with :func:`document`) at least ``threshold`` alike to ``query``,
    most alike first, at most ``limit``."""
    if not candidates or not query:
        return []
    matrix = vectorizer().fit_transform([query, *candidates])
    scores = np.asarray((matrix[1:] @ matrix[0].T).todense()).ravel()
    order = np.argsort(-scores, kind="stable")[:limit]
    return [Match(int(i), float(scores[i])) for i in order if scores[i] >= threshold]
