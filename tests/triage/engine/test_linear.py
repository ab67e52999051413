from __future__ import annotations

import numpy as np
from scipy import sparse

from triage.engine.linear import BaseSpec, LinearEnsemble, fit_base

RNG = np.random.default_rng(0)


def blocks(rows: int) -> dict[str, sparse.csr_matrix]:
    return {
        "a": sparse.random(rows, 30, density=0.3, format="csr", random_state=RNG),
        "b": sparse.random(rows, 20, density=0.3, format="csr", random_state=RNG),
    }


def test_ensemble_scores_are_each_models_scores_side_by_side() -> None:
    train = blocks(60)
    y = np.arange(60) % 3
    one = fit_base(BaseSpec("one", ("a", "b")), train, y, 3, seed=0)
    two = fit_base(BaseSpec("two", ("b",)), train, y, 3, seed=0)
    new = blocks(5)
    scores = LinearEnsemble.join([one, two]).scores(new)
    stacked = sparse.hstack([new["a"], new["b"]]).toarray()
    expected_one = stacked @ np.vstack([one.weights["a"], one.weights["b"]]) + one.intercept
    expected_two = new["b"].toarray() @ two.weights["b"] + two.intercept
    np.testing.assert_allclose(scores, np.hstack([expected_one, expected_two]), rtol=1e-4, atol=1e-4)


def test_a_category_missing_from_the_training_rows_never_wins() -> None:
    train = blocks(40)
    y = np.arange(40) % 2  # categories 0 and 1 only, of 3
    fitted = fit_base(BaseSpec("one", ("a",)), train, y, 3, seed=0)
    scores = LinearEnsemble.join([fitted]).scores(blocks(10))
    assert (scores.argmax(axis=1) != 2).all()
    assert not fitted.weights["a"][:, 2].any()
