"""Reading gold records and finding each one's report text in its corpus."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DocnlpError, Errors
from .files import json_objects, reject_folder, utf8_text

# Fields that may hold a record's id in a corpus .jsonl, in the order tried.
ID_FIELDS = ("id", "sample_id")
# Characters that make a --gold argument a pattern rather than a file name.
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class GoldReport:
    """A gold record with its report text.

    Attributes:
        key: "<corpus>/<id>", the id results carry (as gold.py's `inputs` writes).
        record: The gold record as read.
        text: The report text, exactly as stored; None when scoring results read
            from a file and the text was not found.
        source: Where the text came from.
    """

    key: str
    record: dict[str, Any]
    text: str | None
    source: str

    @property
    def borderline(self) -> frozenset[str]:
        """The elements the annotators marked borderline."""
        return frozenset(self.record.get("borderline") or ())


def expand_paths(patterns: Iterable[str]) -> list[Path]:
    """Expand file names and glob patterns, keeping their order.

    Args:
        patterns: File names or patterns such as "corpora/synthetic/gold.part-*.jsonl".

    Returns:
        The files, each once.

    Raises:
        DocnlpError: A name is a folder or not a file, or a pattern matches none.
    """
    paths: list[Path] = []
    for pattern in patterns:
        reject_folder(
            Path(pattern),
            "Gold file",
            f"a .jsonl file of gold records or a glob such as "
            f"'{Path(pattern, '*.jsonl')}'",
        )
        if _GLOB_CHARS & set(pattern):
            found = sorted(Path(p) for p in glob.glob(pattern, recursive=True))
        else:
            found = [Path(pattern)] if Path(pattern).is_file() else []
        if not found:
            raise DocnlpError(Errors.E030.format(pattern=pattern))
        paths.extend(p for p in found if p not in paths)
    return paths


def read_gold(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Read gold records from .jsonl files, each report once.

    A report named again with the same record is read once (a merged file next to
    its parts); named again with a different record, it is an error.

    Args:
        paths: Gold .jsonl files.

    Returns:
        The records, in file order.

    Raises:
        DocnlpError: A line is not JSON, lacks corpus/id, or a report is named twice
            with different records.
    """
    records: dict[str, dict[str, Any]] = {}
    for path in paths:
        for line_no, record in json_objects(path):
            if not isinstance(record.get("id"), str | int) or "corpus" not in record:
                raise DocnlpError(
                    Errors.E016.format(
                        source=path,
                        line=line_no,
                        field="corpus/id",
                        keys=", ".join(sorted(record)),
                    )
                )
            key = gold_key(record)
            if key in records and records[key] != record:
                raise DocnlpError(Errors.E031.format(key=key, source=path))
            records[key] = record
    return list(records.values())


def gold_key(record: dict[str, Any]) -> str:
    """The id a gold record's result carries: "<corpus>/<id>"."""
    return f"{record['corpus']}/{record['id']}"


def parse_corpus(spec: str) -> tuple[str, Path]:
    """Split a --corpus argument NAME=PATH.

    Raises:
        DocnlpError: The argument has no name or no path.
    """
    name, sep, path = spec.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise DocnlpError(Errors.E032.format(spec=spec))
    return name.strip(), Path(path.strip())


def read_corpus(path: Path) -> dict[str, str]:
    """Texts of one corpus by id, from a .jsonl of records or a folder of <id>.txt.

    Text files are read with newline="" so that offsets match the bytes on disk.

    Raises:
        DocnlpError: The path is missing or of another kind, or a record has no id
            or text.
    """
    if path.is_dir():
        return {p.stem: utf8_text(p) for p in sorted(path.glob("*.txt"))}
    if path.is_file() and path.suffix == ".jsonl":
        texts: dict[str, str] = {}
        for line_no, record in json_objects(path):
            key = next((record[f] for f in ID_FIELDS if f in record), None)
            if key is None or not isinstance(record.get("text"), str):
                raise DocnlpError(
                    Errors.E016.format(
                        source=path,
                        line=line_no,
                        field="id/sample_id and text",
                        keys=", ".join(sorted(record)),
                    )
                )
            texts.setdefault(str(key), record["text"])
        return texts
    if not path.exists():
        raise DocnlpError(Errors.E010.format(source=path))
    raise DocnlpError(Errors.E033.format(source=path))


def attach_texts(
    records: Sequence[dict[str, Any]],
    corpora: Sequence[tuple[str, Path]],
    *,
    require: bool = True,
) -> list[GoldReport]:
    """Find each gold record's text: inline `text` first, else in its corpus.

    A corpus may be given several files; an id is looked up in them in the order
    given, and the first that holds it wins.

    Args:
        records: Gold records.
        corpora: (name, path) pairs, as from `parse_corpus`.
        require: Whether a record without a text is an error; when False, its
            text is None.

    Returns:
        The gold reports, in the order of `records`.

    Raises:
        DocnlpError: A record's corpus was not given, or its id is in none of the
            corpus's files.
    """
    paths: dict[str, list[Path]] = {}
    for name, path in corpora:
        paths.setdefault(name, []).append(path)
    loaded: dict[Path, dict[str, str]] = {}
    reports = []
    for record in records:
        key = gold_key(record)
        if isinstance(record.get("text"), str):
            reports.append(GoldReport(key, record, record["text"], "<gold>"))
            continue
        for path in paths.get(record["corpus"], ()):
            if path not in loaded:
                loaded[path] = read_corpus(path)
            if str(record["id"]) in loaded[path]:
                text = loaded[path][str(record["id"])]
                reports.append(GoldReport(key, record, text, str(path)))
                break
        else:
            if require:
                raise DocnlpError(_no_text(key, record["corpus"], paths))
            reports.append(GoldReport(key, record, None, "<no text>"))
    return reports


def load_gold(
    gold: Iterable[str], corpora: Iterable[str] = (), *, require_text: bool = True
) -> list[GoldReport]:
    """Read gold files (names or globs) and attach each record's text.

    Args:
        gold: Gold .jsonl file names or glob patterns.
        corpora: NAME=PATH arguments naming where texts are.
        require_text: Whether every record must have its text.

    Returns:
        The gold reports.

    Raises:
        DocnlpError: See `expand_paths`, `read_gold` and `attach_texts`.
    """
    records = read_gold(expand_paths(gold))
    corpus_paths = [parse_corpus(c) for c in corpora]
    return attach_texts(records, corpus_paths, require=require_text)


def _no_text(key: str, corpus: str, paths: dict[str, list[Path]]) -> str:
    if corpus not in paths:
        return Errors.E034.format(key=key, corpus=corpus)
    return Errors.E035.format(key=key, paths=", ".join(map(str, paths[corpus])))
