"""`docnlp check` through typer's runner, and `run_check` for Python callers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import docnlp.cli.check  # noqa: F401  (registers the command)
from docnlp.batch import EXIT_ERRORS, EXIT_GAPS, EXIT_OK, EXIT_USAGE, run_check
from docnlp.cli import app
from docnlp.io.readers import EXAMPLE
from docnlp.result import ELEMENTS

pytestmark = pytest.mark.usefixtures("nlp")

EXAMPLE_TEXT = (Path(docnlp.__file__).parent / "examples" / EXAMPLE).read_text(
    encoding="utf-8"
)
# A report that documents neither a reason nor a prior: never complete.
THIN = "FINDINGS: The lungs are clear.\n"
# A short report in words cp1252 and UTF-16 files carry.
ACCENTED = (
    "EXAM: CT abdomen, limited.\nHISTORY: Hépatic cyst, follow-up.\n"
    "COMPARISON: CT abdomen 01/02/2024.\nFINDINGS: Cyst unchanged at 2 cm.\n"
    "IMPRESSION: Stable simple cyst, café-au-lait skin noted.\n"
)


def invoke(runner, *args, input=None):
    return runner.invoke(app, ["check", *map(str, args)], input=input)


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def assert_one_clean_line(result, code: str) -> None:
    assert result.stderr.startswith(f"[{code}]")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.fixture
def batch(tmp_path) -> tuple[Path, dict[str, str]]:
    """A folder of every input kind, good and bad, with the originals by id."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    originals = {"good": EXAMPLE_TEXT, "sub/wide": ACCENTED, "latin": ACCENTED}
    (folder / "good.txt").write_text(EXAMPLE_TEXT, encoding="utf-8", newline="")
    (folder / "sub" / "wide.txt").write_bytes(ACCENTED.encode("utf-16"))
    (folder / "latin.txt").write_bytes(ACCENTED.encode("cp1252"))
    (folder / "nul.txt").write_bytes(b"EXAM\x00CT\x00\x00")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\t \r\n")
    (folder / "batch.jsonl").write_text(
        json.dumps({"id": "j1", "text": EXAMPLE_TEXT})
        + "\n{not json\n"
        + json.dumps({"id": "j3", "text": ACCENTED})
        + "\n",
        encoding="utf-8",
    )
    originals |= {"j1": EXAMPLE_TEXT, "j3": ACCENTED}
    with (folder / "table.csv").open("w", encoding="utf-8", newline="") as stream:
        rows = csv.writer(stream)
        rows.writerow(["id", "text"])
        for n, text in enumerate([EXAMPLE_TEXT, THIN, ACCENTED], start=1):
            rows.writerow([f"c{n}", text])
            originals[f"c{n}"] = text
    (folder / "nocol.csv").write_text("id,body\n1,x\n", encoding="utf-8")
    return folder, originals


# --- the bundled example ------------------------------------------------------


def test_example_needs_no_path_and_comes_out_complete(runner):
    result = invoke(runner, "--example", "--format", "jsonl")

    assert result.exit_code == EXIT_OK
    (data,) = lines(result.stdout)
    assert (data["id"], data["complete"], data["reading"]) == (
        "followup_chest_ct",
        True,
        "followup",
    )
    assert data["error"] is None and data["score"] == 1.0
    assert "Checked 1 report: 1 complete, 0 incomplete, 0 in error." in result.stderr


def test_text_format_shows_checklist_evidence_and_reading(runner):
    (data,) = lines(invoke(runner, "--example", "-f", "jsonl").stdout)

    result = invoke(runner, "--example")

    assert result.exit_code == EXIT_OK
    out = result.stdout
    assert out.startswith("followup_chest_ct  docnlp/examples/followup_chest_ct.txt")
    assert "complete  reading: followup (localized follow-up study)" in out
    assert "Comparison with prior imaging" in out
    quotes = [
        f'"{span["text"]}"  [{span["section"]}]'
        for element in data["elements"].values()
        for span in element["evidence"]
        if len(span["text"]) < 60 and "\n" not in span["text"]
    ]
    assert quotes and all(quote in out for quote in quotes)
    assert "\x1b[" not in out  # no colour codes when not on a terminal


def test_text_format_shows_gaps_in_words(runner, tmp_path):
    path = tmp_path / "thin.txt"
    path.write_text(THIN, encoding="utf-8")

    result = invoke(runner, path)

    assert result.exit_code == EXIT_OK
    assert "incomplete" in result.stdout and "Gaps:" in result.stdout


# --- formats ------------------------------------------------------------------


def test_json_is_an_array_even_for_one_report(runner):
    result = invoke(runner, "--example", "-f", "json")

    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["reading"] == "followup"


def test_csv_has_a_row_per_report_and_a_column_per_element(runner, tmp_path):
    missing = tmp_path / "missing.txt"

    result = invoke(runner, "--example", missing, "-f", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "id", "source", "code", "score", "complete", "reading", *ELEMENTS,
        "gaps", "gap_messages", "flags", "error",
    ]  # fmt: skip
    assert rows[0]["complete"] == "true" and rows[0]["reading"] == "followup"
    assert all(rows[0][name] in {"present", "partial"} for name in ELEMENTS)
    assert rows[0]["gaps"] == "0" and rows[0]["error"] == ""
    assert rows[0]["gap_messages"] == ""
    assert rows[1]["id"] == str(missing)
    assert rows[1]["error"].startswith("[E010]") and rows[1]["score"] == ""


def test_csv_names_each_gap_in_words(runner, tmp_path):
    report = tmp_path / "gappy.txt"
    report.write_text(
        "CT CHEST\nINDICATION: Cough.\nCOMPARISON: None.\nFINDINGS: Clear.",
        encoding="utf-8",
    )
    row = next(csv.DictReader(io.StringIO(invoke(runner, report, "-f", "csv").stdout)))
    gaps = lines(invoke(runner, report, "-f", "jsonl").stdout)[0]["gaps"]

    assert int(row["gaps"]) == len(gaps) > 1
    assert row["gap_messages"] == " | ".join(g["message"] for g in gaps)


def test_jsonl_csv_and_json_carry_the_same_results(runner, batch):
    folder, _ = batch
    outputs = {
        fmt: invoke(runner, folder, "-f", fmt).stdout
        for fmt in ("jsonl", "json", "csv")
    }

    from_jsonl = lines(outputs["jsonl"])
    assert json.loads(outputs["json"]) == from_jsonl
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert [r["id"] for r in rows] == [d["id"] for d in from_jsonl]
    assert [r["error"] for r in rows] == [d["error"] or "" for d in from_jsonl]


# --- batches and bad input ----------------------------------------------------


def test_batch_reads_every_kind_and_keeps_each_bad_input_as_an_error(runner, batch):
    folder, _ = batch

    result = invoke(runner, folder, "-f", "jsonl")

    assert result.exit_code == EXIT_ERRORS
    assert "Traceback" not in result.output
    by_id = {d["id"]: d for d in lines(result.stdout)}
    errors = {k: v["error"][:6] for k, v in by_id.items() if v["error"]}
    assert errors == {
        "batch.jsonl:2": "[E015]",
        "blank": "[E012]",
        "empty": "[E012]",
        "nocol.csv": "[E017]",
        "nul": "[E013]",
    }
    assert (
        f"{folder / 'batch.jsonl'}: line 2 is not valid JSON"
        in (by_id["batch.jsonl:2"]["error"])
    )
    assert by_id["batch.jsonl:2"]["source"] == f"{folder / 'batch.jsonl'}:2"
    assert by_id["c2"]["source"] == f"{folder / 'table.csv'}:row 2"
    assert by_id["good"]["complete"] and by_id["j1"]["complete"]
    assert "Checked 13 reports" in result.stderr and "5 in error" in result.stderr
    assert "[E013]" in result.stderr  # each bad input is named on stderr too


def test_batch_order_is_sorted_paths_then_lines_and_rows(runner, batch):
    folder, _ = batch

    ids = [d["id"] for d in lines(invoke(runner, folder, "-f", "jsonl").stdout)]

    assert ids == [
        "j1", "batch.jsonl:2", "j3", "blank", "empty", "good", "latin",
        "nocol.csv", "nul", "sub/wide", "c1", "c2", "c3",
    ]  # fmt: skip


def test_csv_with_three_rows_gives_three_results_in_order(runner, tmp_path):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        rows = csv.writer(stream)
        rows.writerow(["accession", "report_text"])
        rows.writerows([["A3", EXAMPLE_TEXT], ["A1", THIN], ["A2", ACCENTED]])

    result = invoke(
        runner, path, "--text-column", "report_text", "--id-column", "accession",
        "-f", "jsonl",
    )  # fmt: skip

    data = lines(result.stdout)
    assert [d["id"] for d in data] == ["A3", "A1", "A2"]
    assert [d["source"] for d in data] == [f"{path}:row {n}" for n in (1, 2, 3)]
    assert data[0]["complete"] is True


def test_csv_without_the_named_column_is_an_error_naming_the_column(runner, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,body\n1,Report.\n", encoding="utf-8")

    result = invoke(runner, path, "-f", "jsonl")

    (data,) = lines(result.stdout)
    assert result.exit_code == EXIT_ERRORS
    assert data["error"].startswith(f"[E017] {path}: the CSV has no column 'text'.")


def test_evidence_offsets_hold_against_the_original_text(runner, batch):
    folder, originals = batch

    results = lines(invoke(runner, folder, "-f", "jsonl").stdout)

    checked = [r for r in results if r["error"] is None]
    assert {r["id"] for r in checked} == set(originals)
    for result in checked:
        text = originals[result["id"]]
        for element in result["elements"].values():
            for span in element["evidence"] + element.get("priors", []):
                assert text[span["start"] : span["end"]] == span["text"]


def test_evidence_text_is_the_original_in_files_with_tabs_and_crlf(runner, tmp_path):
    text = EXAMPLE_TEXT.replace("COMPARISON: ", "COMPARISON:\t").replace("\n", "\r\n")
    path = tmp_path / "tabs.txt"
    path.write_bytes(text.encode("utf-8"))

    (result,) = lines(invoke(runner, path, "-f", "jsonl").stdout)

    spans = [s for e in result["elements"].values() for s in e["evidence"]]
    assert all(text[s["start"] : s["end"]] == s["text"] for s in spans)


def test_stdin_dash_reads_one_report(runner):
    result = invoke(runner, "-", "-f", "jsonl", input=EXAMPLE_TEXT)

    (data,) = lines(result.stdout)
    assert (data["id"], data["source"], data["complete"]) == ("stdin", "<stdin>", True)


def test_empty_stdin_is_an_error_record(runner):
    result = invoke(runner, "-", "-f", "jsonl", input="  \n")

    (data,) = lines(result.stdout)
    assert result.exit_code == EXIT_ERRORS
    assert data["error"] == "[E012] <stdin>: the report is empty or only white space."


# --- output -------------------------------------------------------------------


def test_output_file_gets_the_results_and_is_not_read_back(runner, batch):
    folder, _ = batch
    out = folder / "results.jsonl"

    first = invoke(runner, folder, "-f", "jsonl", "-o", out)
    second = invoke(runner, folder, "-f", "jsonl", "-o", out)

    assert first.stdout == "" and second.stdout == ""
    assert len(lines(out.read_text(encoding="utf-8"))) == 13


@pytest.mark.parametrize("target", ["input", "no-such-dir"])
def test_unwritable_output_is_a_usage_error(runner, tmp_path, target):
    path = tmp_path / "r.txt"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    out = path if target == "input" else tmp_path / "nope" / "out.jsonl"

    result = invoke(runner, path, "-o", out)

    assert result.exit_code == EXIT_USAGE
    assert_one_clean_line(result, "E022")
    assert path.read_text(encoding="utf-8") == EXAMPLE_TEXT


# --- exit codes ---------------------------------------------------------------


def test_no_input_is_a_usage_error(runner):
    result = invoke(runner)

    assert result.exit_code == EXIT_USAGE
    assert_one_clean_line(result, "E023")


def test_unknown_code_is_a_usage_error(runner):
    result = invoke(runner, "--example", "--code", "99999")

    assert result.exit_code == EXIT_USAGE
    assert_one_clean_line(result, "E003")
    assert "'99999'" in result.stderr


def test_unknown_format_is_a_usage_error(runner):
    result = invoke(runner, "--example", "--format", "xml")

    assert result.exit_code == EXIT_USAGE
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("inputs", "fail_on_gaps", "expected"),
    [
        pytest.param(["example"], True, EXIT_OK, id="complete-gated"),
        pytest.param(["thin"], False, EXIT_OK, id="gaps-not-gated"),
        pytest.param(["thin"], True, EXIT_GAPS, id="gaps-gated"),
        pytest.param(["example", "missing"], False, EXIT_ERRORS, id="error"),
        pytest.param(["thin", "missing"], True, EXIT_ERRORS, id="error-beats-gaps"),
    ],
)
def test_exit_codes(runner, tmp_path, inputs, fail_on_gaps, expected):
    files = {"example": tmp_path / "ex.txt", "thin": tmp_path / "thin.txt"}
    files["example"].write_text(EXAMPLE_TEXT, encoding="utf-8")
    files["thin"].write_text(THIN, encoding="utf-8")
    paths = [files.get(name, tmp_path / "missing.txt") for name in inputs]
    flags = ["--fail-on-gaps"] if fail_on_gaps else []

    result = invoke(runner, *paths, *flags, "-f", "jsonl")

    assert result.exit_code == expected
    assert len(lines(result.stdout)) == len(inputs)


# --- run_check for Python callers ---------------------------------------------


def test_run_check_writes_to_a_stream_and_returns_the_counts(tmp_path):
    path = tmp_path / "thin.txt"
    path.write_text(THIN, encoding="utf-8")
    stream = io.StringIO()
    seen = []

    summary = run_check(
        str(path), output_format="jsonl", output=stream, example=True,
        fail_on_gaps=True, on_result=seen.append,
    )  # fmt: skip

    assert [d["id"] for d in lines(stream.getvalue())] == ["followup_chest_ct", "thin"]
    assert [r.id for r in seen] == ["followup_chest_ct", "thin"]
    assert (summary.reports, summary.complete, summary.errors) == (2, 1, 0)
    assert summary.incomplete == 1 and summary.exit_code == EXIT_GAPS
    assert set(summary.gaps_by_element) == {gap.element for gap in seen[1].gaps}


def test_fail_on_warnings_stops_an_unsigned_report(runner, tmp_path):
    report = tmp_path / "unsigned.txt"
    report.write_text(EXAMPLE_TEXT.split("Electronically signed")[0], encoding="utf-8")

    gate = invoke(runner, report, "--fail-on-gaps")
    strict = invoke(runner, report, "--fail-on-warnings")

    assert "1 complete" in gate.stderr and gate.exit_code == 0
    assert strict.exit_code == 3


def test_help_says_fail_on_warnings_also_exits_3(runner):
    result = invoke(runner, "--help")
    assert result.exit_code == EXIT_OK, result.output
    # Rich wraps and frames the epilog: compare its words, not its lines.
    words = " ".join(result.output.replace("│", " ").split())
    assert "3 only with --fail-on-gaps: a checked report is not complete;" in words
    assert "with --fail-on-warnings: a checked report has any gap" in words
