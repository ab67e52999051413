from __future__ import annotations

import pickle

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.engine.features import CharNgramVectorizer, TokenVectorizer

TEXTS = [
    "小区电梯坏了三天，物业一直不修。",
    "工地夜间施工  噪音扰民，\n请环保部门处理",
    "Bus route 12 is late every day",
    "电梯电梯电梯：重复的词",
    "",
]


def similarities(matrix: object) -> np.ndarray:
    # Column order differs between implementations; the documents' cosine similarities do not.
    return (matrix @ matrix.T).toarray()  # type: ignore[attr-defined, operator]


def test_character_ngrams_match_scikit_learn() -> None:
    ours = CharNgramVectorizer((1, 2)).fit(TEXTS)
    reference = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit(TEXTS)
    assert ours.n_features == len(reference.vocabulary_)
    np.testing.assert_allclose(similarities(ours.transform(TEXTS)), similarities(reference.transform(TEXTS)))


def test_character_min_df_and_unseen_ngrams() -> None:
    vectorizer = CharNgramVectorizer((1, 1), min_df=2).fit(["甲乙", "甲丙", "丁"])
    assert vectorizer.n_features == 1  # only 甲 is in two documents
    matrix = vectorizer.transform(["戊己", "甲"])
    assert matrix.shape == (2, 1)
    assert matrix[0].nnz == 0
    np.testing.assert_allclose(matrix[1].toarray(), [[1.0]])


def test_tokens_match_scikit_learn() -> None:
    documents = [["电梯", "坏", "电梯"], ["噪音", "扰民"], ["bus", "电梯"], []]
    ours = TokenVectorizer().fit(documents)
    reference = TfidfVectorizer(analyzer=lambda tokens: tokens, sublinear_tf=True).fit(documents)
    assert ours.vocabulary_.keys() == reference.vocabulary_.keys()
    np.testing.assert_allclose(
        similarities(ours.transform(documents)), similarities(reference.transform(documents))
    )
    assert ours.transform([["没见过"]]).nnz == 0


def test_bucket_table_is_not_pickled() -> None:
    vectorizer = CharNgramVectorizer((1, 2)).fit(TEXTS)
    expected = vectorizer.transform(TEXTS).toarray()
    restored = pickle.loads(pickle.dumps(vectorizer))  # noqa: S301 - an object this test made
    assert len(pickle.dumps(vectorizer)) < 20_000
    np.testing.assert_allclose(restored.transform(TEXTS).toarray(), expected)
