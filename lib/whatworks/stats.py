"""Statistics shared by several analyses: one definition of each, with the level always stated by the caller."""

from __future__ import annotations

import numpy as np
from scipy.stats import beta


def clopper_pearson(successes: int, trials: int, level: float) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a proportion ``successes / trials``; (nan, nan) when there are no trials."""
    lo, hi = clopper_pearson_arrays(np.array([successes]), np.array([trials]), level)
    return float(lo[0]), float(hi[0])


def clopper_pearson_arrays(successes: np.ndarray, trials: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`clopper_pearson` for arrays of counts: the lower and upper bounds, NaN where ``trials`` is 0."""
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    a = (1 - level) / 2
    lo, hi = np.full(k.shape, np.nan), np.full(k.shape, np.nan)
    ok = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        lo[ok] = np.where(k[ok] == 0, 0.0, beta.ppf(a, k[ok], n[ok] - k[ok] + 1))
        hi[ok] = np.where(k[ok] == n[ok], 1.0, beta.ppf(1 - a, k[ok] + 1, n[ok] - k[ok]))
    return lo, hi
