"""Statistical risk assessment of mass-killing onsets: fit, forecast, backtest and metrics.

The models work on a country-year panel in the ``predictors`` layout (see
:func:`whatworks.data.load_ewp_predictors`): one row per country (``ewp_name``)
and year, the Early Warning Project's 39 predictors and the onset outcomes.

Three models are registered in :data:`MODELS`:

``ewp``
    The Early Warning Project's model: elastic-net logistic regression
    (mixing 0.5) of ``mk_onset_1or2`` on the 39 predictors, with the penalty
    chosen by 10-fold cross-validation at the minimum of the mean deviance, as
    R's ``cv.glmnet`` at ``lambda.min``. Predictors are standardised inside the
    fit and coefficients reported on the original scale, as glmnet does.
``trees``
    Gradient-boosted decision trees on the same predictors. The tree depth and
    the number of boosting rounds are chosen by cross-validation grouped by
    country, inside each training window.
``best``
    The average of the two risks above (an equal-weight ensemble).

The training rows for a model fitted on data up to year ``T`` are the
country-years up to ``T`` with every predictor and every outcome present
(``mk_onset_1or2`` of year ``T`` needs the onsets of ``T+1`` and ``T+2``, so a
model fitted up to ``T`` can first be used with data of year ``T+2``). This is
the choice of the Early Warning Project's 2025 code.

The backtest follows the Early Warning Project: for each last training year
``T``, fit on data up to ``T`` and forecast from the data of year ``T+2``
(risk of an onset in ``T+3`` or ``T+4``). For each country and target year
``Y``, ``risk`` is the higher of the two forecasts that cover ``Y`` (made
from data of ``Y-1`` and ``Y-2``) and ``rank`` the better of their two ranks;
``onset`` is whether a new mass killing began in ``Y``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from whatworks.errors import DataError

# The Early Warning Project's 39 predictors, in the order of its 2025 code (3.Modeling/model_3Sep2025.R).
EWP_PREDICTORS: tuple[str, ...] = (
    "widetargeting", "narrowtargeting", "v2csgender_binary", "v2mecenefm_binary", "partyban.new.0", "partyban.new.1",
    "partyban.new.2", "minorityrule", "judicialreform", "religiousfreedom", "pol_killing_approved", "freediscussion",
    "social_inequality", "even_civilrights", "repress_civilsoc", "social_power_dist", "ses_power_dist", "popsize.log2",
    "gdppcgrowth", "un_imr_sqrt", "efindex", "discrimpop", "reg.na", "reg.eap", "reg.sca", "reg.mna", "reg.eur",
    "ios.iccpr1", "battledeaths.log2", "coup.try.5yr", "mk_ongoing_count_log2", "mean_mk_onset_interaction",
    "mk_onset_prev_year", "newcountry", "mk_ever", "year_sq", "year", "countryage.new.log2", "includesnonstate",
)  # fmt: skip
# Short readable names for charts and tables (the registry's descriptions say more; see data/sources.yaml).
PREDICTOR_LABELS: dict[str, str] = {
    "widetargeting": "ongoing killing targets a wide range of groups",
    "narrowtargeting": "ongoing killing targets a narrow group",
    "v2csgender_binary": "women in civil society (V-Dem)",
    "v2mecenefm_binary": "media censorship (V-Dem)",
    "partyban.new.0": "party bans, category 0 (V-Dem)",
    "partyban.new.1": "party bans, category 1 (V-Dem)",
    "partyban.new.2": "party bans, category 2 (V-Dem)",
    "minorityrule": "ruling elite from an ethnic minority",
    "judicialreform": "judicial reform (V-Dem)",
    "religiousfreedom": "freedom of religion (V-Dem)",
    "pol_killing_approved": "political killings approved by the state",
    "freediscussion": "freedom of discussion (V-Dem)",
    "social_inequality": "civil liberties unequal by social class",
    "even_civilrights": "civil liberties equal across groups",
    "repress_civilsoc": "repression of civil society",
    "social_power_dist": "power distributed by social group",
    "ses_power_dist": "power distributed by socio-economic position",
    "popsize.log2": "population (log2)",
    "gdppcgrowth": "growth of GDP per person",
    "un_imr_sqrt": "infant mortality (square root)",
    "efindex": "ethnic fractionalisation",
    "discrimpop": "share of population discriminated against",
    "reg.na": "region: North America",
    "reg.eap": "region: East Asia and Pacific",
    "reg.sca": "region: South and Central Asia",
    "reg.mna": "region: Middle East and North Africa",
    "reg.eur": "region: Europe",
    "ios.iccpr1": "party to the ICCPR's first Optional Protocol",
    "battledeaths.log2": "battle deaths (log2)",
    "coup.try.5yr": "coup attempt in the last five years",
    "mk_ongoing_count_log2": "ongoing mass killings (log2)",
    "mean_mk_onset_interaction": "EWP interaction term",
    "mk_onset_prev_year": "onset in the previous year",
    "newcountry": "new country",
    "mk_ever": "mass killing ever",
    "year_sq": "year squared",
    "year": "year",
    "countryage.new.log2": "country age (log2)",
    "includesnonstate": "outcome includes non-state-led killings",
}
OUTCOMES: tuple[str, ...] = ("mk_onset", "mk_onset_1", "mk_onset_2", "mk_onset_1or2")
TARGET = "mk_onset_1or2"
ONSET = "mk_onset"
# Backtest of the Early Warning Project: last training years 1991-2021, forecasts from data of T+2.
BACKTEST_FIRST, BACKTEST_LAST = 1991, 2021
# The seed of the Early Warning Project's cv.glmnet call; R's random folds cannot be reproduced in Python,
# so the number only makes our own folds repeatable.
CV_SEED = 90035
PROB_MIN = 1e-5  # glmnet's floor on probabilities in the cross-validated deviance
FDEV, MNLAM = 1e-5, 5  # glmnet's path stopping rule (glmnet.control defaults)


# Panels: training and forecast rows ------------------------------------------------


def _require_columns(panel: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise DataError(
            f"{what}: the panel lacks column(s) {missing}. Load it with whatworks.data.load_ewp_predictors(path), "
            "which checks a file in the 'predictors' layout."
        )


def training_rows(panel: pd.DataFrame, last_year: int, predictors: Sequence[str] = EWP_PREDICTORS) -> pd.DataFrame:
    """Country-years up to ``last_year`` with every predictor and every outcome present.

    Requiring all four outcomes (as the Early Warning Project does) drops the
    last two years of the panel, whose two-year outcome is not yet known.
    """
    _require_columns(panel, [*predictors, *OUTCOMES, "year", "ewp_name"], "training_rows")
    rows = panel[panel["year"] <= last_year].dropna(subset=[*predictors, *OUTCOMES])
    if rows.empty:
        raise DataError(
            f"no complete country-years up to {last_year} (with every predictor and outcome): "
            f"the panel covers {int(panel['year'].min())}-{int(panel['year'].max())}"
        )
    return rows


def forecast_rows(panel: pd.DataFrame, year: int, predictors: Sequence[str] = EWP_PREDICTORS) -> pd.DataFrame:
    """Country-years of ``year`` with every predictor present (the countries a forecast covers)."""
    _require_columns(panel, [*predictors, "year", "ewp_name"], "forecast_rows")
    that_year = panel[panel["year"] == year]
    if that_year.empty:
        raise DataError(f"no rows for year {year}: the panel covers {int(panel['year'].min())}-{int(panel['year'].max())}")
    rows = that_year.dropna(subset=list(predictors))
    if rows.empty:
        gaps = that_year[list(predictors)].isna().sum()
        gaps = gaps[gaps > 0].sort_values(ascending=False)
        examples = ", ".join(that_year["ewp_name"].astype(str).head(3))
        raise DataError(
            f"no country in {year} has every predictor: column(s) {', '.join(gaps.index[:5])} are empty "
            f"(in {int(gaps.iloc[0])} of {len(that_year)} rows; e.g. {examples})"
        )
    return rows


def check_countries(panel: pd.DataFrame, names: Iterable[str], what: str = "countries") -> list[str]:
    """The names, checked against the panel's ``ewp_name`` column; a DataError lists any that are not there."""
    names = list(names)
    known = set(panel["ewp_name"])
    unknown = [n for n in names if n not in known]
    if unknown:
        examples = ", ".join(sorted(known)[:5])
        raise DataError(f"{what}: {unknown} not in the panel's column ewp_name (spell them as the panel does, e.g. {examples})")
    return names


def _matrix(frame: pd.DataFrame, predictors: Sequence[str]) -> np.ndarray:
    return frame[list(predictors)].to_numpy(dtype=float)


def _sigmoid(eta: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-eta))


def _limit_threads():  # noqa: ANN202 (a threadpoolctl context manager)
    """One thread for BLAS/OpenMP inside fits: small problems run faster, and 2 processes share 2 cores."""
    # Load the libraries first: a thread pool loaded after the limit is set would escape it.
    import glum  # noqa: F401
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


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
    prob = _sigmoid(intercepts[:, None] + coefs @ X.T)
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
        return _sigmoid(self.intercept + _matrix(frame, self.predictors) @ self.coefs[self.index])


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
    with _limit_threads():
        return _fit_elastic_net(train, predictors, target, alpha, nfolds, seed, nlambda)


def _fit_elastic_net(
    train: pd.DataFrame, predictors: Sequence[str], target: str, alpha: float, nfolds: int, seed: int, nlambda: int
) -> ElasticNetFit:
    X = _matrix(train, predictors)
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
        dev[held] = binomial_deviance(y[held, None], _sigmoid(b0[None, :] + X[held] @ B.T))
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
        with _limit_threads():
            return self.model.predict_proba(_matrix(frame, self.predictors))[:, 1]  # type: ignore[attr-defined]


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
    with _limit_threads():
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
    X = _matrix(train, predictors)
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


# Models ------------------------------------------------------------------------


class Fitted(Protocol):
    """Anything with ``predict(frame) -> probabilities``."""

    def predict(self, frame: pd.DataFrame) -> np.ndarray: ...


@dataclass
class AverageFit:
    """Equal-weight average of the risks of several fitted models."""

    members: dict[str, Fitted]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Mean predicted probability across members."""
        return np.mean([m.predict(frame) for m in self.members.values()], axis=0)


@dataclass(frozen=True)
class Model:
    """A named way of fitting a risk model on training rows."""

    name: str
    description: str
    fit: Callable[[pd.DataFrame], Fitted]
    predictors: tuple[str, ...] = EWP_PREDICTORS


def _fit_ewp(train: pd.DataFrame) -> Fitted:
    return fit_elastic_net(train)


def _fit_trees(train: pd.DataFrame) -> Fitted:
    return fit_trees(train)


def _fit_best(train: pd.DataFrame) -> Fitted:
    return AverageFit({"ewp": fit_elastic_net(train), "trees": fit_trees(train)})


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model("ewp", "replication of the Early Warning Project: elastic-net logistic regression, mixing 0.5, lambda.min by 10-fold CV", _fit_ewp),
        Model("trees", "gradient-boosted trees, depth and rounds chosen by country-grouped CV in each window", _fit_trees),
        Model("best", "equal-weight average of 'ewp' and 'trees' (the default; the chapter Risks compares the three)", _fit_best),
    )
}


def get_model(model: str | Model) -> Model:
    """The registered model called ``model`` (or ``model`` itself)."""
    if isinstance(model, Model):
        return model
    try:
        return MODELS[model]
    except KeyError:
        raise KeyError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}") from None


def fit(panel: pd.DataFrame, model: str | Model = "best", last_year: int | None = None) -> Fitted:
    """Fit ``model`` on the complete country-years of ``panel`` up to ``last_year``.

    By default ``last_year`` is the last year whose two-year outcome is known
    (the panel's last year minus two).
    """
    m = get_model(model)
    last = int(panel["year"].max()) - 2 if last_year is None else last_year
    with _limit_threads():
        return m.fit(training_rows(panel, last, m.predictors))


def rank_desc(risk: pd.Series | np.ndarray) -> np.ndarray:
    """Ranks from the highest risk (1), ties sharing the best rank (R's ``rank(-x, ties.method = "min")``)."""
    return pd.Series(np.asarray(risk, dtype=float)).rank(ascending=False, method="min").to_numpy()


def forecast(
    panel: pd.DataFrame,
    model: str | Model = "best",
    from_year: int | None = None,
    fitted: Fitted | None = None,
) -> pd.DataFrame:
    """Risk of a new mass-killing onset in the two years after ``from_year``, for each country.

    The model is fitted on complete country-years up to ``from_year - 2``
    (unless ``fitted`` is given) and applied to the predictors of
    ``from_year`` (by default the panel's last year). Returns ``ewp_name``,
    ``country``, ``risk`` and ``rank`` (1 = highest), sorted by rank.
    """
    m = get_model(model)
    year = int(panel["year"].max()) if from_year is None else from_year
    rows = forecast_rows(panel, year, m.predictors)
    fitted = fitted if fitted is not None else fit(panel, m, year - 2)
    out = rows[[c for c in ("ewp_name", "country") if c in rows.columns]].copy()
    with _limit_threads():
        out["risk"] = fitted.predict(rows)
    out["rank"] = rank_desc(out["risk"]).astype(int)
    return out.sort_values(["rank", "ewp_name"], ignore_index=True)


# Backtest ----------------------------------------------------------------------


def _one_window(panel: pd.DataFrame, model: Model, last_train_year: int) -> pd.DataFrame:
    with _limit_threads():
        fitted = model.fit(training_rows(panel, last_train_year, model.predictors))
        rows = forecast_rows(panel, last_train_year + 2, model.predictors)
        risk = fitted.predict(rows)
    return pd.DataFrame({"ewp_name": rows["ewp_name"].to_numpy(), "data_year": last_train_year + 2, "risk": risk, "rank": rank_desc(risk)})


def backtest_forecasts(
    panel: pd.DataFrame,
    model: str | Model = "best",
    first: int = BACKTEST_FIRST,
    last: int = BACKTEST_LAST,
    n_jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Out-of-sample forecasts: for each last training year T in ``first..last``, fit up to T, forecast from T+2.

    Returns one row per country and data year: ``ewp_name``, ``data_year``
    (= T+2), ``risk`` and ``rank`` within that year. Windows whose data year is
    beyond the panel are skipped. ``n_jobs`` windows run in parallel (separate
    processes, one thread each); ``progress`` is called with the last training
    year of each finished window.
    """
    m = get_model(model)
    last = min(last, int(panel["year"].max()) - 2)
    years = list(range(first, last + 1))
    if not years:
        raise DataError(f"backtest: the panel ends in {int(panel['year'].max())}; it needs data of {first + 2} or later")
    if n_jobs == 1:
        results: Iterator[pd.DataFrame] = (_one_window(panel, m, t) for t in years)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(_one_window)(panel, m, t) for t in years)
    out = []
    for t, frame in zip(years, results, strict=True):
        out.append(frame)
        if progress is not None:
            progress(t)
    return pd.concat(out, ignore_index=True)


def _fingerprint(panel: pd.DataFrame, model: Model, first: int, last: int) -> str:
    """A key for stored backtests: the panel's data, the model, the years, this module and the fitting libraries."""
    import functools
    import hashlib
    import inspect
    from importlib.metadata import version
    from pathlib import Path

    cols = list(dict.fromkeys(["ewp_name", "year", *model.predictors, *[c for c in OUTCOMES if c in panel.columns]]))
    frame = panel[cols].sort_values(["ewp_name", "year"], ignore_index=True)
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    h.update(repr((model.name, model.predictors, first, last)).encode())
    h.update(Path(__file__).read_bytes())
    fit = model.fit
    if isinstance(fit, functools.partial):  # e.g. fit_elastic_net with other predictors
        h.update(repr((fit.args, sorted(fit.keywords.items()))).encode())
        fit = fit.func
    try:  # the module that defines the model's fit (a model defined in a notebook has none)
        h.update(Path(inspect.getfile(fit)).read_bytes())
    except (TypeError, OSError):
        h.update(getattr(fit, "__qualname__", type(fit).__name__).encode())
    for lib in ("numpy", "scikit-learn", "glum", "pandas"):
        h.update(f"{lib}={version(lib)}".encode())
    return h.hexdigest()[:20]


def stored_backtest_forecasts(
    panel: pd.DataFrame,
    model: str = "best",
    first: int = BACKTEST_FIRST,
    last: int = BACKTEST_LAST,
    n_jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """:func:`backtest_forecasts` of a registered model, kept on disk so that chapters share one run.

    The result is stored in the cache folder (``WHATWORKS_CACHE``, see
    :func:`whatworks.fetch.cache_dir`) under a key made of the panel's
    predictors and outcomes, the model, the years, the source of this module
    and the versions of the fitting libraries: any change to one of them
    computes the backtest again. ``best`` is assembled from the stored
    backtests of its two members (:func:`average_forecasts`).
    """
    if model == "best":
        return average_forecasts(*(stored_backtest_forecasts(panel, m, first, last, n_jobs, progress) for m in ("ewp", "trees")))
    from whatworks.fetch import cache_dir

    m = get_model(model)
    path = cache_dir() / "backtests" / f"{m.name}-{_fingerprint(panel, m, first, last)}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    out = backtest_forecasts(panel, m, first, last, n_jobs, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    out.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return out


def average_forecasts(*forecasts: pd.DataFrame) -> pd.DataFrame:
    """Equal-weight average of backtest forecasts of several models, re-ranked within each data year.

    Gives what the ``best`` model (an :class:`AverageFit`) forecasts, from
    its members' forecasts, without fitting them again.
    """
    keys = ["ewp_name", "data_year"]
    merged = forecasts[0][keys + ["risk"]]
    for i, f in enumerate(forecasts[1:], start=1):
        merged = merged.merge(f[keys + ["risk"]], on=keys, how="inner", suffixes=("", f"_{i}"))
    if len(merged) != len(forecasts[0]):
        raise ValueError("average_forecasts: the forecasts do not cover the same country-years")
    risk_cols = [c for c in merged.columns if c.startswith("risk")]
    out = merged[keys].copy()
    out["risk"] = merged[risk_cols].mean(axis=1)
    out["rank"] = out.groupby("data_year")["risk"].rank(ascending=False, method="min")
    return out


def combine_forecasts(forecasts: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Target-year view of two-year forecasts, as the Early Warning Project scores its backtest.

    For each country-year ``Y`` of ``panel`` from the first data year + 1 to
    the last data year + 2 (within the panel), ``risk`` is the higher of the
    forecasts made from data of ``Y-1`` and ``Y-2`` and ``rank`` the better
    (lower) of their ranks; either may be missing, not both (rows with neither
    have ``risk`` missing). ``onset`` is ``mk_onset`` of year ``Y``.
    """
    _require_columns(panel, ["ewp_name", "year", ONSET], "combine_forecasts")
    lo, hi = int(forecasts["data_year"].min()) + 1, int(forecasts["data_year"].max()) + 2
    cols = ["ewp_name", "year", ONSET] + (["country"] if "country" in panel.columns else [])
    base = panel.loc[panel["year"].between(lo, hi), cols].rename(columns={ONSET: "onset"})
    f = forecasts[["ewp_name", "data_year", "risk", "rank"]]
    one = base.merge(f.assign(year=f["data_year"] + 1), on=["ewp_name", "year"], how="left")
    two = base.merge(f.assign(year=f["data_year"] + 2), on=["ewp_name", "year"], how="left")
    out = base.copy()
    out["risk_1"], out["risk_2"] = one["risk"].to_numpy(), two["risk"].to_numpy()
    out["risk"] = np.fmax(out["risk_1"], out["risk_2"])
    out["rank"] = np.fmin(one["rank"].to_numpy(), two["rank"].to_numpy())
    out["onset"] = out["onset"].astype(int)
    return out.sort_values(["year", "ewp_name"], ignore_index=True)


def two_year_view(forecasts: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """Each backtest forecast beside what it forecast: whether an onset began in either of the next two years.

    Keeps the data years whose two-year outcome is known (``mk_onset_1`` and
    ``mk_onset_2`` present). Returns ``ewp_name``, ``data_year``, ``risk``,
    ``rank`` and ``onset`` (= ``mk_onset_1or2`` of the data year). This is the
    view in which a probability can be checked for calibration: the
    target-year view of :func:`combine_forecasts` sets a two-year risk against
    a one-year outcome.
    """
    _require_columns(panel, ["ewp_name", "year", TARGET, "mk_onset_1", "mk_onset_2"], "two_year_view")
    known = panel.dropna(subset=["mk_onset_1", "mk_onset_2"])[["ewp_name", "year", TARGET]]
    out = forecasts.merge(known.rename(columns={"year": "data_year", TARGET: "onset"}), on=["ewp_name", "data_year"], how="inner")
    out["onset"] = out["onset"].astype(int)
    return out.sort_values(["data_year", "ewp_name"], ignore_index=True)


def backtest(
    panel: pd.DataFrame,
    model: str | Model = "best",
    first: int = BACKTEST_FIRST,
    last: int = BACKTEST_LAST,
    n_jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Fully out-of-sample backtest of ``model`` (see :func:`backtest_forecasts` and :func:`combine_forecasts`).

    Returns ``ewp_name``, ``country``, ``year``, ``onset``, ``risk``, ``rank``
    and the two forecasts behind ``risk`` (``risk_1`` from data of the year
    before, ``risk_2`` from two years before).
    """
    return combine_forecasts(backtest_forecasts(panel, model, first, last, n_jobs, progress), panel)


# Metrics -----------------------------------------------------------------------


def _weights(n: int, w: np.ndarray | None) -> np.ndarray:
    return np.ones(n) if w is None else np.asarray(w, dtype=float)


def recall_at(rank: np.ndarray | pd.Series, onset: np.ndarray | pd.Series, k: int, weights: np.ndarray | None = None) -> float:
    """Share of onsets whose rank is ``k`` or better (an onset without a forecast counts as missed)."""
    r, y = np.asarray(rank, dtype=float), np.asarray(onset) == 1
    w = _weights(len(r), weights)[y]
    if w.sum() == 0:
        return float("nan")
    return float((w * (r[y] <= k)).sum() / w.sum())


def roc_auc(onset: np.ndarray | pd.Series, risk: np.ndarray | pd.Series, weights: np.ndarray | None = None) -> float:
    """Area under the ROC curve: the chance that an onset outranks a non-onset (ties count one half)."""
    y, s = np.asarray(onset) == 1, np.asarray(risk, dtype=float)
    w = _weights(len(s), weights)
    levels, inv = np.unique(s, return_inverse=True)
    pos = np.bincount(inv, weights=w * y, minlength=len(levels))
    neg = np.bincount(inv, weights=w * ~y, minlength=len(levels))
    if pos.sum() == 0 or neg.sum() == 0:
        return float("nan")
    below = np.cumsum(neg) - neg  # weight of negatives strictly below each level
    return float((pos * (below + 0.5 * neg)).sum() / (pos.sum() * neg.sum()))


def pr_auc(onset: np.ndarray | pd.Series, risk: np.ndarray | pd.Series, weights: np.ndarray | None = None) -> float:
    """Area under the precision-recall curve as average precision: sum over thresholds of precision x gain in recall."""
    y, s = np.asarray(onset) == 1, np.asarray(risk, dtype=float)
    w = _weights(len(s), weights)
    levels, inv = np.unique(-s, return_inverse=True)  # highest risk first
    pos = np.bincount(inv, weights=w * y, minlength=len(levels))
    neg = np.bincount(inv, weights=w * ~y, minlength=len(levels))
    drawn = (pos + neg) > 0  # levels with no weight (not drawn in a bootstrap) are not thresholds
    tp, fp = np.cumsum(pos[drawn]), np.cumsum(neg[drawn])
    if len(tp) == 0 or tp[-1] == 0:
        return float("nan")
    precision = tp / (tp + fp)
    gain = np.diff(np.concatenate([[0.0], tp])) / tp[-1]
    return float((precision * gain).sum())


def brier(onset: np.ndarray | pd.Series, risk: np.ndarray | pd.Series, weights: np.ndarray | None = None) -> float:
    """Mean squared difference between the risk and what happened (0 or 1)."""
    y, s = np.asarray(onset, dtype=float), np.asarray(risk, dtype=float)
    w = _weights(len(s), weights)
    return float((w * (s - y) ** 2).sum() / w.sum())


RECALL_KS = (10, 20, 30)


def metrics(bt: pd.DataFrame, weights: np.ndarray | None = None) -> pd.Series:
    """Headline scores of a backtest: onsets, recall in the top 10/20/30, ROC AUC, PR AUC and Brier score.

    Country-years without a forecast are left out, except that an onset
    without one counts as missed in the recall.
    """
    w = _weights(len(bt), weights)
    has = bt["risk"].notna().to_numpy()
    out = {"country_years": float(w[has].sum()), "onsets": float((w * (bt["onset"].to_numpy() == 1)).sum())}
    for k in RECALL_KS:
        out[f"recall_{k}"] = recall_at(bt["rank"].fillna(np.inf), bt["onset"], k, w)
    y, s = bt["onset"].to_numpy()[has], bt["risk"].to_numpy()[has]
    out["roc_auc"] = roc_auc(y, s, w[has])
    out["pr_auc"] = pr_auc(y, s, w[has])
    out["brier"] = brier(y, s, w[has])
    return pd.Series(out)


def per_year_recall(bt: pd.DataFrame, k: int = 30) -> pd.DataFrame:
    """For each target year with an onset: onsets, onsets in the top ``k``, and their share."""
    on = bt[bt["onset"] == 1]
    out = on.groupby("year").agg(onsets=("onset", "size"), caught=("rank", lambda r: int((r <= k).sum())))
    out["recall"] = out["caught"] / out["onsets"]
    return out.reset_index()


def clopper_pearson(successes: int, trials: int, level: float = 0.9) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a proportion."""
    from scipy.stats import beta

    a = (1 - level) / 2
    lo = 0.0 if successes == 0 else float(beta.ppf(a, successes, trials - successes + 1))
    hi = 1.0 if successes == trials else float(beta.ppf(1 - a, successes + 1, trials - successes))
    return lo, hi


def calibration(bt: pd.DataFrame, edges: Sequence[float] = (0, 0.01, 0.02, 0.04, 0.08, 1), level: float = 0.9) -> pd.DataFrame:
    """Forecast risk against the observed share of onsets, by bins of risk, with exact intervals.

    Returns one row per non-empty bin: ``bin``, ``country_years``, ``onsets``,
    ``mean_risk``, ``observed`` and the interval ``low``-``high``.
    """
    has = bt.dropna(subset=["risk"])
    labels = [f"{a:.0%}-{b:.0%}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    cut = pd.cut(has["risk"], list(edges), labels=labels, include_lowest=True)
    g = has.groupby(cut, observed=True).agg(country_years=("onset", "size"), onsets=("onset", "sum"), mean_risk=("risk", "mean"))
    g["observed"] = g["onsets"] / g["country_years"]
    ci = [clopper_pearson(int(o), int(n), level) for o, n in zip(g["onsets"], g["country_years"], strict=True)]
    g["low"], g["high"] = [c[0] for c in ci], [c[1] for c in ci]
    return g.reset_index(names="bin")


# Bootstrap ---------------------------------------------------------------------


@dataclass
class Bootstrap:
    """Bootstrap replicates of backtest metrics for one or more models scored on the same country-years."""

    replicates: pd.DataFrame  # columns: rep, model, and one per metric
    estimates: pd.DataFrame  # model x metric, on the original data
    n_boot: int
    level: float
    scheme: str = field(default="stratified")

    def intervals(self) -> pd.DataFrame:
        """Percentile intervals per model and metric: ``estimate``, ``low``, ``high``."""
        a = (1 - self.level) / 2
        q = self.replicates.drop(columns="rep").groupby("model").quantile([a, 1 - a])
        rows = []
        for model, est in self.estimates.iterrows():
            for metric, value in est.items():
                low, high = q.loc[(model, a), metric], q.loc[(model, 1 - a), metric]
                rows.append({"model": model, "metric": metric, "estimate": value, "low": low, "high": high})
        return pd.DataFrame(rows)

    def difference(self, model: str, baseline: str) -> pd.DataFrame:
        """Paired differences ``model - baseline`` per metric, with their interval and share of replicates above zero."""
        a = (1 - self.level) / 2
        r = self.replicates.set_index(["rep", "model"])
        d = r.xs(model, level="model") - r.xs(baseline, level="model")
        est = self.estimates.loc[model] - self.estimates.loc[baseline]
        return pd.DataFrame({"estimate": est, "low": d.quantile(a), "high": d.quantile(1 - a), "share_above_zero": (d > 0).mean()})


def bootstrap(
    backtests: Mapping[str, pd.DataFrame],
    n_boot: int = 1000,
    level: float = 0.9,
    seed: int = 0,
    scheme: str = "stratified",
) -> Bootstrap:
    """Bootstrap the backtest metrics of several models on the same country-years (paired).

    ``scheme="stratified"`` resamples, with replacement, the onsets among
    themselves and the other country-years among themselves, so each replicate
    has as many onsets as the data; ``scheme="country"`` resamples whole
    countries with all their years (onsets in the same country are not
    independent), so the number of onsets varies. The same draws are used for
    every model, so differences between models are paired. Draws are applied
    as weights (how many times each row is drawn).
    """
    names = list(backtests)
    first = backtests[names[0]]
    keys = [c for c in ("ewp_name", "year", "data_year") if c in first.columns]
    for name in names[1:]:
        other = backtests[name]
        if len(other) != len(first) or not (other[keys].to_numpy() == first[keys].to_numpy()).all():
            raise ValueError(f"bootstrap: backtest {name!r} is not on the same country-years as {names[0]!r}")
    keep = np.ones(len(first), dtype=bool)
    for bt in backtests.values():
        keep &= bt["risk"].notna().to_numpy() | (bt["onset"].to_numpy() == 1)
    frames = {k: v[keep].reset_index(drop=True) for k, v in backtests.items()}
    onset = frames[names[0]]["onset"].to_numpy() == 1
    rng = np.random.default_rng(seed)
    if scheme == "stratified":
        pos, neg = np.flatnonzero(onset), np.flatnonzero(~onset)

        def draw() -> np.ndarray:
            w = np.zeros(len(onset))
            np.add.at(w, rng.choice(pos, len(pos)), 1)
            np.add.at(w, rng.choice(neg, len(neg)), 1)
            return w
    elif scheme == "country":
        codes, groups = np.unique(frames[names[0]]["ewp_name"].to_numpy(), return_inverse=True)

        def draw() -> np.ndarray:
            counts = np.bincount(rng.integers(0, len(codes), len(codes)), minlength=len(codes))
            return counts[groups].astype(float)
    else:
        raise ValueError(f"bootstrap: scheme must be 'stratified' or 'country', not {scheme!r}")
    rows = []
    for rep in range(n_boot):
        w = draw()
        for name in names:
            rows.append({"rep": rep, "model": name, **metrics(frames[name], w).to_dict()})
    estimates = pd.DataFrame({name: metrics(frames[name]) for name in names}).T
    return Bootstrap(pd.DataFrame(rows), estimates, n_boot, level, scheme)


# Comparison with published forecasts ----------------------------------------------


def overlap_top(a: pd.Series, b: pd.Series, k: int) -> int:
    """How many of the ``k`` highest of ``a`` are also among the ``k`` highest of ``b`` (both indexed by country)."""
    return len(set(a.nlargest(k).index) & set(b.nlargest(k).index))


# Charts ------------------------------------------------------------------------------
#
# Each function takes tidy frames and a title that states the finding (computed by the caller),
# and writes the chart's description (its text alternative) from the data it draws.

MODEL_LABELS = {"ewp": "EWP model (replication)", "trees": "Boosted trees", "best": "Average of both (best)"}
LEGEND = {"labelLimit": 320}


def _alt():  # noqa: ANN202
    import altair as alt

    from whatworks import charts

    return alt, charts


def replication_chart(cmp: pd.DataFrame, title: str, subtitle: str) -> object:
    """Scatter of published against replicated risks (columns ``country``, ``published``, ``ours``), with the diagonal."""
    alt, charts = _alt()
    top = float(max(cmp["published"].max(), cmp["ours"].max())) * 1.05
    scale = alt.Scale(domain=[0, top], nice=False)
    xt, yt = "Published risk, 2025-26", "Our replication"
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0, top], "y": [0, top]}))
        .mark_line(color=charts.GREY, strokeDash=[4, 4], strokeWidth=1)
        .encode(x=alt.X("x:Q", title=xt, scale=scale), y=alt.Y("y:Q", title=yt, scale=scale))
    )
    points = (
        alt.Chart(cmp)
        .mark_circle(size=45, opacity=0.75, color=charts.PALETTE[0])
        .encode(
            x=alt.X("published:Q", title=xt, axis=alt.Axis(format="%"), scale=scale),
            y=alt.Y("ours:Q", title=yt, axis=alt.Axis(format="%"), scale=scale),
            tooltip=["country:N", alt.Tooltip("published:Q", format=".2%"), alt.Tooltip("ours:Q", format=".2%")],
        )
    )
    far = cmp.assign(gap=(cmp["ours"] - cmp["published"]).abs()).nlargest(1, "gap").iloc[0]
    return (diagonal + points).properties(
        title=charts.finding(title, subtitle),
        width=420,
        height=420,
        description=(
            f"Scatter plot of the risk of a new mass killing in 2025-26 for {len(cmp)} countries: the Early Warning "
            f"Project's published figure across, our replication up, with the diagonal of perfect agreement. The points "
            f"lie on the diagonal; the largest gap is for {far['country']} ({far['published']:.2%} published, "
            f"{far['ours']:.2%} ours)."
        ),
    )


def odds_ratio_chart(ors: pd.DataFrame, title: str, subtitle: str) -> object:
    """Dot plot of odds ratios by predictor (columns ``predictor``, ``source``, ``odds_ratio``), log scale.

    Rows are labelled with :data:`PREDICTOR_LABELS` and sorted by the odds ratio of the first source.
    """
    alt, charts = _alt()
    ors = ors.assign(label=ors["predictor"].map(PREDICTOR_LABELS).fillna(ors["predictor"]))
    order = ors[ors["source"] == ors["source"].iloc[0]].sort_values("odds_ratio", ascending=False)["label"].tolist()
    lo, hi = float(ors["odds_ratio"].min()), float(ors["odds_ratio"].max())
    base = alt.Chart(ors).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X(
            "odds_ratio:Q",
            title="Odds ratio per unit of the predictor (log scale)",
            scale=alt.Scale(type="log", domain=[lo * 0.9, hi * 1.1], nice=False),
        ),
        color=alt.Color("source:N", title=None, scale=alt.Scale(range=charts.PALETTE[:2]), legend=alt.Legend(**LEGEND)),
        tooltip=["label:N", "predictor:N", "source:N", alt.Tooltip("odds_ratio:Q", format=".3f")],
    )
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=charts.GREY).encode(x="x:Q")
    top = ors.loc[ors["odds_ratio"].idxmax()]
    low = ors.loc[ors["odds_ratio"].idxmin()]
    return (one + base.mark_point(filled=True, size=70, opacity=0.85)).properties(
        title=charts.finding(title, subtitle),
        width=300,
        height=max(200, 18 * len(order)),
        description=(
            f"Dot plot of the odds ratios of the {len(order)} predictors that the elastic net keeps, one row per predictor, "
            f"the published coefficients and ours side by side on a log scale with a line at 1 (no effect). The highest "
            f"is {top['odds_ratio']:.2f} for {top['label']}, the lowest {low['odds_ratio']:.2f} for {low['label']}."
        ),
    )


def calibration_chart(cal: pd.DataFrame, title: str, subtitle: str) -> object:
    """Observed share of onsets against mean forecast risk by bin, with intervals, per model (column ``model``)."""
    alt, charts = _alt()
    top = float(max(cal["high"].max(), cal["mean_risk"].max())) * 1.05
    scale = alt.Scale(domain=[0, top], nice=False)
    xt, yt = "Mean forecast risk in the bin", "Share followed by an onset"
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0, top], "y": [0, top]}))
        .mark_line(color=charts.GREY, strokeDash=[4, 4], strokeWidth=1)
        .encode(x=alt.X("x:Q", title=xt, scale=scale), y=alt.Y("y:Q", title=yt, scale=scale))
    )
    colour = alt.Color("model:N", title=None, scale=alt.Scale(range=charts.PALETTE[:3]), legend=alt.Legend(**LEGEND))
    enc = {
        "x": alt.X("mean_risk:Q", title=xt, axis=alt.Axis(format="%"), scale=scale),
        "color": colour,
        "tooltip": [
            "model:N",
            "bin:N",
            "country_years:Q",
            "onsets:Q",
            alt.Tooltip("mean_risk:Q", format=".1%"),
            alt.Tooltip("observed:Q", format=".1%"),
        ],
    }
    bars = alt.Chart(cal).mark_rule(strokeWidth=2, opacity=0.6).encode(y=alt.Y("low:Q", title=yt, scale=scale), y2="high:Q", **enc)
    points = alt.Chart(cal).mark_point(filled=True, size=70).encode(y=alt.Y("observed:Q", title=yt, axis=alt.Axis(format="%"), scale=scale), **enc)
    return (diagonal + bars + points).properties(
        title=charts.finding(title, subtitle),
        width=440,
        height=400,
        description=(
            f"Calibration chart: for each model and each bin of forecast risk, the share of country-years followed by a "
            f"new mass killing within two years (up) against the mean forecast (across), with exact intervals and the "
            f"diagonal where the two agree. {len(cal)} points from {int(cal['country_years'].sum() / cal['model'].nunique())} "
            f"forecasts per model."
        ),
    )


def onset_rank_chart(ranks: pd.DataFrame, k: int, title: str, subtitle: str) -> object:
    """Rank given to each onset by each model (columns ``onset_label``, ``year``, ``model``, ``rank``), line at ``k``."""
    alt, charts = _alt()
    order = ranks.sort_values(["year", "onset_label"])["onset_label"].unique().tolist()
    n = len(order)
    top = float(ranks["rank"].max())
    points = (
        alt.Chart(ranks)
        .mark_point(filled=True, size=55, opacity=0.85)
        .encode(
            y=alt.Y("onset_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X(
                "rank:Q",
                title="Better of the two ranks before the onset (log scale)",
                scale=alt.Scale(type="log", domain=[1, max(top, 100)], nice=False),
            ),
            color=alt.Color("model:N", title=None, scale=alt.Scale(range=charts.PALETTE[:3]), legend=alt.Legend(**LEGEND)),
            shape=alt.Shape("model:N", title=None),
            tooltip=["onset_label:N", "model:N", "rank:Q"],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [k]})).mark_rule(color=charts.PALETTE[5], strokeDash=[4, 3]).encode(x="x:Q")
    caught = ranks.assign(hit=ranks["rank"] <= k).groupby("model")["hit"].sum()
    said = "; ".join(f"{m}: {int(c)} of {n}" for m, c in caught.items())
    return (rule + points).properties(
        title=charts.finding(title, subtitle),
        width=460,
        height=14 * n,
        description=(
            f"Dot plot of the {n} onsets of mass killing in the backtest, one row per country and year, showing the rank "
            f"each model had given the country (1 = highest risk, log scale) with a dashed line at rank {k}. Onsets ranked "
            f"{k} or better: {said}."
        ),
    )


def ranking_chart(top: pd.DataFrame, title: str, subtitle: str) -> object:
    """Top of a ranking: risk by country (columns ``country``, ``risk``, ``rank``, ``change``), with the change in rank as text."""
    alt, charts = _alt()
    order = top.sort_values("rank")["country"].tolist()
    base = alt.Chart(top).encode(y=alt.Y("country:N", sort=order, title=None))
    bars = base.mark_bar(color=charts.PALETTE[0], height=12).encode(
        x=alt.X("risk:Q", title="Risk of a new mass killing in the two years", axis=alt.Axis(format="%")),
        tooltip=["rank:Q", "country:N", alt.Tooltip("risk:Q", format=".1%"), "change:N"],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11, color=charts.GREY).encode(x="risk:Q", text="change:N")
    return (bars + text).properties(
        title=charts.finding(title, subtitle),
        width=460,
        height=16 * len(top),
        description=(
            f"Bar chart of the {len(top)} countries with the highest forecast risk, from {order[0]} "
            f"({top['risk'].max():.1%}) down to {order[-1]} ({top['risk'].min():.1%}); the label beside each bar gives its "
            f"change in rank since the forecast made a year earlier."
        ),
    )


def trajectory_chart(traj: pd.DataFrame, title: str, subtitle: str) -> object:
    """Backtest risk by year for a few countries (columns ``country``, ``year``, ``model``, ``risk``, ``onset``), onsets marked."""
    alt, charts = _alt()
    lines = (
        alt.Chart()
        .mark_line(point=False)
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d")),
            y=alt.Y("risk:Q", title="Risk", axis=alt.Axis(format="%")),
            color=alt.Color("model:N", title=None, scale=alt.Scale(range=charts.PALETTE[:3]), legend=alt.Legend(**LEGEND)),
            tooltip=["country:N", alt.Tooltip("year:Q", format="d"), "model:N", alt.Tooltip("risk:Q", format=".1%")],
        )
    )
    onsets = alt.Chart().mark_rule(color=charts.PALETTE[5], strokeDash=[4, 3]).encode(x="year:Q").transform_filter("datum.onset == 1")
    countries = traj["country"].unique().tolist()
    years = traj.loc[traj["onset"] == 1, ["country", "year"]].drop_duplicates()
    said = "; ".join(
        f"{c}: {', '.join(str(y) for y in years.loc[years['country'] == c, 'year'])}" for c in countries if (years["country"] == c).any()
    )
    return (
        alt.layer(lines, onsets, data=traj)
        .properties(width=460, height=110)
        .facet(row=alt.Row("country:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=12)))
        .properties(
            title=charts.finding(title, subtitle),
            description=(
                f"Line charts, one per country ({', '.join(countries)}), of the risk each model gave in the backtest to a new "
                f"mass killing in each year from {int(traj['year'].min())} to {int(traj['year'].max())}, with dashed lines in "
                f"the years an onset began" + (f" ({said})." if said else " (none in these countries).")
            ),
        )
    )
