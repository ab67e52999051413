"""The linear classifiers the triage model stacks (NB-SVMs), each reduced to weights per feature block.

Every base model is trained on the horizontal stack of its feature blocks and then keeps, per block, a weight
matrix (features x categories). Prediction multiplies each block once by the weights of all base models
together, which costs one sparse-dense product per block however many base models there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.svm import LinearSVC

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# An absent category (possible in a cross-validation fold of a tiny corpus) gets this score and never wins.
_ABSENT_SCORE = -10.0


@dataclass(frozen=True)
class BaseSpec:
    """A base model: an NB-SVM on some feature blocks, with the SVM's regularisation ``c``."""

    name: str
    blocks: tuple[str, ...]
    c: float = 1.0


@dataclass
class FittedLinear:
    """Weights per feature block (features x categories) and intercepts (categories)."""

    weights: dict[str, FloatArray]
    intercept: FloatArray


def _stack(blocks: Mapping[str, sparse.csr_matrix], names: Sequence[str]) -> sparse.csr_matrix:
    return sparse.hstack([blocks[name] for name in names], format="csr")


def _split_columns(
    coefficients: FloatArray, blocks: Mapping[str, sparse.csr_matrix], names: Sequence[str]
) -> dict[str, FloatArray]:
    """Cut a (categories x stacked features) matrix into per-block (features x categories) matrices."""
    weights = {}
    start = 0
    for name in names:
        width = blocks[name].shape[1]
        weights[name] = np.ascontiguousarray(coefficients[:, start : start + width].T)
        start += width
    return weights


def _nbsvm(
    X: sparse.csr_matrix,
    y: IntArray,
    n_classes: int,
    c: float,
    seed: int,
    sample_weight: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """NB-SVM (Wang & Manning 2012): one-vs-rest linear SVMs on features scaled by naive Bayes ratios.

    The log-count ratio of a feature says how much more often it occurs (present or not, Laplace-smoothed) in
    the category than elsewhere; scaling by it lets the SVM start from what naive Bayes knows. With
    ``sample_weight`` a document counts that many times, in the ratios and in the SVM's loss.
    """
    weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    present = X.copy()
    present.data[:] = 1.0
    # Documents containing each feature, per category: one sparse product instead of a slice per category.
    membership = sparse.csr_matrix((weight, (y, np.arange(len(y)))), shape=(n_classes, len(y)))
    containing = np.asarray((membership @ present).todense())
    everywhere = containing.sum(axis=0)
    coefficients = np.zeros((n_classes, X.shape[1]))
    intercepts = np.full(n_classes, _ABSENT_SCORE)
    scaled = X.copy()
    for category in range(n_classes):
        inside = y == category
        if not inside.any() or inside.all():
            continue
        p = 1.0 + containing[category]
        q = 1.0 + everywhere - containing[category]
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        scaled.data = X.data * ratio[X.indices]
        # A tolerance of 1e-2 instead of 1e-4 halves the training time; the weights agree to five digits.
        svm = LinearSVC(C=c, tol=1e-2, random_state=seed, max_iter=5000)
        svm.fit(scaled, inside.astype(np.int64), sample_weight=None if sample_weight is None else weight)
        coefficients[category] = ratio * svm.coef_.ravel()
        intercepts[category] = svm.intercept_[0]
    return coefficients, intercepts


def fit_base(
    spec: BaseSpec,
    blocks: Mapping[str, sparse.csr_matrix],
    y: IntArray,
    n_classes: int,
    *,
    seed: int,
    sample_weight: FloatArray | None = None,
) -> FittedLinear:
    X = _stack(blocks, spec.blocks)
    coefficients, intercepts = _nbsvm(X, y, n_classes, spec.c, seed, sample_weight)
    return FittedLinear(_split_columns(coefficients, blocks, spec.blocks), intercepts)


@dataclass
class LinearEnsemble:
    """Several fitted linear models evaluated together.

    ``scores`` returns (rows, categories x models), model by model. Per block only the models that read it
    keep weights (as float32: the scores feed a calibrator, and half the size matters more than the last
    digits).
    """

    block_weights: dict[str, npt.NDArray[np.float32]]
    block_outputs: dict[str, IntArray]
    intercept: FloatArray

    @classmethod
    def join(cls, models: Sequence[FittedLinear]) -> LinearEnsemble:
        n_classes = len(models[0].intercept)
        parts: dict[str, list[tuple[FloatArray, IntArray]]] = {}
        for position, model in enumerate(models):
            outputs = np.arange(position * n_classes, (position + 1) * n_classes, dtype=np.int64)
            for name, weights in model.weights.items():
                parts.setdefault(name, []).append((weights, outputs))
        return cls(
            block_weights={
                name: np.hstack([w for w, _ in found]).astype(np.float32) for name, found in parts.items()
            },
            block_outputs={name: np.concatenate([o for _, o in found]) for name, found in parts.items()},
            intercept=np.concatenate([model.intercept for model in models]),
        )

    def scores(self, blocks: Mapping[str, sparse.csr_matrix]) -> FloatArray:
        n_rows = next(iter(blocks.values())).shape[0]
        total = np.tile(self.intercept, (n_rows, 1))
        for name, weights in self.block_weights.items():
            # float32 on both sides: a float64 matrix would make scipy copy all the weights to float64 per call.
            total[:, self.block_outputs[name]] += blocks[name].astype(np.float32) @ weights
        return total
