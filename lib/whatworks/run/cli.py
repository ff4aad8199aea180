"""The ``whatworks`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from whatworks.analyses import risk
from whatworks.analyses.risk import MODELS
from whatworks.data import load_ewp_predictors
from whatworks.data.fetch import fetch, fetch_all
from whatworks.data.importers import FORMATS, convert_command
from whatworks.data.registry import sources
from whatworks.data.schemas import write_template
from whatworks.data.validation import validate_command
from whatworks.errors import DataError

if TYPE_CHECKING:  # for type hints only
    import pandas as pd


app = typer.Typer(help="What Works: tools of the handbook on preventing mass atrocity crimes.", no_args_is_help=True)
data_app = typer.Typer(help="Fetch the book's datasets and check your own files.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("fetch")
def fetch_cmd() -> None:
    """Download (or take from WHATWORKS_DATA_MIRROR) and verify every dataset."""
    failures = 0
    for name, result in fetch_all().items():
        if isinstance(result, Exception):
            failures += 1
            typer.echo(f"FAILED  {name}\n{result}", err=True)
        else:
            typer.echo(f"ok      {name}  {result}")
    if failures:
        typer.echo(f"{failures} dataset(s) failed.", err=True)
        raise typer.Exit(1)


@data_app.command("validate")
def validate_cmd(
    path: Annotated[Path, typer.Argument(help="Your file (CSV or Excel).")],
    schema: Annotated[str, typer.Option("--schema", help="Layout to check against, e.g. 'predictors'.")],
    strict: Annotated[bool, typer.Option("--strict", help="Exit with 2 if the file is valid but has warnings.")] = False,
) -> None:
    """Check a file against a schema; exit 0 if valid (warnings, if any, on stderr), 1 with the problems otherwise."""
    raise typer.Exit(validate_command(path, schema, strict=strict))


@data_app.command("convert")
def convert_cmd(
    path: Annotated[Path, typer.Argument(help="The publisher's file as you downloaded it (CSV or Excel).")],
    fmt: Annotated[
        str,
        typer.Option("--from", help="Its format: " + "; ".join(f"'{i.name}' (to {i.layout or '--to'}) = {i.reads}" for i in FORMATS.values()) + "."),
    ],
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write, in the book's layout.")],
    layout: Annotated[str | None, typer.Option("--to", help="Layout to convert to, e.g. 'events' (default: the format's own).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel: the sheet to read (default: the sheets that hold the data).")] = None,
    mapping: Annotated[
        str | None, typer.Option("--map", help="With --from map: LAYOUT_COLUMN=YOUR_COLUMN,... (a quoted value is a constant: event_type='other').")
    ] = None,
    drop_unknown: Annotated[
        bool, typer.Option("--drop-unknown-countries", help="Leave out (and report) the rows of countries the book's crosswalk does not know.")
    ] = False,
) -> None:
    """Convert a publisher's file to one of the book's layouts; print what was mapped, kept and dropped. Exit 1 with every problem otherwise."""
    raise typer.Exit(convert_command(path, fmt, out, layout, sheet=sheet, mapping=mapping, drop_unknown_countries=drop_unknown))


@data_app.command("template")
def template_cmd(
    schema: Annotated[str, typer.Argument(help="Layout, e.g. 'episodes' (see: whatworks data sources).")],
    out: Annotated[Path | None, typer.Option("--out", help="Where to write it (default: SCHEMA_template.csv).")] = None,
) -> None:
    """Write a CSV template for a layout: its header and one example row."""
    try:
        path = write_template(schema, out or Path(f"{schema}_template.csv"))
    except KeyError as exc:
        typer.echo(exc.args[0], err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Wrote {path}")


@data_app.command("sources")
def sources_cmd() -> None:
    """List the registered datasets and their schemas."""
    for src in sources().values():
        typer.echo(f"{src.name:36} schema {src.schema:20} {src.title}")


# Risk assessment -----------------------------------------------------------------


def _model_help() -> str:
    return "Model: " + "; ".join(f"'{m.name}' = {m.description}" for m in MODELS.values()) + "."


def _model_names() -> list[str]:
    return list(MODELS)


def _check_model(name: str) -> str:
    if name not in _model_names():
        raise typer.BadParameter(f"unknown model {name!r}; choose one of {', '.join(_model_names())}")
    return name


def _load_panel(predictors: Path | None) -> pd.DataFrame:
    try:
        return load_ewp_predictors(predictors)
    except DataError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


def _country_column(df: pd.DataFrame) -> pd.Series:
    """Harmonised country name, or the panel's own name where the crosswalk has none."""
    return df["country"].fillna(df["ewp_name"]) if "country" in df.columns else df["ewp_name"]


MODEL_OPTION = typer.Option("--model", help=_model_help(), callback=_check_model, show_default=True)
PREDICTORS_OPTION = typer.Option("--predictors", help="Your own country-year panel in the 'predictors' layout (default: the published one).")


@app.command("forecast")
def forecast_cmd(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write: country, risk, rank.")],
    model: Annotated[str, MODEL_OPTION] = risk.DEFAULT_MODEL,
    from_year: Annotated[int | None, typer.Option("--from-year", help="Year of the predictors to forecast from (default: the panel's last).")] = None,
    predictors: Annotated[Path | None, PREDICTORS_OPTION] = None,
) -> None:
    """Risk of a new mass-killing onset in the two years after --from-year, for every country.

    The model is fitted on complete country-years up to two years before --from-year.
    """
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("Loading the panel", total=3)
        panel = _load_panel(predictors)
        year = int(panel["year"].max()) if from_year is None else from_year
        bar.update(task, advance=1, description=f"Fitting '{model}' on data up to {year - 2}")
        try:
            risk.forecast_rows(panel, year)  # says at once if the panel has no usable rows for that year
            fitted = risk.stored_fit(panel, model, year - 2)
            bar.update(task, advance=1, description=f"Forecasting from {year}")
            result = risk.forecast(panel, model, year, fitted=fitted)
        except DataError as exc:
            typer.echo(f"{predictors or 'published predictors panel'}: {exc}", err=True)
            raise typer.Exit(1) from None
        bar.update(task, advance=1)
    table = result.assign(country=_country_column(result))[["country", "risk", "rank"]]
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    typer.echo(f"Wrote {len(table)} countries to {out} (model '{model}', forecast for {year + 1}-{year + 2} from {year} data).")


@app.command("backtest")
def backtest_cmd(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write: country, year, onset, risk, rank.")],
    model: Annotated[str, MODEL_OPTION] = risk.DEFAULT_MODEL,
    predictors: Annotated[Path | None, PREDICTORS_OPTION] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Training windows fitted at once (processes).")] = 2,
) -> None:
    """Out-of-sample backtest as the Early Warning Project runs it.

    For each last training year T from 1991 to 2021, fit on data up to T and forecast from data of T+2.
    For each country and target year Y, risk is the higher of the two forecasts covering Y (from data of
    Y-1 and Y-2) and rank the better of their ranks; onset is whether a new mass killing began in Y.
    """
    panel = _load_panel(predictors)
    last = min(risk.BACKTEST_LAST, int(panel["year"].max()) - 2)
    total = max(last - risk.BACKTEST_FIRST + 1, 0)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"Backtest of '{model}': training windows", total=total)
        try:
            result = risk.backtest(panel, model, n_jobs=jobs, progress=lambda _t: bar.advance(task))
        except DataError as exc:
            typer.echo(f"{predictors or 'published predictors panel'}: {exc}", err=True)
            raise typer.Exit(1) from None
    table = result.assign(country=_country_column(result))[["country", "year", "onset", "risk", "rank"]]
    table["rank"] = table["rank"].astype("Int64")
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    scores = risk.metrics(result)
    typer.echo(
        f"Wrote {len(table)} country-years ({int(table['year'].min())}-{int(table['year'].max())}) to {out}. "
        f"Model '{model}': {int(scores['onsets'])} onsets, recall in the top 30 {scores['recall_30']:.2f}, ROC AUC {scores['roc_auc']:.3f}."
    )


def _check_models(names: list[str] | None) -> list[str] | None:
    for name in names or []:
        _check_model(name)
    return names


PREDICTORS_SOURCE = "ewp_predictors_2024"  # the registered dataset load_ewp_predictors reads by default


@app.command("register")
def register_cmd(
    out: Annotated[Path, typer.Option("--out", help="The register (CSV) to add the forecasts to; created if absent, earlier rows kept.")],
    model: Annotated[
        list[str] | None, typer.Option("--model", help="A model to register (repeatable; default: every registered model).", callback=_check_models)
    ] = None,
    predictors: Annotated[Path | None, PREDICTORS_OPTION] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Training windows fitted at once (processes), for the recalibrated models.")] = 2,
) -> None:
    """Register every model's forecast from the panel's last year, before its outcome is known.

    Each row: when it was written, the code version (package version and git commit), the sha256 of the panel
    file, the model, the data year, the two target years, the country, its risk and rank. Score the rows later
    with: whatworks score REGISTER --predictors NEWER_PANEL.
    """
    names = model or list(MODELS)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("Loading the panel")
        panel = _load_panel(predictors)
        try:
            source_file = predictors if predictors is not None else fetch(PREDICTORS_SOURCE)
            rows = risk.register_forecasts(
                panel, [source_file], names, n_jobs=jobs, progress=lambda m: bar.update(task, description=f"Forecasting with '{m}'")
            )
        except DataError as exc:
            typer.echo(f"{predictors or 'published predictors panel'}: {exc}", err=True)
            raise typer.Exit(1) from None
    try:
        risk.append_register(rows, out)
    except DataError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    year = int(rows["data_year"].iloc[0])
    typer.echo(
        f"Registered {len(names)} model(s) x {rows['ewp_name'].nunique()} countries in {out}: "
        f"forecasts for {rows['target_years'].iloc[0]} from {year} data (code {rows['code_version'].iloc[0]})."
    )


@app.command("score")
def score_cmd(
    register: Annotated[Path, typer.Argument(help="A forecast register written by: whatworks register.")],
    predictors: Annotated[
        Path | None,
        typer.Option("--predictors", help="A panel in the 'predictors' layout covering the target years (default: the published one)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="CSV file to write the scores to.")] = None,
) -> None:
    """Score registered forecasts against the onsets a newer panel records in their target years.

    Per model and data year: onsets in the target years, how many were in the top 10, 20 and 30, expected
    (sum of risks) against observed onsets, and the Brier score. Forecasts whose target years the panel does
    not yet cover are left out, and said so.
    """
    try:
        reg = risk.read_register(register)
    except DataError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    panel = _load_panel(predictors)
    try:
        scores = risk.score_register(reg, panel)
    except DataError as exc:
        typer.echo(f"{register}: {exc}", err=True)
        raise typer.Exit(1) from None
    ks = [c for c in scores.columns if c.startswith("caught_")]
    header = f"{'model':18} {'data':>4} {'targets':>9} {'onsets':>6} " + " ".join(f"{'top ' + c.split('_')[1]:>6}" for c in ks)
    typer.echo(header + f" {'expected':>8} {'observed':>8} {'brier':>7}")
    for r in scores.itertuples(index=False):
        caught = " ".join(f"{getattr(r, c):>6}" for c in ks)
        typer.echo(f"{r.model:18} {r.data_year:>4} {r.target_years:>9} {r.onsets:>6} {caught} {r.expected:>8.2f} {r.observed:>8} {r.brier:>7.4f}")
    if scores["onsets_without_forecast"].sum():
        typer.echo(f"Onsets in countries without a forecast count as missed: {int(scores['onsets_without_forecast'].max())}.")
    note = risk.gap_message(reg, panel)
    if note:
        typer.echo(note, err=True)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        scores.to_csv(out, index=False)
        typer.echo(f"Wrote the scores to {out}.")


@app.command("run")
def run_cmd(
    chapter: Annotated[str | None, typer.Argument(help="Chapter to run, e.g. 'endings' (see --list).")] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            help="NAME=FILE: your file for one of the chapter's inputs (repeatable); NAME=FORMAT:FILE converts it first (events=acled:export.csv).",
        ),
    ] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="NAME=VALUE: a value for one of the chapter's parameters (repeatable).")] = None,
    out: Annotated[Path, typer.Option("--out", help="The HTML report to write.")] = Path("report.html"),
    list_inputs: Annotated[bool, typer.Option("--list", help="List the chapters that take inputs, with their names.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Run a chapter's notebook on your files and write a report that opens offline, charts included."""
    # The package's only function-level import of its own code: the runner brings nbformat, jupytext, Altair and
    # vl-convert (3 s of imports on the project's 2-core machine), which every other command would pay at start-up.
    from whatworks.run import runner

    if list_inputs or chapter is None:
        raise typer.Exit(runner.list_command())
    raise typer.Exit(runner.run_command(chapter, data or [], param or [], out, progress=not quiet))


def main() -> None:
    """Entry point of the console script."""
    app()
