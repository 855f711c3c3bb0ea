"""Readers and decoding: every input kind, and every bad input as an error record."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest

from docnlp.errors import DocnlpError
from docnlp.io.decoding import decode_report, looks_binary
from docnlp.io.readers import (
    read_csv,
    read_example,
    read_file,
    read_folder,
    read_inputs,
    read_jsonl,
    read_stdin,
    read_txt,
)

REPORT = "EXAM: CT chest.\nIMPRESSION: Stable nodule, café-au-lait.\n"


def one(records):
    """The single record a reader yielded."""
    records = list(records)
    assert len(records) == 1, records
    return records[0]


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# --- decoding -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(REPORT.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + REPORT.encode("utf-8"), id="utf-8-bom"),
        pytest.param(REPORT.encode("utf-16"), id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), id="utf-16be"),
        pytest.param(REPORT.encode("utf-32"), id="utf-32-bom"),
        pytest.param(REPORT.encode("cp1252"), id="cp1252"),
    ],
)
def test_decode_report_reads_each_encoding_without_its_bom(data):
    assert decode_report(data, "a.txt") == REPORT


def test_decode_report_keeps_crlf_line_endings():
    assert decode_report(b"A:\r\nB\r\n", "a.txt") == "A:\r\nB\r\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"EXAM\x00\x00 CT", id="nul-bytes"),
        pytest.param(bytes(range(1, 9)) * 20 + b"text", id="control-chars"),
    ],
)
def test_decode_report_refuses_binary(data):
    with pytest.raises(DocnlpError, match=r"\[E013\] x\.txt: the file looks binary"):
        decode_report(data, "x.txt")


def test_decode_report_refuses_bytes_no_encoding_reads():
    # 0x81 and 0x8d are neither UTF-8 nor defined in cp1252.
    with pytest.raises(DocnlpError, match=r"\[E014\] x\.txt: cannot decode"):
        decode_report(b"Findings \x81\x8d", "x.txt")


def test_looks_binary_allows_tabs_form_feeds_and_crlf():
    assert not looks_binary("A:\tB\r\n\fC\v\n" * 50)


# --- .txt ---------------------------------------------------------------------


def test_read_txt_gives_stem_id_path_source_and_exact_text(tmp_path):
    path = tmp_path / "a001.txt"
    path.write_bytes(REPORT.replace("\n", "\r\n").encode("utf-8"))

    record = one(read_txt(path))

    assert (record.id, record.source, record.error) == ("a001", str(path), None)
    assert record.text == REPORT.replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", codecs.BOM_UTF16_LE), ("cp1252", b""), ("utf-8", codecs.BOM_UTF8)],
)
def test_read_txt_decodes_other_encodings(tmp_path, encoding, bom):
    path = tmp_path / "r.txt"
    path.write_bytes(bom + REPORT.encode(encoding))

    assert one(read_txt(path)).text == REPORT


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(b"", "E012", id="empty"),
        pytest.param(b"  \r\n\t\n  ", "E012", id="whitespace-only"),
        pytest.param(b"REPORT\x00\x01\x02\x00", "E013", id="nul-bytes"),
        pytest.param(b"\x81\x8d\x8f\x90", "E014", id="undecodable"),
    ],
)
def test_read_txt_bad_content_is_an_error_record(tmp_path, content, code):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)

    record = one(read_txt(path))

    assert record.text is None
    assert record.error.startswith(f"[{code}] {path}:")
    assert (record.id, record.source) == ("bad", str(path))


def test_read_txt_missing_file_is_an_error_record(tmp_path):
    path = tmp_path / "gone.txt"

    record = one(read_txt(path))

    assert record.error == f"[E010] {path}: no such file or folder."


# --- .jsonl -------------------------------------------------------------------


def test_read_jsonl_reads_ids_and_texts_and_flags_the_bad_line(tmp_path):
    path = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            json.dumps({"id": "r1", "text": REPORT}),
            json.dumps({"id": 7, "text": "Findings: none."}),
            '{"id": "r3", "text": ',
            "",
            json.dumps({"text": "Impression: stable."}),
            json.dumps({"id": "r6", "body": "x"}),
            json.dumps(["not", "an", "object"]),
            json.dumps({"id": "r8", "text": "   "}),
        ],
    )

    records = list(read_jsonl(path))

    assert [r.id for r in records] == [
        "r1", "7", "batch.jsonl:3", "batch.jsonl:5", "r6", "batch.jsonl:7", "r8"
    ]  # fmt: skip
    assert [r.source for r in records] == [f"{path}:{n}" for n in (1, 2, 3, 5, 6, 7, 8)]
    assert records[0].text == REPORT and records[0].error is None
    assert records[3].text == "Impression: stable."
    assert records[2].error.startswith(f"[E015] {path}: line 3 is not valid JSON")
    assert records[4].error == (
        f"[E016] {path}: line 6 needs a string field 'text' (found keys: 'id', 'body')."
    )
    assert "line 7" in records[5].error and "JSON array" in records[5].error
    assert records[6].error.startswith(f"[E012] {path}:8:")


def test_read_jsonl_reads_utf16_with_bom(tmp_path):
    path = tmp_path / "wide.jsonl"
    lines = [json.dumps({"id": "w", "text": REPORT}, ensure_ascii=False)] * 2
    path.write_bytes("\r\n".join(lines).encode("utf-16"))

    records = list(read_jsonl(path))

    assert [r.text for r in records] == [REPORT, REPORT]


def test_read_jsonl_undecodable_line_costs_only_that_report(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "ok", "text": REPORT}).encode()
    path.write_bytes(good + b'\n{"id": "bad", "text": "x \x81\x8d"}\n' + good + b"\n")

    records = list(read_jsonl(path))

    assert [r.error is None for r in records] == [True, False, True]
    assert records[1].error.startswith("[E014]") and records[1].id == "bad"


def test_read_jsonl_binary_file_is_one_error_record(tmp_path):
    path = tmp_path / "blob.jsonl"
    path.write_bytes(b"\x00\x01\x02" * 100)

    record = one(read_jsonl(path))

    assert record.error.startswith(f"[E013] {path}:")
    assert record.id == "blob.jsonl"


# --- .csv ---------------------------------------------------------------------


def test_read_csv_gives_one_record_per_row_in_order(tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text(
        'id,text\nc1,"EXAM: CT.\nFINDINGS: none."\nc2,Impression: stable.\n'
        "c3,Findings: clear.\n",
        encoding="utf-8",
        newline="",
    )

    records = list(read_csv(path))

    assert [r.id for r in records] == ["c1", "c2", "c3"]
    assert [r.source for r in records] == [f"{path}:row {n}" for n in (1, 2, 3)]
    assert records[0].text == "EXAM: CT.\nFINDINGS: none."


def test_read_csv_without_id_column_names_rows_and_uses_named_text_column(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("mrn_free,report\nx,First.\ny,\nz,Third.\n", encoding="utf-8")

    records = list(read_csv(path, text_column="report"))

    assert [r.id for r in records] == ["notes.csv:1", "notes.csv:2", "notes.csv:3"]
    assert records[0].text == "First."
    assert records[1].error == (f"[E018] {path}: row 2 has no text in column 'report'.")


@pytest.mark.parametrize(
    ("header", "kwargs", "column"),
    [
        pytest.param("id,report", {}, "text", id="default-text"),
        pytest.param("id,text", {"text_column": "body"}, "body", id="named-text"),
        pytest.param("id,text", {"id_column": "acc"}, "acc", id="named-id"),
    ],
)
def test_read_csv_missing_column_is_one_error_record(tmp_path, header, kwargs, column):
    path = tmp_path / "x.csv"
    path.write_text(f"{header}\n1,Some text.\n2,More text.\n", encoding="utf-8")

    record = one(read_csv(path, **kwargs))

    assert record.error.startswith(f"[E017] {path}: the CSV has no column {column!r}.")
    assert record.id == "x.csv"


def test_read_csv_cp1252_and_empty_file(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,text\nr1,Impression: café.\n".encode("cp1252"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    assert one(read_csv(latin)).text == "Impression: café."
    assert one(read_csv(empty)).error.startswith(f"[E012] {empty}: the report is")


def test_an_unbalanced_quote_is_an_error_and_no_fake_rows_follow(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text(
        'id,text\na,"CT CHEST. Nodule.\nb,"CT HEAD\nFINDINGS: Bleed, 6 mm\n'
        'IMPRESSION: Smaller"\nc,CT KNEE. Effusion.\n',
        encoding="utf-8",
    )
    records = list(read_csv(path))
    assert len(records) == 1
    assert records[0].error.startswith(f"[E025] {path}: the CSV row ending at line 3")
    assert "were not read" in records[0].error


def test_a_quoted_report_over_131072_characters_is_read_with_the_rows_after(tmp_path):
    # Python's csv module refuses fields over 131,072 characters by default: the
    # long report came out as E025 "unbalanced quote" and the rows after it lost.
    long = "FINDINGS: " + "Stable 4 mm nodule, unchanged.\n" * 6000
    assert len(long) > 131_072
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [["id", "text"], ["a", "CT CHEST. Nodule."], ["b", long], ["c", "CT KNEE."]]
        )
    limit = csv.field_size_limit()

    records = read_csv(path)
    first = next(records)
    assert csv.field_size_limit() == limit  # not raised while the reader waits
    rest = list(records)

    assert [r.id for r in [first, *rest]] == ["a", "b", "c"]
    assert [r.error for r in [first, *rest]] == [None, None, None]
    assert rest[0].text == long
    assert csv.field_size_limit() == limit


def test_an_unbalanced_quote_before_a_long_text_is_still_unbalanced(tmp_path):
    path = tmp_path / "runaway.csv"
    path.write_text(
        'id,text\na,"CT CHEST. Nodule.\n' + "FINDINGS: clear.\n" * 10_000,
        encoding="utf-8",
    )
    records = list(read_csv(path))
    assert len(records) == 1
    assert records[0].error.startswith(f"[E025] {path}: the CSV row ending at line")


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("none.jsonl", "", "lines"),
        ("blank.jsonl", "\n \n", "lines"),
        ("head.csv", "id,text\n", "rows"),
    ],
)
def test_a_file_with_no_report_is_an_error_record(tmp_path, name, content, what):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    record = one(read_file(path))
    assert record.error == (
        f"[E029] {path}: the file holds no report (no {what}); an empty export "
        "usually means the step before this one failed."
    )


# --- folders, dispatch, stdin, example ----------------------------------------


def test_read_folder_is_recursive_sorted_and_ids_keep_the_subfolder(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "r.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "a" / "deep" / "r.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "a" / "batch.jsonl").write_text(
        json.dumps({"text": REPORT}) + "\n", encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text(REPORT, encoding="utf-8")

    records = list(read_folder(tmp_path))

    assert [r.id for r in records] == ["a/batch.jsonl:1", "a/deep/r", "b/r"]
    assert records[1].source == str(tmp_path / "a" / "deep" / "r.txt")


def test_read_folder_without_reports_is_an_error_record(tmp_path):
    (tmp_path / "readme.md").write_text("nothing", encoding="utf-8")

    record = one(read_folder(tmp_path))

    assert record.error == (
        f"[E011] {tmp_path}: the folder holds no .txt, .jsonl or .csv reports."
    )


def test_read_file_refuses_unknown_suffix(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK")

    assert one(read_file(path)).error.startswith(f"[E019] {path}: unsupported")


def test_read_inputs_keeps_order_and_goes_on_after_a_missing_path(tmp_path):
    first = tmp_path / "one.txt"
    first.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "folder" / "out.txt"
    out.parent.mkdir()
    out.write_text("results", encoding="utf-8")
    (tmp_path / "folder" / "two.txt").write_text(REPORT, encoding="utf-8")

    records = list(
        read_inputs([first, tmp_path / "nope.txt", out.parent], exclude=[out])
    )

    assert [r.id for r in records] == ["one", str(tmp_path / "nope.txt"), "two"]
    assert records[1].error.startswith("[E010]")


def test_read_stdin_reads_one_report():
    record = one(read_stdin(io.BytesIO(REPORT.encode("utf-16"))))

    assert (record.id, record.source, record.text) == ("stdin", "<stdin>", REPORT)


def test_read_stdin_reads_json_lines_line_by_line():
    lines = [
        json.dumps({"id": "a", "text": REPORT}),
        "",
        json.dumps({"text": "CT HEAD. Normal."}),
        "{not json",
    ]
    records = list(read_stdin(io.BytesIO("\n".join(lines).encode("utf-8"))))

    assert [(r.id, r.source) for r in records] == [
        ("a", "<stdin>:1"),
        ("stdin:3", "<stdin>:3"),
        ("stdin:4", "<stdin>:4"),
    ]
    assert records[0].text == REPORT
    assert records[2].error.startswith("[E015]")


def test_a_report_that_opens_with_a_brace_is_one_report():
    text = '{"exam": "CT chest"}\nFINDINGS: Normal.'
    assert one(read_stdin(io.BytesIO(text.encode("utf-8")))).text == text


def test_read_example_is_the_bundled_report():
    record = one(read_example())

    assert record.id == "followup_chest_ct"
    assert record.text.startswith("EXAM: CT CHEST")
