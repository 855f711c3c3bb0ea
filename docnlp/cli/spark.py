"""`docnlp spark`: check a Parquet, CSV or JSONL table of reports with Spark."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import app

HELP = (
    "Check a table of reports with Spark.\n\n"
    "Read Parquet, CSV (with a header row) or "
    "JSONL, check the text column, and write Parquet (id, score, complete, reading, "
    "each element's status, gaps, flags, error and the result JSON) or JSONL (one "
    "result a line, as docnlp check --format jsonl writes). Spark writes OUTPUT as "
    "a folder of part files. Needs pyspark: install docnlp's spark extra, and Java 17."
)
# Exit codes: Spark failed (an existing output, a bad file); an option, the input
# or pyspark itself is missing.
EXIT_SPARK = 1
EXIT_USAGE = 2


class InputFormat(str, Enum):
    """How `docnlp spark` reads its input."""

    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


class OutputFormat(str, Enum):
    """How `docnlp spark` writes results."""

    parquet = "parquet"
    jsonl = "jsonl"


@app.command("spark", help=HELP)
def spark(
    input: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="Reports: a .parquet, .csv or .jsonl file, or a Parquet folder.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Argument(metavar="OUTPUT", help="The folder to write results to."),
    ],
    text_column: Annotated[
        str, typer.Option("--text-column", help="Column with the report text.")
    ] = "text",
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="Column with the report id. Default: id; --no-id numbers rows.",
        ),
    ] = "id",
    no_id: Annotated[
        bool,
        typer.Option("--no-id", help="Number the rows instead of reading ids."),
    ] = False,
    code: Annotated[
        str, typer.Option("--code", help="CPT code whose checklist applies.")
    ] = "76380",
    input_format: Annotated[
        InputFormat | None,
        typer.Option(
            "--input-format",
            help="Default: from the suffix; a folder is Parquet.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="parquet or jsonl."),
    ] = OutputFormat.parquet,
    master: Annotated[
        str,
        typer.Option(
            "--master",
            help="Spark master: local[N], spark://HOST:7077, yarn, ... A local "
            "master binds the loopback interface only.",
        ),
    ] = "local[*]",
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions",
            min=1,
            help="Split the reports into this many tasks (2-4 per core is a good "
            "start). Default: Spark's split of the input.",
            show_default=False,
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace OUTPUT if it exists.")
    ] = False,
) -> None:
    """Check reports with Spark; a thin wrapper over `docnlp.spark.run_spark`."""
    from ..errors import DocnlpError, Errors

    try:
        from ..spark import run_spark

        count = run_spark(
            input,
            output,
            text_column=text_column,
            id_column=None if no_id else id_column,
            code=code,
            input_format=input_format.value if input_format else None,
            output_format=output_format.value,
            master=master,
            partitions=partitions,
            overwrite=overwrite,
        )
    except DocnlpError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as err:
        if not type(err).__module__.startswith(("pyspark", "py4j")):
            raise
        problem = (str(err).strip().splitlines() or [type(err).__name__])[0]
        typer.echo(Errors.E054.format(problem=problem), err=True)
        raise typer.Exit(EXIT_SPARK) from None
    typer.echo(f"Checked {count} reports into {output}.", err=True)
