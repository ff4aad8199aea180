"""The ``whatworks`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from whatworks.errors import DataError

app = typer.Typer(help="What Works: tools of the handbook on preventing mass atrocity crimes.", no_args_is_help=True)
data_app = typer.Typer(help="Fetch the book's datasets and check your own files.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("fetch")
def fetch_cmd() -> None:
    """Download (or take from WHATWORKS_DATA_MIRROR) and verify every dataset."""
    from whatworks.fetch import fetch_all

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
) -> None:
    """Check a file against a schema; exit 0 if valid, 1 with the problems otherwise."""
    from whatworks.data import validate

    try:
        df = validate(path, schema)
    except DataError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except KeyError as exc:  # unknown schema
        typer.echo(exc.args[0], err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{path}: valid '{schema}' file, {len(df)} rows.")


@data_app.command("sources")
def sources_cmd() -> None:
    """List the registered datasets and their schemas."""
    from whatworks.registry import sources

    for src in sources().values():
        typer.echo(f"{src.name:36} schema {src.schema:20} {src.title}")


def main() -> None:
    """Entry point of the console script."""
    app()
