"""Gradient-boosted trees with depth and rounds chosen by country-grouped cross-validation inside the window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from whatworks.analyses.risk.glmnet import binomial_deviance
from whatworks.analyses.risk.panel import EWP_PREDICTORS, TARGET, limit_threads, matrix
from whatworks.errors import DataError

# Gradient-boosted trees ------------------------------------------------------------


@dataclass
class TreesFit:
    """Gradient-boosted trees with the depth and number of rounds chosen by grouped cross-validation."""

    predictors: tuple[str, ...]
    model: object
    depth: int
    rounds: int
    cv: pd.DataFrame  # depth, rounds, deviance

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted probabilities for the rows of ``frame``."""
        with limit_threads():
            return self.model.predict_proba(matrix(frame, self.predictors))[:, 1]  # type: ignore[attr-defined]


def _trees(depth: int, rounds: int, learning_rate: float, min_leaf: int, seed: int) -> object:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        learning_rate=learning_rate,
        max_iter=rounds,
        max_depth=depth,
        max_leaf_nodes=None,
        min_samples_leaf=min_leaf,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )


def fit_trees(
    train: pd.DataFrame,
    predictors: Sequence[str] = EWP_PREDICTORS,
    target: str = TARGET,
    depths: Sequence[int] = (2, 3),
    max_rounds: int = 200,
    step: int = 25,
    learning_rate: float = 0.05,
    min_leaf: int = 40,
    nfolds: int = 4,
    seed: int = 0,
) -> TreesFit:
    """Fit gradient-boosted trees, choosing depth and rounds by cross-validation grouped by country.

    For each depth, each fold (a random quarter of the countries, all their
    years held out together, so that a country's neighbouring years do not
    leak into its own validation) is fitted once with ``max_rounds`` rounds and
    scored every ``step`` rounds by the binomial deviance of the held-out rows.
    The pair with the lowest mean deviance is refitted on all training rows.
    Only the training rows are used: the choice is made inside the window.
    """
    with limit_threads():
        return _fit_trees_windowed(train, predictors, target, depths, max_rounds, step, learning_rate, min_leaf, nfolds, seed)


def _fit_trees_windowed(
    train: pd.DataFrame,
    predictors: Sequence[str],
    target: str,
    depths: Sequence[int],
    max_rounds: int,
    step: int,
    learning_rate: float,
    min_leaf: int,
    nfolds: int,
    seed: int,
) -> TreesFit:
    X = matrix(train, predictors)
    y = train[target].to_numpy(dtype=int)
    if len(np.unique(y)) < 2:
        raise DataError(f"fit_trees: the training rows hold only one value of {target!r}")
    countries = train["ewp_name"].to_numpy()
    names = np.unique(countries)
    fold_of = dict(zip(names, np.random.default_rng(seed).permutation(np.resize(np.arange(nfolds), len(names))), strict=True))
    folds = np.array([fold_of[c] for c in countries])
    checkpoints = list(range(step, max_rounds + 1, step))
    rows = []
    for depth in depths:
        dev = np.zeros(len(checkpoints))
        for k in range(nfolds):
            held = folds == k
            if y[~held].min() == y[~held].max():
                continue
            model = _trees(depth, max_rounds, learning_rate, min_leaf, seed).fit(X[~held], y[~held])  # type: ignore[attr-defined]
            stages = model.staged_predict_proba(X[held])
            at = 0
            for i, prob in enumerate(stages, start=1):
                if i == checkpoints[at]:
                    dev[at] += binomial_deviance(y[held], prob[:, 1]).sum()
                    at += 1
                    if at == len(checkpoints):
                        break
        rows += [{"depth": depth, "rounds": r, "deviance": d / len(y)} for r, d in zip(checkpoints, dev, strict=True)]
    cv = pd.DataFrame(rows)
    best = cv.loc[cv["deviance"].idxmin()]
    depth, rounds = int(best["depth"]), int(best["rounds"])
    model = _trees(depth, rounds, learning_rate, min_leaf, seed).fit(X, y)  # type: ignore[attr-defined]
    return TreesFit(tuple(predictors), model, depth, rounds, cv)
