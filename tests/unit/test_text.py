"""Numbers and lists in prose: one definition each."""

from __future__ import annotations

import pytest

from whatworks.text import and_join, count_noun, lower_first, pct, pct_range, with_interval


@pytest.mark.parametrize(("x", "digits", "text"), [(0.1234, 1, "12.3%"), (0.1234, 0, "12%"), (0.005, 2, "0.50%"), (1, 0, "100%")])
def test_pct_always_says_its_digits(x: float, digits: int, text: str) -> None:
    assert pct(x, digits) == text


def test_intervals() -> None:
    assert pct_range(0.05, 0.2, 0) == "5% to 20%"
    assert with_interval(0.81, 0.75, 0.86, ".2f") == "0.81 [0.75 to 0.86]"
    assert with_interval(0.812, 0.751, 0.864, ".3f", sep="-") == "0.812 [0.751-0.864]"
    assert with_interval(0.1, -0.05, 0.2, "+.2f") == "+0.10 [-0.05 to +0.20]"


@pytest.mark.parametrize(
    ("items", "text"),
    [(["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c"), ([1990, 2001], "1990 and 2001"), ([], "none")],
)
def test_and_join(items: list[object], text: str) -> None:
    assert and_join(items) == text


def test_and_join_says_what_the_caller_wants_for_none() -> None:
    assert and_join([], empty="") == ""
    assert and_join(iter(["x", "y"]), empty="no country") == "x and y"


def test_count_noun() -> None:
    assert count_noun(1, "odds ratio") == "1 odds ratio"
    assert count_noun(3, "odds ratio") == "3 odds ratios"
    assert count_noun(2.0, "study", "studies") == "2 studies"
    assert count_noun(0, "finding") == "0 findings"


def test_lower_first_keeps_acronyms() -> None:
    assert lower_first("Unified UN Security Council") == "unified UN Security Council"
    assert lower_first("UN mandate") == "UN mandate"
    assert lower_first("NGO access") == "NGO access"
