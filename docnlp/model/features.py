"""Word and character n-gram TF-IDF, as scikit-learn computes it, at report speed.

scikit-learn's `TfidfVectorizer` builds every n-gram of every text as a string in
Python before it looks any up, which cost the element model more time per report
than the rule components. These transformers learn the same vocabulary and
weights with a `TfidfVectorizer` and give the same matrix (tests hold them to
it), but count n-grams faster: words through one compiled expression and direct
look-ups, character n-grams once per distinct word.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

# Distinct words whose character n-grams are kept in memory; past it the cache
# starts again.
CACHE_LIMIT = 50_000
# Words of letters and digits, and the slash and hyphen inside them ("s/p", "f/u").
WORD_PATTERN = r"(?u)\b\w[\w/-]*\b"
_WORDS = re.compile(WORD_PATTERN)
# The attribute holding what lives only in the process that set it; never saved.
_RUNTIME = "_runtime"


class _NgramTfidf(TransformerMixin, BaseEstimator):
    """Shared fitting, weighting and saving of the two transformers below."""

    def fit(self, X: Any, y: Any = None) -> _NgramTfidf:
        """Learn the vocabulary and its inverse document frequencies.

        Args:
            X: Texts.
            y: Ignored.

        Returns:
            The fitted transformer.
        """
        self.vectorizer_ = self._vectorizer().fit(X)
        return self

    def transform(self, X: Any) -> sp.csr_matrix:
        """The TF-IDF matrix of the texts: sublinear counts, l2-normalised rows.

        Args:
            X: Texts.

        Returns:
            Shape (len(X), size of the vocabulary).
        """
        check_is_fitted(self, "vectorizer_")
        indptr, indices = [0], []
        for text in X:
            indices.extend(self._ids(text.lower()))
            indptr.append(len(indices))
        # Each n-gram comes in as a 1; summing the duplicates counts them.
        shape = (len(indptr) - 1, len(self.vectorizer_.vocabulary_))
        data = np.ones(len(indices), dtype=np.float64)
        matrix = sp.csr_matrix((data, indices, indptr), shape=shape)
        matrix.sum_duplicates()
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
        matrix = matrix @ sp.diags(self.vectorizer_.idf_)
        return normalize(matrix, norm="l2", copy=False).tocsr()

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The n-grams, in column order."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop(_RUNTIME, None)
        return state

    def _vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            lowercase=True,
            ngram_range=tuple(self.ngram_range),
            max_features=self.max_features,
            min_df=self.min_df,
            sublinear_tf=True,
            dtype=np.float64,
            **self._analyzer(),
        )

    def _analyzer(self) -> dict[str, Any]:
        """How the vectorizer splits a text into n-grams."""
        raise NotImplementedError

    def _ids(self, text: str) -> list[int]:
        raise NotImplementedError


class WordNgrams(_NgramTfidf):
    """TF-IDF of word n-grams, as `TfidfVectorizer(sublinear_tf=True)` gives it.

    Args:
        ngram_range: Range of n-gram lengths.
        max_features: Most n-grams kept, by corpus frequency.
        min_df: Fewest texts an n-gram must occur in to be kept.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (1, 2),
        max_features: int | None = 2000,
        min_df: int = 2,
    ) -> None:
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df

    def _analyzer(self) -> dict[str, Any]:
        return {"token_pattern": WORD_PATTERN}

    def _ids(self, text: str) -> list[int]:
        tokens = _WORDS.findall(text)
        vocabulary = self.vectorizer_.vocabulary_
        low, high = self.ngram_range
        ids = []
        for n in range(low, high + 1):
            if n == 1:
                grams = tokens
            else:
                grams = [
                    " ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)
                ]
            ids.extend(vocabulary[g] for g in grams if g in vocabulary)
        return ids


class WordCharNgrams(_NgramTfidf):
    """TF-IDF of character n-grams inside word boundaries, as
    `TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)` gives it.

    A text's char_wb n-grams are those of its words, each padded with a space, so
    the n-grams of each distinct word are found once per process and cached;
    reports repeat their words, so most sentences cost a few look-ups.

    Args:
        ngram_range: Range of n-gram lengths.
        max_features: Most n-grams kept, by corpus frequency.
        min_df: Fewest texts an n-gram must occur in to be kept.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (2, 4),
        max_features: int | None = 2000,
        min_df: int = 2,
    ) -> None:
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df

    def _analyzer(self) -> dict[str, Any]:
        return {"analyzer": "char_wb"}

    def _ids(self, text: str) -> list[int]:
        if _RUNTIME not in self.__dict__:
            self.__dict__[_RUNTIME] = ({}, self.vectorizer_.build_analyzer())
        cache, analyze = self.__dict__[_RUNTIME]
        ids: list[int] = []
        for word in text.split():
            found = cache.get(word)
            if found is None:
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                vocabulary = self.vectorizer_.vocabulary_
                found = tuple(vocabulary[g] for g in analyze(word) if g in vocabulary)
                cache[word] = found
            ids.extend(found)
        return ids
