"""The shared statistics: one exact interval for a proportion, scalar and vectorised."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from whatworks.stats import clopper_pearson, clopper_pearson_arrays


def test_clopper_pearson_by_hand() -> None:
    # With 0 of 10, the upper 95% limit solves (1-p)^10 = 0.025; with 10 of 10 the lower one solves p^10 = 0.025.
    assert clopper_pearson(0, 10, 0.95) == pytest.approx((0.0, 1 - 0.025**0.1))
    assert clopper_pearson(10, 10, 0.95) == pytest.approx((0.025**0.1, 1.0))
    lo, hi = clopper_pearson(3, 10, 0.9)
    assert lo < 0.3 < hi


@pytest.mark.parametrize(("k", "n", "level"), [(13, 15, 0.95), (1, 40, 0.9), (0, 7, 0.9), (7, 7, 0.95), (5, 100, 0.8)])
def test_clopper_pearson_matches_scipy(k: int, n: int, level: float) -> None:
    ci = sps.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    assert clopper_pearson(k, n, level) == pytest.approx((ci.low, ci.high))


def test_a_wider_level_gives_a_wider_interval() -> None:
    lo90, hi90 = clopper_pearson(4, 30, 0.9)
    lo95, hi95 = clopper_pearson(4, 30, 0.95)
    assert lo95 < lo90 < 4 / 30 < hi90 < hi95


def test_arrays_match_statsmodels_and_leave_empty_groups_undefined() -> None:
    k, n = np.array([0, 3, 10, 0]), np.array([10, 10, 10, 0])
    lo, hi = clopper_pearson_arrays(k, n, 0.9)
    ok = n > 0
    ref_lo, ref_hi = proportion_confint(k[ok], n[ok], alpha=0.1, method="beta")
    assert lo[ok] == pytest.approx(np.nan_to_num(ref_lo, nan=0.0))
    assert hi[ok] == pytest.approx(np.nan_to_num(ref_hi, nan=1.0))
    assert np.isnan(lo[~ok]).all() and np.isnan(hi[~ok]).all()
    assert clopper_pearson(0, 0, 0.9) != clopper_pearson(0, 0, 0.9)  # (nan, nan): no trials, no interval
