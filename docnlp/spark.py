"""Checking a Spark DataFrame of reports, with one pipeline per executor process.

`check_dataframe` adds no Spark job of its own: it returns a DataFrame whose rows
are checked by `mapInPandas` when an action runs. Each Python worker builds the
docnlp pipeline on its first batch and keeps it for every batch and task after
(Spark reuses Python workers by default), so a cluster pays the load once per
worker process. `run_spark` is what `docnlp spark` runs: read Parquet, CSV or
JSONL, check, write Parquet or JSONL.

pyspark is an optional extra: `pip install 'docnlp[spark]'`.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import DocnlpError, Errors
from .result import Result

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

    from .pipeline import Record

logger = logging.getLogger("docnlp")

InputFormat = Literal["parquet", "csv", "jsonl"]
OutputFormat = Literal["parquet", "jsonl"]
# Input formats by file suffix; a folder is read as Parquet unless told otherwise.
SUFFIX_FORMATS: dict[str, InputFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
# Where a row's report came from, in results and messages; the id follows it.
SOURCE_PREFIX = "dataframe:"
# The master `docnlp spark` uses unless told otherwise: every core of this machine.
LOCAL_MASTER = "local[*]"
# Settings of a local session: the driver binds the loopback interface only, no
# web UI is started, and Python workers run this interpreter (with docnlp on it).
LOCAL_SETTINGS = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.pyspark.python": sys.executable,
    "spark.pyspark.driver.python": sys.executable,
}


def check_dataframe(
    df: DataFrame,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    code: str = "76380",
) -> DataFrame:
    """Check a column of report texts; one output row per input row.

    Args:
        df: The reports.
        text_column: The column holding each report's text.
        id_column: The column holding each report's id, cast to a string; None
            numbers the rows with `monotonically_increasing_id` instead.
        code: The CPT code whose checklist applies.

    Returns:
        A DataFrame with the columns `result_columns(code)` names: id, code, score,
        complete, reading, one status per checklist element, gaps (a JSON array),
        flags (a JSON array), error, and result (the whole result as JSON, as
        `docnlp check --format jsonl` writes it). Score, complete and the statuses
        are null for a report in error.

    Raises:
        DocnlpError: pyspark is missing (E051), a column is missing (E052), or no
            checklist exists for `code` (E003).
    """
    functions = _pyspark().sql.functions
    from .checklist import load_checklist

    elements = tuple(load_checklist(code).elements)
    for column in (text_column, id_column):
        if column is not None and column not in df.columns:
            raise DocnlpError(
                Errors.E052.format(column=column, columns=", ".join(df.columns))
            )
    ids = (
        functions.monotonically_increasing_id()
        if id_column is None
        else functions.col(id_column)
    )
    reports = df.select(
        ids.cast("string").alias("id"),
        functions.col(text_column).cast("string").alias("text"),
    )
    check = partial(check_batches, code=code, elements=elements)
    return reports.mapInPandas(check, schema=_schema(elements))


def check_batches(
    batches: Iterator[pd.DataFrame], *, code: str, elements: Sequence[str]
) -> Iterator[pd.DataFrame]:
    """Check pandas batches of (id, text) rows: the function `mapInPandas` runs.

    Args:
        batches: DataFrames with columns "id" and "text".
        code: The CPT code whose checklist applies.
        elements: The checklist's element names, one status column each.

    Yields:
        One DataFrame of result columns per batch, rows in the batch's order.
    """
    import pandas as pd

    from .pipeline import check_many, load

    nlp = load()  # built once per worker process, then cached
    columns = result_columns(elements)
    for batch in batches:
        records = [record(row.id, row.text) for row in batch.itertuples(index=False)]
        rows = [
            result_row(result, elements)
            for result in check_many(records, code=code, nlp=nlp)
        ]
        yield pd.DataFrame(rows, columns=columns)


def record(id: str | None, text: str | None) -> Record:
    """A DataFrame row as a Record, unreadable text marked as the readers mark it.

    Args:
        id: The row's id.
        text: The row's report text, or None.

    Returns:
        The record; `error` is set when the text is missing, blank, undecodable or
        binary.
    """
    from .io.decoding import looks_binary, undecodable
    from .pipeline import Record

    id = "" if id is None else id
    source = f"{SOURCE_PREFIX}{id}"
    error = None
    if text is None or not text.strip():
        error = Errors.E012.format(source=source)
    elif undecodable(text):
        error = Errors.E014.format(source=source)
    elif looks_binary(text):
        error = Errors.E013.format(source=source)
    if error is not None:
        return Record(id, source, None, error=error)
    return Record(id, source, text)


def result_row(result: Result, elements: Sequence[str]) -> dict[str, Any]:
    """A result as one output row, keyed by `result_columns`."""
    data = result.to_dict()
    failed = result.error is not None
    statuses = {
        name: None
        if failed or name not in result.elements
        else result.elements[name].status
        for name in elements
    }
    return {
        "id": result.id,
        "code": result.code,
        "score": None if failed else data["score"],
        "complete": None if failed else result.complete,
        "reading": result.reading,
        **statuses,
        "gaps": json.dumps(data["gaps"], ensure_ascii=False),
        "flags": json.dumps(data["flags"], ensure_ascii=False),
        "error": result.error,
        "result": json.dumps(data, ensure_ascii=False),
    }


def result_columns(elements: Sequence[str]) -> list[str]:
    """The output columns, in order, for a checklist's elements."""
    return (
        ["id", "code", "score", "complete", "reading"]
        + list(elements)
        + ["gaps", "flags", "error", "result"]
    )


def session(
    master: str | None = LOCAL_MASTER, *, app_name: str = "docnlp"
) -> SparkSession:
    """A Spark session; a local one is bound to the loopback interface.

    Args:
        master: The master URL ("local[2]", "spark://host:7077", "yarn"); None
            keeps what `spark-submit` or the environment set.
        app_name: The application's name.

    Raises:
        DocnlpError: pyspark is missing (E051).
    """
    builder = _pyspark().sql.SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            # Spark's own services (block manager, shuffle) bind where this says.
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            # PySpark starts its workers with $PYSPARK_PYTHON, else whatever
            # "python3" is on PATH (spark.pyspark.python is read only by
            # spark-submit): without this, a virtual environment's docnlp run by
            # its full path sends reports to a Python that lacks docnlp.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            for key, value in LOCAL_SETTINGS.items():
                builder = builder.config(key, value)
    return builder.getOrCreate()


def read_reports(
    spark: SparkSession, path: str | Path, *, input_format: InputFormat | None = None
) -> DataFrame:
    """Read reports from Parquet, CSV (with a header row) or JSONL.

    Args:
        spark: The session.
        path: A file or a folder of part files.
        input_format: The format; by default from the suffix, a folder being Parquet.

    Raises:
        DocnlpError: The path does not exist (E010) or its format is unknown (E053).
    """
    path = Path(path)
    if not path.exists():
        raise DocnlpError(Errors.E010.format(source=path))
    kind = input_format or _format_of(path)
    if kind == "parquet":
        return spark.read.parquet(str(path))
    if kind == "csv":
        # Report texts span lines and quote quotes by doubling them (RFC 4180).
        reader = spark.read.options(header=True, multiLine=True, escape='"')
        return reader.csv(str(path))
    return spark.read.json(str(path))


def write_results(
    results: DataFrame,
    path: str | Path,
    *,
    output_format: OutputFormat = "parquet",
    overwrite: bool = False,
) -> None:
    """Write checked rows: Parquet with every column, or JSONL of the results.

    JSONL holds the "result" column alone, one result a line, as
    `docnlp check --format jsonl` writes them; Spark writes either as a folder of
    part files.

    Args:
        results: What `check_dataframe` returned.
        path: The output folder.
        output_format: "parquet" or "jsonl".
        overwrite: Replace the folder if it exists; otherwise an existing folder
            is an error.
    """
    mode = "overwrite" if overwrite else "errorifexists"
    if output_format == "jsonl":
        results.select("result").write.mode(mode).text(str(path))
    else:
        results.write.mode(mode).parquet(str(path))


def run_spark(
    input: str | Path,
    output: str | Path,
    *,
    text_column: str = "text",
    id_column: str | None = "id",
    code: str = "76380",
    input_format: InputFormat | None = None,
    output_format: OutputFormat = "parquet",
    master: str | None = LOCAL_MASTER,
    partitions: int | None = None,
    overwrite: bool = False,
) -> int:
    """Read reports, check them with Spark and write the results.

    Args:
        input: Parquet, CSV or JSONL reports (see `read_reports`).
        output: The output folder (see `write_results`).
        text_column: See `check_dataframe`.
        id_column: See `check_dataframe`.
        code: The CPT code whose checklist applies.
        input_format: See `read_reports`.
        output_format: See `write_results`.
        master: See `session`.
        partitions: Repartition the reports into this many tasks first; by default
            Spark's own split of the input.
        overwrite: See `write_results`.

    Returns:
        The number of reports written.

    Raises:
        DocnlpError: See `check_dataframe` and `read_reports`.
    """
    spark = session(master)
    reports = read_reports(spark, input, input_format=input_format)
    if partitions:
        reports = reports.repartition(partitions)
    results = check_dataframe(
        reports, text_column=text_column, id_column=id_column, code=code
    )
    write_results(results, output, output_format=output_format, overwrite=overwrite)
    # Counted from what was written: counting `results` would check them again.
    written = spark.read.text if output_format == "jsonl" else spark.read.parquet
    count = written(str(output)).count()
    logger.debug("checked %d reports with Spark into %s", count, output)
    return count


def _schema(elements: Sequence[str]) -> str:
    statuses = ", ".join(f"`{name}` string" for name in elements)
    return (
        "id string, code string, score double, complete boolean, reading string, "
        f"{statuses}, gaps string, flags string, error string, result string"
    )


def _format_of(path: Path) -> InputFormat:
    if path.is_dir():
        return "parquet"
    kind = SUFFIX_FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise DocnlpError(Errors.E053.format(path=path, known=known))
    return kind


def _pyspark() -> Any:
    try:
        import pyspark.sql
        import pyspark.sql.functions  # noqa: F401
    except ImportError:
        raise DocnlpError(Errors.E051) from None
    return pyspark
