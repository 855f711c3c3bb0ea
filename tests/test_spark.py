"""`docnlp.spark` in local mode: Spark's results equal the plain check's, per id.

Skipped when pyspark, pandas or pyarrow is not installed, or no Java runtime is.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The Spark extra is optional (README's test command and .ci/run install it, and
# .ci/run installs Java); a plain `pip install .` checkout skips these tests.
_EXTRA = "the spark extra is not installed: pip install '.[test,spark]'"
pytest.importorskip("pyspark", reason=_EXTRA)
pytest.importorskip("pandas", reason=_EXTRA)
pytest.importorskip("pyarrow", reason=_EXTRA)
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip(
        "Spark needs a Java runtime (default-jre-headless; .ci/run installs it)",
        allow_module_level=True,
    )

import docnlp.cli.check  # noqa: E402, F401  (registers the command)
import docnlp.cli.spark  # noqa: E402, F401  (registers the command)
from docnlp.cli import app  # noqa: E402
from docnlp.errors import DocnlpError  # noqa: E402
from docnlp.pipeline import check_many  # noqa: E402
from docnlp.result import ELEMENTS  # noqa: E402
from docnlp.spark import check_dataframe, record, session  # noqa: E402

pytestmark = pytest.mark.usefixtures("nlp")

# The workers' Python, when the environment names none, is the one running here.
WORKER_PYTHON = os.environ.get("PYSPARK_PYTHON", sys.executable)
SYNTHETIC = Path(__file__).resolve().parents[1] / "corpora" / "synthetic" / "reports"
# Local mode with two cores: two Python workers, each loading the pipeline once.
MASTER = "local[2]"


@pytest.fixture(scope="module")
def spark() -> Iterator:
    """A local session bound to the loopback interface, stopped after the module."""
    spark = session(MASTER, app_name="docnlp-tests")
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    """Eight synthetic reports, a blank one and one without text."""
    found = [
        {"id": path.stem, "text": path.read_text(encoding="utf-8")}
        for path in sorted(SYNTHETIC.glob("*.txt"))[:8]
    ]
    return [*found, {"id": "blank", "text": "  \n"}, {"id": "none", "text": None}]


@pytest.fixture(scope="module")
def jsonl(reports, tmp_path_factory) -> Path:
    """The reports as JSON Lines, the one without text left out."""
    path = tmp_path_factory.mktemp("in") / "reports.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for report in reports:
            if report["text"] is not None:
                stream.write(json.dumps(report) + "\n")
    return path


def plain(reports: list[dict]) -> dict[str, str]:
    """Each report's result JSON from `check_many`, by id."""
    records = [record(r["id"], r["text"]) for r in reports]
    return {
        result.id: json.dumps(result.to_dict(), ensure_ascii=False)
        for result in check_many(records)
    }


def without_source(line: str) -> dict:
    """A result without where it came from: a file line, or a DataFrame row.

    An error message names the source too, so only its code is kept.
    """
    data = json.loads(line)
    data.pop("source")
    if data["error"] is not None:
        data["error"] = data["error"].split("]")[0] + "]"
    return data


def test_local_workers_run_the_drivers_python(spark):
    # Not whatever "python3" is on PATH: with a virtual environment that is not
    # activated, that one lacks docnlp.
    def executable(batches):
        import pandas as pd

        for _ in batches:
            yield pd.DataFrame({"python": [sys.executable]})

    rows = spark.range(1).mapInPandas(executable, "python string").collect()
    assert [row.python for row in rows] == [WORKER_PYTHON]


def test_spark_results_equal_check_many(spark, reports):
    frame = spark.createDataFrame(reports, "id string, text string").repartition(2)

    rows = {row["id"]: row.asDict() for row in check_dataframe(frame).collect()}

    assert {id: row["result"] for id, row in rows.items()} == plain(reports)
    for row in rows.values():
        result = json.loads(row["result"])
        assert row["gaps"] == json.dumps(result["gaps"], ensure_ascii=False)
        assert row["error"] == result["error"]
        if row["error"] is None:
            assert row["score"] == result["score"]
            assert row["complete"] == result["complete"]
            assert [row[name] for name in ELEMENTS] == [
                result["elements"][name]["status"] for name in ELEMENTS
            ]
    assert rows["none"]["error"].startswith("[E012]")
    assert rows["blank"]["score"] is None and rows["blank"]["complete"] is None


def test_cli_jsonl_equals_docnlp_check(spark, runner, jsonl, tmp_path):
    out = tmp_path / "out"

    checked = runner.invoke(app, ["check", str(jsonl), "--format", "jsonl"])
    sparked = runner.invoke(
        app,
        ["spark", str(jsonl), str(out), "--format", "jsonl", "--master", MASTER],
    )

    assert sparked.exit_code == 0, sparked.output
    lines = [
        line
        for part in sorted(out.glob("part-*"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]
    want = {d["id"]: d for d in map(without_source, checked.stdout.splitlines())}
    got = {d["id"]: d for d in map(without_source, lines)}
    assert got == want and len(got) == 9


def test_cli_reads_multiline_csv_and_writes_parquet(spark, runner, reports, tmp_path):
    import pandas as pd

    source, out = tmp_path / "reports.csv", tmp_path / "out"
    with source.open("w", encoding="utf-8", newline="") as stream:
        rows = csv.writer(stream)
        rows.writerow(["report_id", "body"])
        rows.writerows([r["id"], r["text"]] for r in reports[:4])

    result = runner.invoke(
        app,
        [
            "spark",
            str(source),
            str(out),
            "--text-column",
            "body",
            "--id-column",
            "report_id",
            "--master",
            MASTER,
        ],
    )

    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    got = dict(zip(table["id"], table["result"], strict=True))
    want = plain(reports[:4])
    assert {id: without_source(line) for id, line in got.items()} == {
        id: without_source(line) for id, line in want.items()
    }
    assert list(table.columns[:5]) == ["id", "code", "score", "complete", "reading"]


def test_a_missing_column_is_named_before_any_job_runs(spark, runner, jsonl, tmp_path):
    frame = spark.createDataFrame([("a", "x")], "id string, body string")

    with pytest.raises(DocnlpError, match=r"\[E052\].*'text'.*id, body"):
        check_dataframe(frame)

    result = runner.invoke(
        app, ["spark", str(jsonl), str(tmp_path / "o"), "--text-column", "report"]
    )
    assert result.exit_code == 2 and result.stderr.startswith("[E052]")


def test_an_existing_output_is_kept_without_overwrite(spark, runner, jsonl, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")

    result = runner.invoke(app, ["spark", str(jsonl), str(out), "--master", MASTER])

    assert result.exit_code == 1 and result.stderr.startswith("[E054]")
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
