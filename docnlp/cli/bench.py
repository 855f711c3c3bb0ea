"""`docnlp bench`: docnlp's speed, memory and start-up against spaCy and medspaCy."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import app

if TYPE_CHECKING:
    from rich.console import Console

HELP = (
    "Measure docnlp's speed against spaCy's tokenizer and medspaCy.\n\n"
    "Measure, on the same reports in one run, the bare spaCy tokenizer, medspaCy's "
    "default pipeline and the full docnlp check: documents and words per second, "
    "docnlp's ratio to the tokenizer, peak memory and load time; with --jobs, the "
    "speed-up of worker processes. Also start-up (docnlp check one.txt against "
    "import spacy) and peak memory on N and 10N streamed reports. Each "
    "configuration runs in a fresh process; docs/performance.md explains the method."
)
# Exit code when the corpus or an option cannot be used.
EXIT_USAGE = 2
# The throughput table's rows: label, key in a configuration's figures, format.
ROWS = (
    ("docs/s", "docs_per_s", "{:,.1f}"),
    ("words/s", "words_per_s", "{:,.0f}"),
    ("x tokenizer", "ratio_to_tokenizer", "{:.4f}"),
    ("x tokenizer, interleaved", "ratio_interleaved", "{:.4f}"),
    ("docs per CPU second", "docs_per_cpu_s", "{:,.1f}"),
    ("x tokenizer, per CPU second", "ratio_cpu", "{:.4f}"),
    ("cold pass docs/s", "cold_docs_per_s", "{:,.1f}"),
    ("cores used", "cpu_share", "{:.2f}"),
    ("load s", "load_s", "{:.2f}"),
    ("peak MiB", "peak_rss_mib", "{:,.0f}"),
    ("peak MiB per worker", "worker_peak_rss_mib", "{:,.0f}"),
)


class OutputFormat(str, Enum):
    """How `docnlp bench` prints its figures."""

    text = "text"
    json = "json"


@app.command("bench", help=HELP)
def bench(
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus",
            help="A folder of .txt reports, or a .jsonl or .csv of them. "
            "Default: the project's corpora/synthetic/reports.",
            show_default=False,
        ),
    ] = None,
    n: Annotated[
        int | None,
        typer.Option(
            "--n",
            min=1,
            help="Reports to measure on: the corpus's first N, repeated when it "
            "has fewer. Default: the whole corpus once.",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, help="Also measure N worker processes."),
    ] = 1,
    text_column: Annotated[
        str, typer.Option("--text-column", help="CSV column with the report text.")
    ] = "text",
    stream_n: Annotated[
        int,
        typer.Option(
            "--stream-n",
            min=0,
            help="Streaming memory: peak memory of docnlp check on N and 10N "
            "reports. 0 skips it.",
        ),
    ] = 100,
    startup: Annotated[
        bool,
        typer.Option("--startup/--no-startup", help="Measure start-up time."),
    ] = True,
    profile: Annotated[
        bool,
        typer.Option("--profile", help="Also time each docnlp component's share."),
    ] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="text for people, json for programs."),
    ] = OutputFormat.text,
) -> None:
    """Benchmark docnlp; a thin wrapper over `docnlp.bench.run_bench`."""
    from ..bench import run_bench
    from ..errors import DocnlpError

    try:
        figures = run_bench(
            corpus,
            n=n,
            jobs=jobs,
            text_column=text_column,
            stream_n=stream_n,
            startup=startup,
            profile=profile,
        )
    except DocnlpError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(EXIT_USAGE) from None

    if output_format is OutputFormat.json:
        typer.echo(json.dumps(figures, indent=2))
        return
    render(figures, _console())


def render(figures: dict[str, Any], console: Console) -> None:
    """Print the figures as tables for a person."""
    from rich import box
    from rich.table import Table

    corpus, host = figures["corpus"], figures["machine"]
    console.print(
        f"{corpus['reports']} reports, {corpus['words']:,} words "
        f"({corpus['words_per_report']:.0f} a report) from {corpus['path']}; "
        f"{host['cpus']} CPUs, load average {_load(host['load_average'])}."
    )
    rows = figures["configurations"]
    table = Table(title="Throughput: median of warm passes", box=box.SIMPLE_HEAD)
    table.add_column("", no_wrap=True)
    for row in rows:
        table.add_column(row["name"], justify="right", no_wrap=True)
    for label, key, shown in ROWS:
        table.add_row(label, *(_cell(row[key], shown) for row in rows))
    console.print(table)
    console.print(
        "x tokenizer: docs/s over the tokenizer's; interleaved: over tokenizer "
        "passes run between the configuration's own passes, in its process."
    )
    for line in _lines(figures):
        console.print(line)


def _lines(figures: dict[str, Any]) -> list[str]:
    lines = []
    if speedup := figures["speedup"]:
        lines.append(
            f"Speed-up with --jobs {speedup['jobs']}: {speedup['speedup']:.2f}x over "
            "the same pool kept to one worker at a time, in alternate passes; "
            f"{speedup['over_one_process']:.2f}x over the docnlp row. The batch got "
            f"{speedup['cpu_share']:.2f} cores on average; its CPU per pass was "
            f"{_ratio(speedup['cpu_ratio'])} the one-worker pass's, so "
            f"{_ratio(speedup['expected_on_free_cores'])} on free cores."
        )
    if startup := figures["startup"]:
        lines.append(
            f"Start-up: docnlp check one.txt {startup['check_one_s']:.2f} s, "
            f"python -c 'import spacy' {startup['import_spacy_s']:.2f} s: "
            f"{startup['ratio']:.1f}x."
        )
    if streaming := figures["streaming"]:
        small, large = streaming["reports"]
        peaks = [_mib(peak) for peak in streaming["peak_rss_mib"]]
        lines.append(
            f"Streaming (--jobs {streaming['jobs']}): peak {peaks[0]} MiB on "
            f"{small:,} reports, {peaks[1]} MiB on {large:,}: "
            f"{_ratio(streaming['ratio'])}."
        )
    if profile := figures["profile"]:
        shares = ", ".join(
            f"{name} {share:.0%}" for name, share in profile["shares"].items()
        )
        lines.append(f"Where docnlp's time goes: {shares}.")
    return lines


def _mib(peak: float | None) -> str:
    return "n/a" if peak is None else f"{peak:,.0f}"


def _cell(value: float | None, shown: str) -> str:
    return "" if value is None else shown.format(value)


def _ratio(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"


def _load(load: list[float] | None) -> str:
    return "n/a" if load is None else " ".join(f"{value:.2f}" for value in load)


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)
