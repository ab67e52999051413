"""The complaint classifier: a calibrated stack of linear models over character and word TF-IDF.

Training (``TriageModel.fit``):

1. Segment every title and body once with :class:`Tokenizer`, and fit the TF-IDF feature blocks on all the
   examples (vocabulary and idf use no labels; fitting them per fold changed cross-validated macro-F1 by less
   than 0.001, so they are fitted once).
2. Cross-validate the base models, an NB-SVM on the character blocks and one on the word blocks, with folds
   that keep identical complaints together and balance the categories, collecting their out-of-fold scores.
3. Fit the stacker, a multinomial logistic regression, on those out-of-fold scores (plus whether the complaint
   has a body). Its probabilities are the calibrated confidence. Its own out-of-fold predictions give the
   reported cross-validated figures and the auto-route threshold: the lowest confidence at which at least
   ``target_precision`` (plus a safety margin, see :class:`ModelSettings`) of the held-out complaints were
   right.
4. Refit the base models on all the examples.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import joblib
import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from triage.engine.categories import CATEGORY_KEYS
from triage.engine.dataset import Example
from triage.engine.features import (
    CHAR_TEXT,
    CHAR_TITLE,
    WORD_TEXT,
    WORD_TITLE,
    ComplaintFeaturizer,
    FeatureSettings,
    TokenizedComplaint,
)
from triage.engine.linear import BaseSpec, FittedLinear, LinearEnsemble, fit_base
from triage.engine.script import to_simplified
from triage.engine.threshold import auto_route_figures, choose_threshold
from triage.engine.tokenizer import Tokenizer

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Progress = Callable[[str], None]

# Bumped when a saved model can no longer be read by this code.
FORMAT_VERSION = 1

LOCAL_WEIGHT = 10.0
SHORT_TITLE = 10

DEFAULT_BASES = (
    BaseSpec("nbsvm_char", (CHAR_TEXT, CHAR_TITLE)),
    BaseSpec("nbsvm_word", (WORD_TEXT, WORD_TITLE)),
)


@dataclass(frozen=True)
class ModelSettings:
    """Every choice of the model; the defaults were chosen by grouped cross-validation on training data."""

    features: FeatureSettings = field(default_factory=FeatureSettings)
    bases: tuple[BaseSpec, ...] = DEFAULT_BASES
    stacker_c: float = 0.3
    n_folds: int = 5
    target_precision: float = 0.98
    # Held-out folds flatter the threshold: in nested cross-validation inside the training split (10 outer
    # folds), complaints routed at an out-of-fold precision of exactly 98% were 97.75% right on complaints
    # outside it (the refitted model is surer of itself than the fold models, and the largest precise cut is
    # the luckiest one). Aiming half a point higher gave 98.1%.
    threshold_margin: float = 0.005
    seed: int = 0
    # Traditional characters converted to Simplified before anything reads the text (triage.engine.script).
    simplify: bool = True
    # How many base-corpus complaints one local example (Example.local) outweighs, in the base models and the
    # stacker alike, so that the jurisdiction's convention wins where it disagrees with the base corpus.
    # Chosen by cross-validation on the seed corpus over a contest-trained base (bench.triage_accuracy).
    local_weight: float = LOCAL_WEIGHT
    # Before training on a base corpus and local examples together, relabel the base complaints that a model of
    # the local examples alone files elsewhere with a confidence reaching its own auto-route threshold: the
    # base corpus is translated into the local convention where the local data is sure of it.
    adopt_local_convention: bool = True


@dataclass(frozen=True)
class Prediction:
    """The predicted category key, its calibrated probability, the three likeliest categories, and whether the
    confidence reaches the model's auto-route threshold."""

    category: str
    confidence: float
    top: list[tuple[str, float]]
    auto_route: bool

    def routes_at(self, threshold: float) -> bool:
        """Whether this prediction would be routed without a human at another threshold."""
        return self.confidence >= threshold


@dataclass(frozen=True)
class TrainingReport:
    """Cross-validated figures from ``fit``: every figure here is from complaints held out of training."""

    n_examples: int
    n_groups: int
    categories: list[str]
    folds: int
    cv_macro_f1: float
    cv_accuracy: float
    cv_log_loss: float
    cv_f1_by_category: dict[str, float]
    cv_base_macro_f1: dict[str, float]
    threshold: float
    target_precision: float
    cv_auto_route_precision: float
    cv_auto_route_coverage: float
    # Short complaints (a title alone of at most SHORT_TITLE characters): their own threshold and its figures.
    short_threshold: float
    cv_short_examples: int
    cv_short_auto_route_precision: float
    cv_short_auto_route_coverage: float
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class TriageModel:
    def __init__(self, settings: ModelSettings | None = None, tokenizer: Tokenizer | None = None) -> None:
        self.settings = settings or ModelSettings()
        self.tokenizer = tokenizer or Tokenizer.default()
        self.format_version = FORMAT_VERSION
        self.classes: tuple[str, ...] = ()
        self.threshold: float = 1.0
        self.short_threshold: float = 1.0
        self._featurizer: ComplaintFeaturizer | None = None
        self._ensemble: LinearEnsemble | None = None
        self._stacker: Pipeline | None = None
        # What the model predicted for each of its training complaints while it was held out (text key ->
        # category key): lets a later model be compared with this one on complaints neither has seen.
        self.held_out: dict[str, str] = {}
        # Base complaints relabelled to the local convention in the last fit, counted by "from->to".
        self.relabelled: dict[str, int] = {}

    @property
    def is_fitted(self) -> bool:
        return self._stacker is not None

    # --- training -------------------------------------------------------------------------------------------

    def fit(self, examples: Sequence[Example], progress: Progress | None = None) -> TrainingReport:
        say = progress or (lambda _line: None)
        started = time.perf_counter()
        if getattr(self.settings, "adopt_local_convention", False):
            examples = self._adopt_local_convention(examples, say)
        classes = tuple(key for key in CATEGORY_KEYS if any(e.label == key for e in examples))
        y = np.array([classes.index(e.label) for e in examples], dtype=np.int64)
        groups = _duplicate_groups(examples)
        folds = self._folds(y, groups, classes)
        say(f"segmenting {len(examples)} complaints")
        complaints = self._tokenize([(e.title, e.body) for e in examples])
        featurizer = ComplaintFeaturizer(self.settings.features)
        blocks = featurizer.fit_transform(complaints)
        say("features: " + ", ".join(f"{name} {count}" for name, count in featurizer.n_features().items()))
        has_body = np.array([bool(e.body.strip()) for e in examples])
        weight = self._weights(examples)

        held_out_scores = np.zeros((len(examples), len(classes) * len(self.settings.bases)))
        # Short complaints (a title alone, of at most SHORT_TITLE characters) get a threshold of their own, chosen
        # on the titles of the training complaints that short, each sent alone to the fold models that did not
        # see it: confidence learnt on long texts promises too much for a few characters.
        short = np.flatnonzero([len(e.title.strip()) <= SHORT_TITLE for e in examples])
        short_blocks = (
            featurizer.transform(self._tokenize([(examples[int(i)].title, "") for i in short]))
            if len(short)
            else {}
        )
        short_scores = np.zeros((len(short), held_out_scores.shape[1]))
        for number, (train, test) in enumerate(folds, start=1):
            ensemble = self._fit_bases(_rows(blocks, train), y[train], len(classes), _take(weight, train))
            held_out_scores[test] = ensemble.scores(_rows(blocks, test))
            in_test = np.flatnonzero(np.isin(short, test))
            if len(in_test):
                short_scores[in_test] = ensemble.scores(_rows(short_blocks, in_test))
            say(f"fold {number}/{len(folds)}: {len(train)} to train, {len(test)} held out")
        base_f1 = {
            spec.name: _macro_f1(y, held_out_scores[:, i * len(classes) : (i + 1) * len(classes)].argmax(1))
            for i, spec in enumerate(self.settings.bases)
        }
        stacker_input = _stacker_input(held_out_scores, has_body)
        held_out_proba = np.zeros((len(examples), len(classes)))
        short_input = _stacker_input(short_scores, np.zeros(len(short), dtype=bool))
        short_proba = np.zeros((len(short), len(classes)))
        for train, test in folds:
            stacker = self._fit_stacker(stacker_input[train], y[train], _take(weight, train))
            held_out_proba[test] = _probabilities(stacker, stacker_input[test], len(classes))
            in_test = np.flatnonzero(np.isin(short, test))
            if len(in_test):
                short_proba[in_test] = _probabilities(stacker, short_input[in_test], len(classes))

        predicted = held_out_proba.argmax(1)
        confidence = held_out_proba.max(1)
        correct = predicted == y
        threshold = choose_threshold(
            confidence, correct, min(1.0, self.settings.target_precision + self.settings.threshold_margin)
        )
        precision, coverage = auto_route_figures(confidence, correct, threshold)
        short_correct = short_proba.argmax(1) == y[short]
        short_threshold = choose_threshold(
            short_proba.max(1),
            short_correct,
            min(1.0, self.settings.target_precision + self.settings.threshold_margin),
        )
        short_precision, short_coverage = auto_route_figures(
            short_proba.max(1), short_correct, short_threshold
        )
        per_category = f1_score(y, predicted, average=None, labels=range(len(classes)), zero_division=0.0)

        say("refitting on all examples")
        self._ensemble = self._fit_bases(blocks, y, len(classes), weight)
        self._stacker = self._fit_stacker(stacker_input, y, weight)
        self._featurizer = featurizer
        self.classes = classes
        self.threshold = threshold
        self.short_threshold = short_threshold
        self.held_out = {
            text_key(e.title, e.body): classes[int(p)] for e, p in zip(examples, predicted, strict=True)
        }
        report = TrainingReport(
            n_examples=len(examples),
            n_groups=len(set(groups.tolist())),
            categories=list(classes),
            folds=len(folds),
            cv_macro_f1=_macro_f1(y, predicted),
            cv_accuracy=float(accuracy_score(y, predicted)),
            cv_log_loss=float(log_loss(y, held_out_proba, labels=range(len(classes)))),
            cv_f1_by_category={key: float(value) for key, value in zip(classes, per_category, strict=True)},
            cv_base_macro_f1=base_f1,
            threshold=threshold,
            target_precision=self.settings.target_precision,
            cv_auto_route_precision=precision,
            cv_auto_route_coverage=coverage,
            short_threshold=short_threshold,
            cv_short_examples=len(short),
            cv_short_auto_route_precision=short_precision,
            cv_short_auto_route_coverage=short_coverage,
            seconds=time.perf_counter() - started,
        )
        say(
            f"cross-validated: macro-F1 {report.cv_macro_f1:.4f}, accuracy {report.cv_accuracy:.4f}; "
            f"threshold {threshold:.4f} routes {coverage:.1%} at precision {precision:.2%}"
        )
        return report

    def _folds(
        self, y: IntArray, groups: IntArray, classes: Sequence[str]
    ) -> list[tuple[IntArray, IntArray]]:
        """Stratified folds over groups of identical complaints (each group labelled by its first member).

        Cheaper than scikit-learn's StratifiedGroupKFold, whose search is slow with thousands of groups, and
        as good here, where nearly every group is a single complaint.
        """
        if len(classes) < 2:
            raise ValueError("training needs examples of at least two categories")
        first_of_group = np.unique(groups, return_index=True)[1]
        group_label = y[first_of_group]
        per_category = np.bincount(group_label, minlength=len(classes))
        smallest = int(per_category.min())
        if smallest < 2:
            rare = [classes[int(i)] for i in np.flatnonzero(per_category < 2)]
            raise ValueError(
                f"every category needs at least two distinct complaints; too few for {', '.join(rare)}"
            )
        splitter = StratifiedKFold(
            min(self.settings.n_folds, smallest), shuffle=True, random_state=self.settings.seed
        )
        folds = []
        for _train_groups, test_groups in splitter.split(first_of_group, group_label):
            held_out = np.isin(groups, test_groups)
            folds.append((np.flatnonzero(~held_out), np.flatnonzero(held_out)))
        return folds

    def _adopt_local_convention(self, examples: Sequence[Example], say: Progress) -> list[Example]:
        """``examples`` with base complaints relabelled where a model of the local ones alone is sure otherwise."""
        local = [e for e in examples if e.local]
        base = [e for e in examples if not e.local]
        self.relabelled = {}
        if not local or not base or len({e.label for e in local}) < 2:
            return list(examples)
        say(f"learning the local convention from {len(local)} local examples")
        judge = TriageModel(dataclasses.replace(self.settings, adopt_local_convention=False), self.tokenizer)
        try:
            judge.fit(local)
        except ValueError as exc:  # too few local examples of some category to cross-validate
            say(f"local examples too few to judge the base corpus ({exc})")
            return list(examples)
        relabelled: dict[str, int] = {}
        adopted = []
        for example, prediction in zip(base, judge.predict([(e.title, e.body) for e in base]), strict=True):
            if prediction.category != example.label and prediction.confidence >= judge.threshold:
                key = f"{example.label}->{prediction.category}"
                relabelled[key] = relabelled.get(key, 0) + 1
                example = dataclasses.replace(example, label=prediction.category)
            adopted.append(example)
        self.relabelled = relabelled
        say(f"relabelled {sum(relabelled.values())} base complaints to the local convention: {relabelled}")
        return adopted + local

    def _weights(self, examples: Sequence[Example]) -> FloatArray | None:
        """Per-example weights when local and base examples are mixed; ``None`` (all equal) otherwise."""
        local = np.array([e.local for e in examples])
        weight = getattr(self.settings, "local_weight", 1.0)
        if weight == 1.0 or local.all() or not local.any():
            return None
        return np.where(local, weight, 1.0)

    def _fit_bases(
        self,
        blocks: dict[str, sparse.csr_matrix],
        y: IntArray,
        n_classes: int,
        weight: FloatArray | None = None,
    ) -> LinearEnsemble:
        fitted: list[FittedLinear] = [
            fit_base(spec, blocks, y, n_classes, seed=self.settings.seed, sample_weight=weight)
            for spec in self.settings.bases
        ]
        return LinearEnsemble.join(fitted)

    def _fit_stacker(self, features: FloatArray, y: IntArray, weight: FloatArray | None = None) -> Pipeline:
        # Standardised inputs: the base models' scores differ in scale, and lbfgs converges far faster on
        # comparable ones.
        stacker = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.settings.stacker_c, max_iter=1000)
        )
        return stacker.fit(features, y, logisticregression__sample_weight=weight)

    # --- prediction -----------------------------------------------------------------------------------------

    def _tokenize(self, items: Sequence[tuple[str, str]]) -> list[TokenizedComplaint]:
        tokenize = self.tokenizer.tokenize
        # Models saved before the setting existed read text as it comes.
        if getattr(self.settings, "simplify", False):
            items = [(to_simplified(title), to_simplified(body)) for title, body in items]
        return [TokenizedComplaint(title, body, tokenize(title), tokenize(body)) for title, body in items]

    def predict_proba(self, items: Sequence[tuple[str, str]]) -> FloatArray:
        """Calibrated probabilities, one row per (title, body), columns in the order of ``classes``."""
        if self._featurizer is None or self._ensemble is None or self._stacker is None:
            raise RuntimeError("the model is not trained")
        if not items:
            return np.zeros((0, len(self.classes)))
        blocks = self._featurizer.transform(self._tokenize(items))
        has_body = np.array([bool(body.strip()) for _title, body in items])
        return _probabilities(
            self._stacker, _stacker_input(self._ensemble.scores(blocks), has_body), len(self.classes)
        )

    def threshold_for(self, title: str, body: str) -> float:
        """The auto-route threshold for this complaint: short complaints have their own (see ``fit``)."""
        if is_short(title, body):
            # Models saved before short complaints had a threshold of their own used the one for all.
            return max(self.threshold, getattr(self, "short_threshold", self.threshold))
        return self.threshold

    def predict(self, items: Sequence[tuple[str, str]]) -> list[Prediction]:
        probabilities = self.predict_proba(items)
        ranked = np.argsort(-probabilities, axis=1)[:, :3]
        predictions = []
        for (title, body), row, order in zip(items, probabilities, ranked, strict=True):
            top = [(self.classes[i], float(row[i])) for i in order]
            confidence = top[0][1]
            predictions.append(
                Prediction(top[0][0], confidence, top, confidence >= self.threshold_for(title, body))
            )
        return predictions

    # --- persistence ----------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        if not self.is_fitted:
            raise RuntimeError("the model is not trained")
        joblib.dump(self, path)

    @classmethod
    def load(cls, path: Path) -> TriageModel:
        """Load a model saved by :meth:`save`. Like any pickle, only ever load files this system wrote."""
        model = joblib.load(path)
        if not isinstance(model, cls):
            raise TypeError(f"{path} does not hold a {cls.__name__}")
        if getattr(model, "format_version", None) != FORMAT_VERSION:
            raise ValueError(
                f"{path} was saved in format {model.format_version}; this code reads {FORMAT_VERSION}"
            )
        return model


def is_short(title: str, body: str) -> bool:
    """A title alone, of at most :data:`SHORT_TITLE` characters: the complaints that get a threshold of their own."""
    return not body.strip() and len(title.strip()) <= SHORT_TITLE


def text_key(title: str, body: str) -> str:
    """A complaint's identity up to spacing, as used to keep duplicates in one fold."""
    normalized = "".join(title.split()) + "\x1f" + "".join(body.split())
    return hashlib.sha1(normalized.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()[:16]


def _duplicate_groups(examples: Sequence[Example]) -> IntArray:
    """Identical complaints (same title and body up to spacing) share a group and so a fold."""
    ids: dict[tuple[str, str], int] = {}
    return np.array(
        [ids.setdefault(("".join(e.title.split()), "".join(e.body.split())), len(ids)) for e in examples],
        dtype=np.int64,
    )


def _take(weight: FloatArray | None, rows: IntArray) -> FloatArray | None:
    return None if weight is None else weight[rows]


def _rows(blocks: dict[str, sparse.csr_matrix], rows: IntArray) -> dict[str, sparse.csr_matrix]:
    return {name: matrix[rows] for name, matrix in blocks.items()}


def _stacker_input(scores: FloatArray, has_body: npt.NDArray[np.bool_]) -> FloatArray:
    return np.hstack([scores, has_body[:, None].astype(np.float64)])


def _probabilities(stacker: Pipeline, features: FloatArray, n_classes: int) -> FloatArray:
    """Probabilities for every category, zero for one the stacker never saw (a fold of a tiny corpus)."""
    probabilities = np.zeros((len(features), n_classes))
    probabilities[:, stacker.classes_] = stacker.predict_proba(features)
    return probabilities


def _macro_f1(y: IntArray, predicted: IntArray) -> float:
    return float(f1_score(y, predicted, average="macro"))
