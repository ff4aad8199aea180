"""Reading the book's data: the registry of sources, fetching and verifying files, checking layouts, countries, loaders.

Nothing here imports the analyses, charts or site above it. The loaders are re-exported, so that
``from whatworks import data; data.load_ewp_predictors()`` reads the published panel (or a
practitioner's file in its layout, ``data.load_ewp_predictors("my_panel.csv")``).
"""

from whatworks.data.currency import Coverage, coverage, coverages, current_to
from whatworks.data.loaders import (
    PathLike,
    load,
    load_battle_deaths,
    load_council_membership,
    load_coup_years,
    load_coups,
    load_deco,
    load_ewp_basedata,
    load_ewp_coefficients,
    load_ewp_forecasts,
    load_ewp_predictors,
    load_facts,
    load_health_attacks,
    load_mk_episodes,
    load_tfap_dictionary,
    load_tfap_factors,
    load_tfap_sources,
    load_unsc_timeline,
    load_vdem,
    load_vetoes,
    read_checked,
    tidy,
    validate,
)

__all__ = [
    "Coverage",
    "coverage",
    "coverages",
    "current_to",
    "PathLike",
    "load",
    "load_battle_deaths",
    "load_council_membership",
    "load_coup_years",
    "load_coups",
    "load_deco",
    "load_ewp_basedata",
    "load_ewp_coefficients",
    "load_ewp_forecasts",
    "load_ewp_predictors",
    "load_facts",
    "load_health_attacks",
    "load_mk_episodes",
    "load_tfap_dictionary",
    "load_tfap_factors",
    "load_tfap_sources",
    "load_unsc_timeline",
    "load_vdem",
    "load_vetoes",
    "read_checked",
    "tidy",
    "validate",
]
