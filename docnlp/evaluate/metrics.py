"""Agreement, precision, recall and F1, each with a percentile bootstrap interval."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# Resamples drawn for each interval, and the default seed that fixes them.
RESAMPLES = 1000
SEED = 0
# Two-sided coverage of the intervals.
CONFIDENCE = 0.95
# Resamples drawn at once; bounds memory to _CHUNK x reports x counts integers.
_CHUNK = 100

# A statistic maps summed per-report counts, shape (..., k), to values, shape (...).
Statistic = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Estimate:
    """A figure and its bootstrap interval.

    Attributes:
        value: The figure on all the reports given; NaN when there were none.
        low: Lower end of the interval.
        high: Upper end of the interval.
    """

    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float | None]:
        """The estimate as JSON-ready data, with None for NaN."""
        return {
            k: _finite(v)
            for k, v in (("value", self.value), ("low", self.low), ("high", self.high))
        }


@dataclass(frozen=True)
class Bootstrap:
    """How intervals are drawn: resampling reports with replacement.

    Attributes:
        resamples: How many resamples to draw.
        seed: Seed of the random generator; the same seed gives the same interval.
        confidence: Two-sided coverage, e.g. 0.95.
    """

    resamples: int = RESAMPLES
    seed: int = SEED
    confidence: float = CONFIDENCE

    def estimate(self, counts: np.ndarray, statistic: Statistic) -> Estimate:
        """A statistic of per-report counts, with its percentile interval.

        Args:
            counts: One row per report, one column per count the statistic sums.
            statistic: Maps summed counts (last axis) to the figure.

        Returns:
            The figure on all reports and the interval over resampled reports.
        """
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape[0] == 0:
            return Estimate(float("nan"), float("nan"), float("nan"))
        value = float(statistic(counts.sum(axis=0)))

        rng = np.random.default_rng(self.seed)
        n = counts.shape[0]
        sums = np.concatenate(
            [
                counts[rng.integers(0, n, (min(_CHUNK, self.resamples - done), n))].sum(
                    1
                )
                for done in range(0, self.resamples, _CHUNK)
            ]
        )
        tail = (1.0 - self.confidence) / 2 * 100
        low, high = np.percentile(statistic(sums), [tail, 100 - tail])
        return Estimate(value, float(low), float(high))


def agreement(agree: Sequence[bool] | np.ndarray, boot: Bootstrap) -> Estimate:
    """Share of reports where the prediction agrees with the label.

    Args:
        agree: One flag per report.
        boot: How to draw the interval.

    Returns:
        The share agreeing, with its interval.
    """
    flags = np.asarray(agree, dtype=np.int64).reshape(-1, 1)
    return boot.estimate(flags, lambda s: s[..., 0] / flags.shape[0])


def prf(
    tp: Sequence[int] | np.ndarray,
    fp: Sequence[int] | np.ndarray,
    fn: Sequence[int] | np.ndarray,
    boot: Bootstrap,
) -> dict[str, Estimate]:
    """Micro precision, recall and F1 from per-report counts.

    Precision is 1 when nothing was predicted and recall is 1 when nothing was
    expected, as /work/shared/tools/gold.py counts them.

    Args:
        tp: True positives per report.
        fp: False positives per report.
        fn: False negatives per report.
        boot: How to draw the intervals.

    Returns:
        "precision", "recall" and "f1", each with its interval.
    """
    counts = np.column_stack(
        [np.asarray(c, dtype=np.int64).reshape(-1) for c in (tp, fp, fn)]
    )
    return {
        name: boot.estimate(counts, stat)
        for name, stat in (("precision", precision), ("recall", recall), ("f1", f1))
    }


def precision(sums: np.ndarray) -> np.ndarray:
    """Precision from summed (tp, fp, fn); 1 where nothing was predicted."""
    return _ratio(sums[..., 0], sums[..., 0] + sums[..., 1])


def recall(sums: np.ndarray) -> np.ndarray:
    """Recall from summed (tp, fp, fn); 1 where nothing was expected."""
    return _ratio(sums[..., 0], sums[..., 0] + sums[..., 2])


def f1(sums: np.ndarray) -> np.ndarray:
    """F1 from summed (tp, fp, fn); 0 where precision and recall are both 0."""
    p, r = precision(sums), recall(sums)
    return np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    return np.divide(num, den, out=np.ones_like(num), where=np.asarray(den) > 0)


def _finite(value: float) -> float | None:
    return None if np.isnan(value) else value
