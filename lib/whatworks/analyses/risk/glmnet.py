"""Elastic-net logistic regression as R's glmnet and cv.glmnet fit it (the Early Warning Project's model)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from whatworks.analyses.risk.panel import CV_SEED, EWP_PREDICTORS, FDEV, MNLAM, PROB_MIN, TARGET, limit_threads, matrix, sigmoid
from whatworks.errors import DataError

# Elastic net as glmnet ------------------------------------------------------------


def glmnet_lambdas(X: np.ndarray, y: np.ndarray, alpha: float = 0.5, nlambda: int = 100, min_ratio: float | None = None) -> np.ndarray:
    """glmnet's default penalty sequence for a binomial elastic net.

    From the smallest penalty that sets every coefficient to zero (computed on
    standardised predictors) down to ``min_ratio`` times it (1e-4 when there are
    more rows than predictors, else 0.01), evenly spaced on the log scale.
    """
    n, p = X.shape
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0
    Xs = (X - X.mean(axis=0)) / sd
    lambda_max = np.max(np.abs(Xs.T @ (y - y.mean()))) / (n * alpha)
    ratio = min_ratio if min_ratio is not None else (1e-4 if n > p else 1e-2)
    return lambda_max * np.logspace(0, np.log10(ratio), nlambda)


def elastic_net_path(X: np.ndarray, y: np.ndarray, lambdas: np.ndarray, alpha: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Intercepts and coefficients (original scale) of a binomial elastic net along ``lambdas``.

    Minimises, for each penalty ``lam``, the mean negative log-likelihood plus
    ``lam * (alpha * |b|_1 + (1 - alpha) / 2 * |b|_2^2)`` on predictors
    standardised with their population standard deviation, as glmnet does, and
    returns the coefficients on the original scale. Uses glum's warm-started
    coordinate-descent path. Returns arrays of shapes ``(len(lambdas),)`` and
    ``(len(lambdas), n_predictors)``.
    """
    from glum import GeneralizedLinearRegressor

    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0  # a constant column stays at zero
    Xs = np.asfortranarray((X - mu) / sd)
    model = GeneralizedLinearRegressor(family="binomial", l1_ratio=alpha, alpha_search=True, alphas=lambdas)
    with warnings.catch_warnings():
        # glum 3 deprecates `alphas` but its `alpha=array` fails validation; `alphas` is the working spelling.
        warnings.filterwarnings("ignore", "alphas is deprecated", DeprecationWarning)
        model.fit(Xs, y)
    coefs = np.asarray(model.coef_path_) / sd
    intercepts = np.asarray(model.intercept_path_) - coefs @ mu
    return intercepts, coefs


def glmnet_path_length(X: np.ndarray, y: np.ndarray, intercepts: np.ndarray, coefs: np.ndarray) -> int:
    """Number of penalties glmnet keeps on a path: it stops once the fraction of deviance explained grows by
    less than ``fdev`` (relative) from one penalty to the next, after at least ``mnlam`` penalties."""
    prob = sigmoid(intercepts[:, None] + coefs @ X.T)
    dev = binomial_deviance(y[None, :], prob, floor=1e-9).sum(axis=1)
    null = binomial_deviance(y, np.full(len(y), y.mean()), floor=1e-9).sum()
    ratio = 1 - dev / null
    for m in range(MNLAM - 1, len(ratio)):
        if m > 0 and ratio[m] - ratio[m - 1] < FDEV * ratio[m]:
            return m + 1
    return len(ratio)


def binomial_deviance(y: np.ndarray, prob: np.ndarray, floor: float = PROB_MIN) -> np.ndarray:
    """Per-row binomial deviance ``-2 [y log p + (1-y) log(1-p)]``, p kept within [floor, 1 - floor] (glmnet's CV uses 1e-5)."""
    p = np.clip(prob, floor, 1 - floor)
    return -2.0 * (y * np.log(p) + (1 - y) * np.log(1 - p))


@dataclass
class ElasticNetFit:
    """A fitted elastic net: its path, its cross-validation curve and the chosen penalty."""

    predictors: tuple[str, ...]
    lambdas: np.ndarray
    intercepts: np.ndarray
    coefs: np.ndarray
    cv_deviance: np.ndarray
    cv_se: np.ndarray
    index: int
    n_train: int
    n_events: int

    @property
    def lambda_(self) -> float:
        """The chosen penalty (lambda.min)."""
        return float(self.lambdas[self.index])

    @property
    def intercept(self) -> float:
        """Intercept at the chosen penalty."""
        return float(self.intercepts[self.index])

    @property
    def coef(self) -> pd.Series:
        """Coefficients (log-odds per unit of each predictor) at the chosen penalty."""
        return pd.Series(self.coefs[self.index], index=list(self.predictors), name="coef")

    def at(self, index: int) -> ElasticNetFit:
        """The same path with another penalty chosen (position ``index`` in :attr:`lambdas`)."""
        if not 0 <= index < len(self.lambdas):
            raise IndexError(f"penalty index {index} outside 0..{len(self.lambdas) - 1}")
        return ElasticNetFit(**{**self.__dict__, "index": index})

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted probabilities for the rows of ``frame``."""
        return sigmoid(self.intercept + matrix(frame, self.predictors) @ self.coefs[self.index])


def fit_elastic_net(
    train: pd.DataFrame,
    predictors: Sequence[str] = EWP_PREDICTORS,
    target: str = TARGET,
    alpha: float = 0.5,
    nfolds: int = 10,
    seed: int = CV_SEED,
    nlambda: int = 100,
) -> ElasticNetFit:
    """Fit a binomial elastic net with the penalty chosen by ``nfolds``-fold cross-validation (lambda.min).

    Mirrors ``cv.glmnet(family="binomial", alpha=alpha)``: the penalty sequence
    comes from the whole training set (and stops where glmnet's path would
    stop, see :func:`glmnet_path_length`), every fold is fitted along it
    (standardised on its own rows), the cross-validated deviance is the mean
    over all held-out rows, and the chosen penalty minimises it. Folds are
    assigned at random (seeded by ``seed``), so they differ from R's.
    """
    with limit_threads():
        return _fit_elastic_net(train, predictors, target, alpha, nfolds, seed, nlambda)


def _fit_elastic_net(
    train: pd.DataFrame, predictors: Sequence[str], target: str, alpha: float, nfolds: int, seed: int, nlambda: int
) -> ElasticNetFit:
    X = matrix(train, predictors)
    y = train[target].to_numpy(dtype=float)
    if len(np.unique(y)) < 2:
        raise DataError(f"fit_elastic_net: the training rows hold only one value of {target!r}")
    lambdas = glmnet_lambdas(X, y, alpha, nlambda)
    intercepts, coefs = elastic_net_path(X, y, lambdas, alpha)
    keep = glmnet_path_length(X, y, intercepts, coefs)
    lambdas, intercepts, coefs = lambdas[:keep], intercepts[:keep], coefs[:keep]
    rng = np.random.default_rng(seed)
    folds = rng.permutation(np.resize(np.arange(nfolds), len(y)))
    dev = np.empty((len(y), len(lambdas)))
    for k in range(nfolds):
        held = folds == k
        b0, B = elastic_net_path(X[~held], y[~held], lambdas, alpha)
        dev[held] = binomial_deviance(y[held, None], sigmoid(b0[None, :] + X[held] @ B.T))
    fold_means = np.vstack([dev[folds == k].mean(axis=0) for k in range(nfolds)])
    cv_deviance = dev.mean(axis=0)
    cv_se = fold_means.std(axis=0, ddof=1) / np.sqrt(nfolds)
    return ElasticNetFit(
        predictors=tuple(predictors),
        lambdas=lambdas,
        intercepts=intercepts,
        coefs=coefs,
        cv_deviance=cv_deviance,
        cv_se=cv_se,
        index=int(np.argmin(cv_deviance)),
        n_train=len(y),
        n_events=int(y.sum()),
    )
