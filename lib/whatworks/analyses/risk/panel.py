"""The country-year panel of the risk models: predictors, outcomes, training and forecast rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from whatworks.errors import DataError, require_columns

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

# How to get a frame with the columns the models need (said when a frame lacks some).
LOAD_PANEL = "Load it with whatworks.data.load_ewp_predictors(path), which checks a file in the 'predictors' layout."


# Panels: training and forecast rows ------------------------------------------------


def training_rows(panel: pd.DataFrame, last_year: int, predictors: Sequence[str] = EWP_PREDICTORS) -> pd.DataFrame:
    """Country-years up to ``last_year`` with every predictor and every outcome present.

    Requiring all four outcomes (as the Early Warning Project does) drops the
    last two years of the panel, whose two-year outcome is not yet known.
    """
    require_columns(panel, [*predictors, *OUTCOMES, "year", "ewp_name"], "training_rows", "panel", LOAD_PANEL)
    rows = panel[panel["year"] <= last_year].dropna(subset=[*predictors, *OUTCOMES])
    if rows.empty:
        raise DataError(
            f"no complete country-years up to {last_year} (with every predictor and outcome): "
            f"the panel covers {int(panel['year'].min())}-{int(panel['year'].max())}"
        )
    return rows


def forecast_rows(panel: pd.DataFrame, year: int, predictors: Sequence[str] = EWP_PREDICTORS) -> pd.DataFrame:
    """Country-years of ``year`` with every predictor present (the countries a forecast covers)."""
    require_columns(panel, [*predictors, "year", "ewp_name"], "forecast_rows", "panel", LOAD_PANEL)
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


def matrix(frame: pd.DataFrame, predictors: Sequence[str]) -> np.ndarray:
    return frame[list(predictors)].to_numpy(dtype=float)


def sigmoid(eta: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-eta))


def limit_threads():  # noqa: ANN202 (a threadpoolctl context manager)
    """One thread for BLAS/OpenMP inside fits: small problems run faster, and 2 processes share 2 cores."""
    # Load the libraries first: a thread pool loaded after the limit is set would escape it.
    import glum  # noqa: F401
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)
