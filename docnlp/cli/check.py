"""`docnlp check`: check report files against a CPT code's documentation checklist."""

from __future__ import annotations

import contextlib
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import app

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from ..result import Result

# The command's help; exit codes repeated from docnlp.batch so that `--help` does
# not import it.
HELP = (
    "Check radiology reports against a CPT code's documentation checklist.\n\n"
    "Each report gives one result: every element's status with the evidence "
    "quoted, the gaps in plain words, the score, the reading and flags. A report "
    "that cannot be read gives a result with its error, and the rest go on. "
    "Progress and a closing summary go to standard error."
)
EPILOG = (
    "Exit codes:\n\n"
    "0  every report was checked.\n\n"
    "1  some reports could not be read or checked; each is in the output with its "
    "error.\n\n"
    "2  usage error: a bad option, no input, an unknown --code, or an output that "
    "cannot be written.\n\n"
    "3  only with --fail-on-gaps: a checked report is not complete; with "
    "--fail-on-warnings: a checked report has any gap, warnings such as an unsigned "
    "report included.\n\n"
    "1 takes precedence over 3 when reports are both in error and incomplete."
)


class OutputFormat(str, Enum):
    """How `docnlp check` writes results."""

    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


@app.command("check", help=HELP, epilog=EPILOG)
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH",
            show_default=False,
            help="Report files (.txt; .jsonl of {id, text}; .csv), folders searched "
            "recursively for them, or - for standard input (one report, or JSON "
            "Lines of {id, text}).",
        ),
    ] = None,
    code: Annotated[
        str, typer.Option("--code", help="CPT code whose checklist applies.")
    ] = "76380",
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people; json (always an array), jsonl (one result a "
            "line) or csv (one row a report) for programs.",
        ),
    ] = OutputFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here instead of standard output.",
            show_default=False,
        ),
    ] = None,
    text_column: Annotated[
        str, typer.Option("--text-column", help="CSV column with the report text.")
    ] = "text",
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="CSV column with the report id. Default: id when the CSV has it, "
            "else <file>:<row>.",
            show_default=False,
        ),
    ] = None,
    example: Annotated[
        bool,
        typer.Option("--example", help="Check the bundled example report."),
    ] = False,
    fail_on_gaps: Annotated[
        bool,
        typer.Option(
            "--fail-on-gaps",
            help="Exit 3 when a checked report is not complete (a pre-billing gate).",
        ),
    ] = False,
    fail_on_warnings: Annotated[
        bool,
        typer.Option(
            "--fail-on-warnings",
            help="Exit 3 when a checked report has any gap, a warning such as an "
            "unsigned report included (a strict pre-billing gate).",
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes; results keep the input order.",
        ),
    ] = 1,
) -> None:
    """Check radiology reports against a CPT code's documentation checklist.

    A thin wrapper over `docnlp.batch.run_check`; see HELP and EPILOG.
    """
    from ..batch import EXIT_ERRORS, EXIT_USAGE, run_check
    from ..errors import DocnlpError

    errors = _console()
    progress = _progress(errors, output) if errors.is_terminal else None
    printer = progress.console if progress else errors
    task = progress.add_task("checking", total=None) if progress else None

    def on_result(result: Result) -> None:
        if result.error is not None:
            printer.print(result.error, style="red", markup=False, highlight=False)
        if progress is not None and task is not None:
            progress.advance(task)

    try:
        with progress if progress is not None else contextlib.nullcontext():
            summary = run_check(
                paths or [],
                code=code,
                output_format=output_format.value,
                output=output,
                text_column=text_column,
                id_column=id_column,
                example=example,
                fail_on_gaps=fail_on_gaps,
                fail_on_warnings=fail_on_warnings,
                on_result=on_result,
                jobs=jobs,
            )
    except DocnlpError as err:
        errors.print(str(err), style="red", markup=False, highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_ERRORS) from None

    from ..io.text_output import render_summary

    render_summary(summary, errors)
    raise typer.Exit(summary.exit_code)


def _console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _progress(errors: Console, output: Path | None) -> Progress | None:
    # A bar on a terminal that also shows the results would tangle with them.
    if (output is None or str(output) == "-") and sys.stdout.isatty():
        return None
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("checking: {task.completed} reports"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )


def _silence_stdout() -> None:
    # The reader of standard output left (`| head`): Python would report the broken
    # pipe again when it flushes stdout at exit.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
