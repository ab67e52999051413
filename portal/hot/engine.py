"""Grouping complaints that describe one problem in one place, and how hot a group is. Pure: no Flask.

Each complaint is its words (:func:`portal.complaints.likeness.document`: title twice, body, place codes whole),
weighed by TF-IDF over the window. Two complaints are linked when their cosine is at least ``threshold``, and
a group is a connected set of links; a link must also be *mutual among the nearest*: each is among the other's
``neighbours`` most alike, which keeps one vague complaint from chaining two problems together. The heat of a
group grows with its size, its distinct supporters and how fast it came: ``size + supporters / 2`` weighted up
when the complaints arrived within a few days and down when they are spread over the whole window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

# Tuned on the "tune" half of bench/hot_issue_labels.csv (python -m bench.hot_issues); the other half is untouched.
LINK_THRESHOLD = 0.3
NEIGHBOURS = 20


def group_vectors(matrix: csr_matrix, *, threshold: float, neighbours: int) -> list[int]:
    """A group number for each row of ``matrix`` (L2-normalised TF-IDF): rows of one problem share it."""
    count = matrix.shape[0]
    similar = (matrix @ matrix.T).tocsr()
    similar.setdiag(0)
    similar.data[similar.data < threshold] = 0
    similar.eliminate_zeros()
    # Keep, for each row, only its ``neighbours`` most alike; a link stands if both ends kept it.
    rows, cols = [], []
    for row in range(count):
        start, end = similar.indptr[row], similar.indptr[row + 1]
        if start == end:
            continue
        scores = similar.data[start:end]
        keep = np.argsort(-scores, kind="stable")[:neighbours]
        rows.extend([row] * len(keep))
        cols.extend(similar.indices[start:end][keep].tolist())
    kept = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(count, count))
    mutual = kept.multiply(kept.T)
    _n, labels = connected_components(mutual, directed=False)
    return [int(label) for label in labels]


@dataclass(frozen=True)
class Heat:
    value: float
    span_days: float


def heat(size: int, supporters: int, first: datetime, last: datetime, window_days: int) -> Heat:
    """How hot a group is: more complaints and more supporters, arriving closer together, are hotter."""
    span = max((last - first).total_seconds() / 86400, 0.0)
    pace = 1 + math.log1p(window_days / (1 + span)) / math.log1p(window_days)  # 2 at once, ~1 over the window
    return Heat(round((size + supporters / 2) * pace, 2), round(span, 1))
