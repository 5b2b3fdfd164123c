"""Shares, Herfindahl-Hirschman index and its numbers-equivalent (wbcti_analysis.stats.concentration),
on weights whose values are worked out by hand."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from wbcti_analysis.stats import concentration as sc


@pytest.mark.parametrize("weights, expected", [
    ([1], 1.0),                       # a single holder
    ([3, 2], 0.36 + 0.16),            # 0.6^2 + 0.4^2
    ([1, 1, 1, 1], 0.25),             # n equal holders: 1/n
    ([3, 2, 1, 1, 1, 1], 17 / 81),    # the mini package's funders over all activities
    ([2.0, 0.0, 2.0], 0.5),           # zeros add nothing
    (pd.Series({"ec": 100.0, "al-min": 50.0}), 5 / 9),
])
def test_hhi(weights, expected):
    assert sc.hhi(weights) == pytest.approx(expected)


@pytest.mark.parametrize("weights", [[], [0, 0], pd.Series(dtype=float)])
def test_hhi_without_weight_is_nan(weights):
    assert math.isnan(sc.hhi(weights))
    assert sc.shares(weights).isna().all()


def test_shares_keep_the_index():
    s = sc.shares(pd.Series({"a": 3, "b": 1}))
    assert s.to_dict() == {"a": 0.75, "b": 0.25}
    assert sc.shares([1, 3]).tolist() == [0.25, 0.75]


@pytest.mark.parametrize("h, expected", [(1.0, 1.0), (0.25, 4.0), (17 / 81, 81 / 17)])
def test_effective_number(h, expected):
    assert sc.effective_number(h) == pytest.approx(expected)


@pytest.mark.parametrize("h", [float("nan"), None, 0.0])
def test_effective_number_of_nothing(h):
    assert math.isnan(sc.effective_number(h))


def test_thresholds_are_the_2010_guidelines_on_the_unit_scale():
    assert sc.HIGHLY_CONCENTRATED * 10_000 == 2500 and sc.MODERATELY_CONCENTRATED * 10_000 == 1500
