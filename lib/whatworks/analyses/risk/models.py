"""The registered risk models (ewp, trees, best and their recalibrated versions), fitting them and forecasting from one year's data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from whatworks.analyses.risk.calibration import CALIBRATION_YEARS, Recalibrated
from whatworks.analyses.risk.glmnet import fit_elastic_net
from whatworks.analyses.risk.panel import EWP_PREDICTORS, forecast_rows, limit_threads, training_rows
from whatworks.analyses.risk.trees import fit_trees

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


_BASE_MODELS = (
    Model("ewp", "replication of the Early Warning Project: elastic-net logistic regression, mixing 0.5, lambda.min by 10-fold CV", _fit_ewp),
    Model("trees", "gradient-boosted trees, depth and rounds chosen by country-grouped CV in each window", _fit_trees),
    Model("best", "equal-weight average of 'ewp' and 'trees' (recalibrated, the book's default: DEFAULT_MODEL)", _fit_best),
)
# Each base model recalibrated inside its training window (see whatworks.analyses.risk.calibration).
_CALIBRATED_MODELS = tuple(
    Model(
        f"{m.name}_calibrated",
        f"'{m.name}' with its log-odds shifted to match the onsets of its out-of-sample forecasts of the last {CALIBRATION_YEARS} "
        "data years inside the training window",
        Recalibrated(m),
    )
    for m in _BASE_MODELS
)
MODELS: dict[str, Model] = {m.name: m for m in (*_BASE_MODELS, *_CALIBRATED_MODELS)}

# The model behind every risk figure of the book (Risks, Scenario, the trigger watch, the situation briefs) and the
# commands' default: the average of the replication and the trees, recalibrated inside each training window. Its
# ranking is that of 'best' (a shift of the log-odds keeps the order); its percentages were closer to the onsets
# observed in the backtest (the chapter Risks reports by how much).
DEFAULT_MODEL = "best_calibrated"

# How the models are named in charts and tables.
MODEL_LABELS = {
    "ewp": "EWP model (replication)",
    "trees": "Boosted trees",
    "best": "Average of both (best)",
    "ewp_calibrated": "EWP model, recalibrated",
    "trees_calibrated": "Boosted trees, recalibrated",
    "best_calibrated": "Average of both, recalibrated",
}


def get_model(model: str | Model) -> Model:
    """The registered model called ``model`` (or ``model`` itself)."""
    if isinstance(model, Model):
        return model
    try:
        return MODELS[model]
    except KeyError:
        raise KeyError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}") from None


def fit(panel: pd.DataFrame, model: str | Model = DEFAULT_MODEL, last_year: int | None = None) -> Fitted:
    """Fit ``model`` on the complete country-years of ``panel`` up to ``last_year``.

    By default ``last_year`` is the last year whose two-year outcome is known
    (the panel's last year minus two).
    """
    m = get_model(model)
    last = int(panel["year"].max()) - 2 if last_year is None else last_year
    with limit_threads():
        return m.fit(training_rows(panel, last, m.predictors))


def rank_desc(risk: pd.Series | np.ndarray) -> np.ndarray:
    """Ranks from the highest risk (1), ties sharing the best rank (R's ``rank(-x, ties.method = "min")``)."""
    return pd.Series(np.asarray(risk, dtype=float)).rank(ascending=False, method="min").to_numpy()


def forecast(
    panel: pd.DataFrame,
    model: str | Model = DEFAULT_MODEL,
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
    with limit_threads():
        out["risk"] = fitted.predict(rows)
    out["rank"] = rank_desc(out["risk"]).astype(int)
    return out.sort_values(["rank", "ewp_name"], ignore_index=True)
