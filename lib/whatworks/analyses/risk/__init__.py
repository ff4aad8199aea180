"""Statistical risk assessment of mass-killing onsets: fit, forecast, backtest and metrics.

The models work on a country-year panel in the ``predictors`` layout (see
:func:`whatworks.data.load_ewp_predictors`): one row per country (``ewp_name``)
and year, the Early Warning Project's 39 predictors and the onset outcomes.

Six models are registered in :data:`MODELS`:

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
``ewp_calibrated``, ``trees_calibrated``, ``best_calibrated``
    Each of the three with its log-odds shifted so that, over the
    out-of-sample forecasts of the last ten data years inside its training
    window, expected onsets match observed ones
    (:mod:`whatworks.analyses.risk.calibration`, which also reports how well
    forecasts are calibrated). :mod:`whatworks.analyses.risk.register` writes
    the models' forecasts into a register and scores them once the outcomes
    are in.

``best_calibrated`` is the book's default (:data:`DEFAULT_MODEL`): every risk
figure of the book comes from it, and the commands use it unless told
otherwise. :func:`stored_fit` fits a model the way the chapters do, taking a
recalibration's history from the stored backtest.

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

from whatworks.analyses.risk.backtesting import (
    average_forecasts,
    backtest,
    backtest_forecasts,
    calibrated_forecasts,
    combine_forecasts,
    stored_backtest_forecasts,
    stored_fit,
    two_year_view,
)
from whatworks.analyses.risk.calibration import (
    CALIBRATION_METHODS,
    CALIBRATION_YEARS,
    MIN_EVENTS,
    REPORT_FORMATS,
    REPORT_METRICS,
    CalibratedFit,
    Recalibrated,
    Recalibration,
    calibration_bootstrap,
    calibration_report,
    first_training_year,
    fit_recalibration,
    history_years,
    recalibrate_forecasts,
    recalibrations,
    report_text,
    training_base_rates,
)
from whatworks.analyses.risk.glmnet import (
    ElasticNetFit,
    binomial_deviance,
    elastic_net_path,
    fit_elastic_net,
    glmnet_lambdas,
    glmnet_path_length,
)
from whatworks.analyses.risk.models import (
    DEFAULT_MODEL,
    MODEL_LABELS,
    MODELS,
    AverageFit,
    Fitted,
    Model,
    fit,
    forecast,
    get_model,
    rank_desc,
)
from whatworks.analyses.risk.panel import (
    BACKTEST_FIRST,
    BACKTEST_LAST,
    CV_SEED,
    EWP_PREDICTORS,
    FDEV,
    LOAD_PANEL,
    MNLAM,
    ONSET,
    OUTCOMES,
    PREDICTOR_LABELS,
    PROB_MIN,
    TARGET,
    check_countries,
    forecast_rows,
    limit_threads,
    matrix,
    sigmoid,
    training_rows,
)
from whatworks.analyses.risk.register import (
    REGISTER_COLUMNS,
    append_register,
    code_version,
    gap_message,
    read_register,
    register_forecasts,
    score_register,
)
from whatworks.analyses.risk.scores import (
    RECALL_KS,
    Bootstrap,
    bootstrap,
    brier,
    calibration,
    calibration_line,
    calibration_scores,
    logit,
    metrics,
    missed_onsets,
    overlap_top,
    per_year_recall,
    pr_auc,
    recall_at,
    roc_auc,
)
from whatworks.analyses.risk.trees import (
    TreesFit,
    fit_trees,
)

__all__ = [
    "REPORT_FORMATS",
    "report_text",
    "DEFAULT_MODEL",
    "missed_onsets",
    "stored_fit",
    "AverageFit",
    "BACKTEST_FIRST",
    "BACKTEST_LAST",
    "Bootstrap",
    "CALIBRATION_METHODS",
    "CALIBRATION_YEARS",
    "CV_SEED",
    "CalibratedFit",
    "EWP_PREDICTORS",
    "ElasticNetFit",
    "FDEV",
    "Fitted",
    "LOAD_PANEL",
    "MIN_EVENTS",
    "MNLAM",
    "MODELS",
    "MODEL_LABELS",
    "Model",
    "ONSET",
    "OUTCOMES",
    "PREDICTOR_LABELS",
    "PROB_MIN",
    "RECALL_KS",
    "REGISTER_COLUMNS",
    "REPORT_METRICS",
    "Recalibrated",
    "Recalibration",
    "TARGET",
    "TreesFit",
    "append_register",
    "average_forecasts",
    "backtest",
    "backtest_forecasts",
    "binomial_deviance",
    "bootstrap",
    "brier",
    "calibrated_forecasts",
    "calibration_bootstrap",
    "calibration",
    "calibration_line",
    "calibration_report",
    "calibration_scores",
    "check_countries",
    "code_version",
    "combine_forecasts",
    "elastic_net_path",
    "first_training_year",
    "fit",
    "fit_elastic_net",
    "fit_recalibration",
    "fit_trees",
    "forecast",
    "forecast_rows",
    "gap_message",
    "get_model",
    "glmnet_lambdas",
    "glmnet_path_length",
    "history_years",
    "limit_threads",
    "logit",
    "matrix",
    "metrics",
    "overlap_top",
    "per_year_recall",
    "pr_auc",
    "rank_desc",
    "read_register",
    "recalibrate_forecasts",
    "recalibrations",
    "recall_at",
    "register_forecasts",
    "roc_auc",
    "score_register",
    "sigmoid",
    "stored_backtest_forecasts",
    "training_base_rates",
    "training_rows",
    "two_year_view",
]
