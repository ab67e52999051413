"""TF-IDF features for complaints: character n-grams of the raw text and words from the tokenizer.

The vectorisers work on whole batches with numpy instead of looping over every n-gram in Python (as
scikit-learn's text vectorisers do), because prediction must cost little next to jieba's segmentation.

Character n-grams are hashed into ``2**hash_bits`` buckets; training keeps the buckets seen in at least
``min_df`` documents and numbers them as columns, and a dense bucket-to-column table turns any batch into
column indices with one gather. Two n-grams sharing a bucket share a column: with 4 million buckets, 3 % of
the 312 000 distinct n-grams of the TipDM training split do, nearly all of them rare. The weighting matches
scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``: ``1 + log(tf)`` times the smoothed idf, rows scaled to
unit length.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import numpy.typing as npt
from scipy import sparse

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_WHITESPACE = re.compile(r"\s\s+")
# Odd 64-bit constants (from splitmix64) that mix code points into n-gram hashes; any odd constants work.
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SPREAD = np.uint64(0x9E3779B97F4A7C15)


def _tfidf(
    doc_ids: IntArray, columns: IntArray, n_docs: int, idf: FloatArray, *, sublinear: bool
) -> sparse.csr_matrix:
    """Rows of l2-normalised TF-IDF from one (document, column) pair per occurrence, documents in order."""
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc_ids, minlength=n_docs), out=indptr[1:])
    matrix = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float64), columns, indptr), shape=(n_docs, len(idf))
    )
    matrix.sum_duplicates()
    if sublinear:
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
    matrix.data *= idf[matrix.indices]
    rows = np.repeat(np.arange(n_docs), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=n_docs))
    norms[norms == 0.0] = 1.0
    matrix.data /= norms[rows]
    return matrix


def _smoothed_idf(document_frequency: IntArray, n_docs: int) -> FloatArray:
    idf: FloatArray = np.log((1.0 + n_docs) / (1.0 + document_frequency)) + 1.0
    return idf


class CharNgramVectorizer:
    """TF-IDF of character n-grams, lower-cased, a run of whitespace read as one space (as scikit-learn does)."""

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 1,
        hash_bits: int = 22,
        sublinear: bool = True,
    ) -> None:
        if not 1 <= ngram_range[0] <= ngram_range[1]:
            raise ValueError(f"bad ngram_range {ngram_range}")
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.hash_bits = hash_bits
        self.sublinear = sublinear
        self.buckets_: IntArray = np.zeros(0, dtype=np.int64)
        self.idf_: FloatArray = np.zeros(0)
        self._column_of_bucket: npt.NDArray[np.int32] | None = None

    @property
    def n_features(self) -> int:
        return len(self.idf_)

    def _buckets(self, texts: Sequence[str]) -> tuple[IntArray, IntArray]:
        """Bucket of every n-gram occurrence and the index of its text, in text order."""
        cleaned = [_WHITESPACE.sub(" ", text.lower()) for text in texts]
        lengths = np.fromiter((len(text) for text in cleaned), dtype=np.int64, count=len(cleaned))
        # One array of code points for the whole batch; NUL separates texts and no n-gram may span it.
        codes = np.frombuffer("\0".join(cleaned).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(len(cleaned), dtype=np.int64), lengths + 1)[: len(codes)]
        # Pad with separators so that every position starts an n-gram of every size.
        padded = np.concatenate([codes, np.zeros(self.ngram_range[1], dtype=np.uint64)])
        separator = padded == 0
        sizes = range(self.ngram_range[0], self.ngram_range[1] + 1)
        # Column j holds the n-grams of size sizes[j] starting at each position, so raveling row by row keeps
        # each text's n-grams together, in text order, without sorting.
        keys = np.empty((len(codes), len(sizes)), dtype=np.uint64)
        valid = np.empty((len(codes), len(sizes)), dtype=bool)
        with np.errstate(over="ignore"):  # the hashes are meant to wrap around
            for column, n in enumerate(sizes):
                key = np.full(len(codes), n, dtype=np.uint64)
                spans_separator = np.zeros(len(codes), dtype=bool)
                for offset in range(n):
                    key *= _MIX
                    key += padded[offset : offset + len(codes)]
                    spans_separator |= separator[offset : offset + len(codes)]
                keys[:, column] = key
                valid[:, column] = ~spans_separator
            keys *= _SPREAD
        keys >>= np.uint64(64 - self.hash_bits)
        keep = valid.ravel()
        buckets = keys.ravel()[keep].astype(np.int64)
        owners = np.repeat(owner, len(sizes))[keep]
        return buckets, owners

    def fit(self, texts: Sequence[str]) -> CharNgramVectorizer:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Fit and transform with one pass over the n-grams (they are the costly part)."""
        buckets, owners = self._buckets(texts)
        n_buckets = 1 << self.hash_bits
        counts = sparse.csr_matrix(
            (np.ones(len(buckets)), buckets, self._indptr(owners, len(texts))), shape=(len(texts), n_buckets)
        )
        counts.sum_duplicates()
        document_frequency = np.bincount(counts.indices, minlength=n_buckets)
        self.buckets_ = np.flatnonzero(document_frequency >= max(self.min_df, 1)).astype(np.int64)
        self.idf_ = _smoothed_idf(document_frequency[self.buckets_], len(texts))
        self._column_of_bucket = None
        return self._weigh(buckets, owners, len(texts))

    @staticmethod
    def _indptr(owners: IntArray, n_docs: int) -> IntArray:
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(owners, minlength=n_docs), out=indptr[1:])
        return indptr

    def _columns(self) -> npt.NDArray[np.int32]:
        if self._column_of_bucket is None:
            table = np.full(1 << self.hash_bits, -1, dtype=np.int32)
            table[self.buckets_] = np.arange(len(self.buckets_), dtype=np.int32)
            self._column_of_bucket = table
        return self._column_of_bucket

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        buckets, owners = self._buckets(texts)
        return self._weigh(buckets, owners, len(texts))

    def _weigh(self, buckets: IntArray, owners: IntArray, n_texts: int) -> sparse.csr_matrix:
        columns = self._columns()[buckets]
        known = columns >= 0
        return _tfidf(
            owners[known], columns[known].astype(np.int64), n_texts, self.idf_, sublinear=self.sublinear
        )

    def __getstate__(self) -> dict[str, object]:
        # The bucket table is 16 MiB of derived data: rebuilt on first use instead of saved.
        state = dict(self.__dict__)
        state["_column_of_bucket"] = None
        return state


class TokenVectorizer:
    """TF-IDF of words from already tokenised documents (unigrams)."""

    def __init__(self, min_df: int = 1, sublinear: bool = True) -> None:
        self.min_df = min_df
        self.sublinear = sublinear
        self.vocabulary_: dict[str, int] = {}
        self.idf_: FloatArray = np.zeros(0)

    @property
    def n_features(self) -> int:
        return len(self.idf_)

    def fit(self, documents: Sequence[Sequence[str]]) -> TokenVectorizer:
        document_frequency: dict[str, int] = {}
        for document in documents:
            for token in set(document):
                document_frequency[token] = document_frequency.get(token, 0) + 1
        kept = sorted(token for token, count in document_frequency.items() if count >= self.min_df)
        self.vocabulary_ = {token: column for column, token in enumerate(kept)}
        frequencies = np.array([document_frequency[token] for token in kept], dtype=np.int64)
        self.idf_ = _smoothed_idf(frequencies, len(documents))
        return self

    def transform(self, documents: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        lengths = np.fromiter((len(document) for document in documents), dtype=np.int64, count=len(documents))
        columns = np.fromiter(
            map(self.vocabulary_.get, chain.from_iterable(documents), repeat(-1)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        owners = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
        known = columns >= 0
        return _tfidf(owners[known], columns[known], len(documents), self.idf_, sublinear=self.sublinear)


@dataclass(frozen=True)
class TokenizedComplaint:
    """A complaint's text and its words, segmented once and shared by every feature block."""

    title: str
    body: str
    title_tokens: Sequence[str]
    body_tokens: Sequence[str]


@dataclass(frozen=True)
class FeatureSettings:
    """How the blocks are built and weighted (chosen by cross-validation on training data only)."""

    char_ngrams: tuple[int, int] = (1, 2)
    char_min_df: int = 1
    word_min_df: int = 1
    title_weight: float = 0.7


# Names of the feature blocks; the classifiers pick theirs by name.
CHAR_TEXT, CHAR_TITLE, WORD_TEXT, WORD_TITLE = "char_text", "char_title", "word_text", "word_title"


class ComplaintFeaturizer:
    """Four TF-IDF blocks: characters and words of title+body, and of the title alone (weighted apart)."""

    def __init__(self, settings: FeatureSettings) -> None:
        self.settings = settings
        self.char_text = CharNgramVectorizer(settings.char_ngrams, settings.char_min_df)
        self.char_title = CharNgramVectorizer(settings.char_ngrams, settings.char_min_df)
        self.word_text = TokenVectorizer(settings.word_min_df)
        self.word_title = TokenVectorizer(settings.word_min_df)

    @staticmethod
    def _texts(complaints: Sequence[TokenizedComplaint]) -> tuple[list[str], list[str], list[list[str]]]:
        texts = [f"{c.title}\n{c.body}" for c in complaints]
        titles = [c.title for c in complaints]
        words = [[*c.title_tokens, *c.body_tokens] for c in complaints]
        return texts, titles, words

    def fit_transform(self, complaints: Sequence[TokenizedComplaint]) -> dict[str, sparse.csr_matrix]:
        texts, titles, words = self._texts(complaints)
        title_words = [c.title_tokens for c in complaints]
        self.word_text.fit(words)
        self.word_title.fit(title_words)
        return self._weighted(
            self.char_text.fit_transform(texts),
            self.char_title.fit_transform(titles),
            self.word_text.transform(words),
            self.word_title.transform(title_words),
        )

    def transform(self, complaints: Sequence[TokenizedComplaint]) -> dict[str, sparse.csr_matrix]:
        texts, titles, words = self._texts(complaints)
        return self._weighted(
            self.char_text.transform(texts),
            self.char_title.transform(titles),
            self.word_text.transform(words),
            self.word_title.transform([c.title_tokens for c in complaints]),
        )

    def _weighted(
        self,
        char_text: sparse.csr_matrix,
        char_title: sparse.csr_matrix,
        word_text: sparse.csr_matrix,
        word_title: sparse.csr_matrix,
    ) -> dict[str, sparse.csr_matrix]:
        weight = self.settings.title_weight
        return {
            CHAR_TEXT: char_text,
            CHAR_TITLE: char_title * weight,
            WORD_TEXT: word_text,
            WORD_TITLE: word_title * weight,
        }

    def n_features(self) -> Mapping[str, int]:
        return {
            CHAR_TEXT: self.char_text.n_features,
            CHAR_TITLE: self.char_title.n_features,
            WORD_TEXT: self.word_text.n_features,
            WORD_TITLE: self.word_title.n_features,
        }
