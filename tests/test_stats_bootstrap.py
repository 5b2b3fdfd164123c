"""Tests of the percentile bootstrap (wbcti_analysis.stats.bootstrap)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from wbcti_analysis.stats.bootstrap import percentile_interval, resample_indices


def _mean(r):
    return r.mean(axis=1)


def test_interval_is_the_percentiles_of_the_resampled_statistic():
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    lo, hi = percentile_interval(x, _mean, n_resamples=500, ci=0.9, seed=3)
    # by hand: the same draws, the mean of each, the 5th and 95th percentiles
    idx = np.random.default_rng(3).integers(0, 5, size=(500, 5))
    expected = np.quantile(x[idx].mean(axis=1), [0.05, 0.95])
    assert (lo, hi) == pytest.approx(tuple(expected))
    assert lo < x.mean() < hi


def test_seed_fixes_the_interval_and_groups_of_seeds_work():
    x = np.arange(20.0)
    a = percentile_interval(x, _mean, 300, seed=[7, 11])
    assert a == percentile_interval(x, _mean, 300, seed=[7, 11])
    assert a != percentile_interval(x, _mean, 300, seed=[7, 12])
    gen = np.random.default_rng(5)
    assert percentile_interval(x, _mean, 300, seed=gen) == percentile_interval(x, _mean, 300, seed=5)


def test_rows_are_resampled_together_and_nan_statistics_ignored():
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])

    def share(r):   # undefined (NaN) for a resample of [0, 0] rows only
        s = r.sum(axis=1)
        with np.errstate(invalid="ignore"):
            return s[:, 1] / (s[:, 0] + s[:, 1])

    lo, hi = percentile_interval(rows, share, 2000, ci=0.95, seed=1)
    assert 0.0 <= lo <= hi <= 1.0


@pytest.mark.parametrize("data, n_resamples", [(np.empty(0), 100), (np.ones(3), 0)])
def test_empty_input_or_no_resamples_give_nan(data, n_resamples):
    lo, hi = percentile_interval(data, _mean, n_resamples)
    assert math.isnan(lo) and math.isnan(hi)


@pytest.mark.parametrize("kwargs, match", [({"ci": 1.0}, "ci must be between 0 and 1"),
                                           ({"ci": 0}, "ci must be between 0 and 1"),
                                           ({"n_resamples": -1}, "n_resamples must be a non-negative integer")])
def test_argument_checks(kwargs, match):
    with pytest.raises(ValueError, match=match):
        percentile_interval(np.ones(3), _mean, **kwargs)


def test_resample_indices_shape_and_range():
    idx = resample_indices(4, 1000, seed=0)
    assert idx.shape == (1000, 4) and idx.min() == 0 and idx.max() == 3
