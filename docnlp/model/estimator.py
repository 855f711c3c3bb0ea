"""The element-sentence classifier: which checklist elements a sentence documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted

from ..errors import DocnlpError, Errors
from ..result import ELEMENTS
from .features import WordCharNgrams, WordNgrams

# Columns of a row of input: the sentence, its section category, its rule tags.
COLUMNS = ("text", "section", "rules")


class ElementSentenceClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label classifier of report sentences over the checklist elements.

    Each row of input is (sentence text, section category, rule tags). The features
    are TF-IDF word and character n-grams of the text, a one-hot section category
    and binary rule tags. Each element gets logistic regressions calibrated by
    cross-validation (one per fold, each calibrated on its held-out fold, their
    probabilities averaged), the folds grouped by report so that no report's
    sentences calibrate their own scores.

    Args:
        elements: Names of the labels, the columns of `Y` and of `predict_proba`.
        word_ngrams: Range of word n-gram lengths.
        char_ngrams: Range of character n-gram lengths (inside word boundaries).
        max_word_features: Most word n-grams kept, by corpus frequency.
        max_char_features: Most character n-grams kept, by corpus frequency.
        min_df: Fewest sentences an n-gram must occur in to be kept.
        C: Inverse strength of the L2 penalty of each logistic regression.
        calibration: "sigmoid" (Platt) or "isotonic".
        calibration_folds: Folds of the out-of-fold scores the calibration learns on.
        random_state: Seeds the order in which reports are dealt into folds.
    """

    def __init__(
        self,
        *,
        elements: Sequence[str] = ELEMENTS,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 4),
        max_word_features: int = 2000,
        max_char_features: int = 2000,
        min_df: int = 2,
        C: float = 4.0,
        calibration: Literal["sigmoid", "isotonic"] = "sigmoid",
        calibration_folds: int = 3,
        random_state: int | None = 0,
    ) -> None:
        self.elements = elements
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.C = C
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def fit(self, X: Any, Y: Any, groups: Any = None) -> ElementSentenceClassifier:
        """Learn the features and one calibrated classifier per element.

        Args:
            X: Rows of (text, section, rules), shape (n_sentences, 3).
            Y: 0/1 labels, shape (n_sentences, len(elements)).
            groups: The report of each sentence; sentences of one report stay in
                one calibration fold. None treats each sentence as its own report.

        Returns:
            The fitted classifier.

        Raises:
            DocnlpError: The rows, labels or groups have the wrong shape, or an
                element has sentences of only one class.
        """
        rows = _check_rows(X)
        labels = self._check_labels(Y, len(rows))
        folds = self._fold_groups(groups, len(rows))

        self.features_ = self._features().fit(rows)
        matrix = self.features_.transform(rows)
        with config_context(enable_metadata_routing=True):
            self.estimators_ = [
                self._calibrated().fit(matrix, labels[:, j], groups=folds)
                for j in range(labels.shape[1])
            ]
        self.classes_ = np.asarray(self.elements, dtype=object)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """The probability that each sentence documents each element.

        Args:
            X: Rows of (text, section, rules).

        Returns:
            Shape (n_sentences, len(elements)); columns follow `classes_`.
        """
        check_is_fitted(self, "estimators_")
        if len(X) == 0:
            return np.zeros((0, len(self.estimators_)))
        rows = _check_rows(X)
        matrix = self.features_.transform(rows)
        columns = [e.predict_proba(matrix)[:, 1] for e in self.estimators_]
        return np.column_stack(columns)

    def predict(self, X: Any) -> np.ndarray:
        """0/1 labels: an element is predicted where its probability is 0.5 or more.

        Args:
            X: Rows of (text, section, rules).

        Returns:
            Shape (n_sentences, len(elements)).
        """
        return (self.predict_proba(X) >= 0.5).astype(int)

    def _features(self) -> ColumnTransformer:
        words = WordNgrams(
            ngram_range=tuple(self.word_ngrams),
            max_features=self.max_word_features,
            min_df=self.min_df,
        )
        chars = WordCharNgrams(
            ngram_range=tuple(self.char_ngrams),
            max_features=self.max_char_features,
            min_df=self.min_df,
        )
        rules = CountVectorizer(
            lowercase=False, token_pattern=r"\S+", binary=True, dtype=np.float64
        )
        sections = OneHotEncoder(handle_unknown="ignore", dtype=np.float64)
        return ColumnTransformer(
            [
                ("words", words, 0),
                ("chars", chars, 0),
                ("sections", sections, [1]),
                ("rules", rules, 2),
            ],
            sparse_threshold=1.0,
        )

    def _calibrated(self) -> CalibratedClassifierCV:
        classifier = LogisticRegression(C=self.C, max_iter=2000)
        return CalibratedClassifierCV(
            classifier,
            method=self.calibration,
            cv=GroupKFold(n_splits=self.calibration_folds),
        )

    def _check_labels(self, Y: Any, n_rows: int) -> np.ndarray:
        labels = np.asarray(Y)
        expected = (n_rows, len(self.elements))
        if labels.shape != expected or not np.isin(labels, (0, 1)).all():
            raise DocnlpError(
                Errors.E041.format(
                    what="Y",
                    expected=f"0/1 of shape {expected}",
                    got=f"shape {labels.shape}",
                )
            )
        for j, name in enumerate(self.elements):
            if labels[:, j].min() == labels[:, j].max():
                raise DocnlpError(Errors.E042.format(element=name))
        return labels.astype(int)

    def _fold_groups(self, groups: Any, n_rows: int) -> np.ndarray:
        if groups is None:
            groups = np.arange(n_rows)
        groups = np.asarray(groups)
        if groups.shape != (n_rows,):
            raise DocnlpError(
                Errors.E041.format(
                    what="groups",
                    expected=f"shape ({n_rows},)",
                    got=f"shape {groups.shape}",
                )
            )
        # Renumber the reports in a seeded order, so the seed decides the folds.
        _, index = np.unique(groups, return_inverse=True)
        order = np.random.RandomState(self.random_state).permutation(index.max() + 1)
        return order[index]


def _check_rows(X: Any) -> np.ndarray:
    rows = np.asarray(X, dtype=object)
    if rows.ndim != 2 or rows.shape[1] != len(COLUMNS):
        raise DocnlpError(
            Errors.E041.format(
                what="X",
                expected=f"rows of {', '.join(COLUMNS)}",
                got=f"shape {rows.shape}",
            )
        )
    if not all(isinstance(v, str) for v in rows.ravel()):
        raise DocnlpError(
            Errors.E041.format(
                what="X", expected="strings in every column", got="other values"
            )
        )
    return rows
