"""Building the pipeline once per process, and checking reports with it."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

from .checklist import load_checklist, score
from .errors import DocnlpError, Errors
from .result import Element, Evidence, Prior, Result
from .text import make_doc, normalise

logger = logging.getLogger("docnlp")

# The components, in order; each reads what the ones before it wrote.
PIPE_NAMES = (
    "docnlp_sections",
    "docnlp_sentences",
    "docnlp_targets",
    "docnlp_context",
    "docnlp_elements",
    "docnlp_followup",
)
# The learned component, after the rules; `build(model=False)` leaves it out.
MODEL_PIPE = "docnlp_model"
# Texts handed to spaCy per batch in `check_many`.
BATCH_SIZE = 64


@dataclass
class Record:
    """One report as a reader yields it.

    Attributes:
        id: The report's identifier.
        source: Where it came from ("reports/a.txt", "batch.jsonl:12").
        text: The report text, or None when it could not be read.
        error: Why the report could not be read, or None.
        metadata: Anything else the reader knows (columns, segments).
    """

    id: str
    source: str
    text: str | None = None
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def build(
    *, rules: dict[str, dict[str, Any]] | None = None, model: bool | None = None
) -> Language:
    """Build a new docnlp pipeline on a blank English tokenizer.

    Nothing is downloaded: every component is built from the package's own rules
    and the element model shipped with it.

    Args:
        rules: Optional config overrides per component, e.g.
            {"docnlp_sections": {"rules": "my_sections.json"}} or
            {"docnlp_model": {"mode": "only"}}.
        model: Whether to add the element model (docnlp_model) after the rules.
            None (the default) adds it when its card enables it for an element or
            `rules` configures it: a model that changes nothing is not worth the
            seconds it takes to load.

    Returns:
        The pipeline.

    Raises:
        DocnlpError: A rule file is invalid, or the element model's file does not
            match its card.
    """
    _import_components()
    _quiet_third_party_loggers()
    nlp = spacy.blank("en")
    _split_at_pipes(nlp)
    if model is None:
        model = MODEL_PIPE in (rules or {}) or _model_enabled()
    names = (*PIPE_NAMES, MODEL_PIPE) if model else PIPE_NAMES
    for name in names:
        nlp.add_pipe(name, config=(rules or {}).get(name, {}))
    return nlp


def _split_at_pipes(nlp: Language) -> None:
    """Split tokens at "|", the field separator of reports exported from an EHR
    ("COMPARISON|CT A/P 03/30/2025|"): spaCy's English infixes keep "COMPARISON|CT"
    one token, which no rule can read as a heading or a modality.

    Set before any component is added, so phrase patterns are tokenized alike.
    """
    infixes = [*nlp.Defaults.infixes, r"\|"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@lru_cache(maxsize=1)
def load() -> Language:
    """The process's shared docnlp pipeline, built on first use.

    Returns:
        A spaCy `Language` with the docnlp components.

    Raises:
        DocnlpError: The element model's file does not match the sha256 in its card.
    """
    logger.debug("building the docnlp pipeline")
    nlp = build()
    # The shared pipeline lives as long as the process. Frozen, its objects are no
    # longer walked by every full collection during a batch (4 % of the check).
    gc.collect()
    gc.freeze()
    return nlp


def check(
    text: str, *, code: str = "76380", id: str = "report", source: str = "<text>"
) -> Result:
    """Check one report against a code's checklist.

    Args:
        text: The report text.
        code: The CPT code whose checklist applies.
        id: An identifier to carry into the result.
        source: Where the text came from, for messages.

    Returns:
        The result; its `error` says why when the report could not be checked.

    Raises:
        DocnlpError: No checklist exists for `code`.
    """
    return next(check_many([Record(id, source, text)], code=code))


def check_many(
    records: Iterable[Record],
    *,
    code: str = "76380",
    nlp: Language | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[Result]:
    """Check a stream of reports, yielding one result per record, in order.

    Records that could not be read, and reports that fail in the pipeline, come out
    as results with `error` set; the stream goes on.

    Args:
        records: Reports as readers yield them.
        code: The CPT code whose checklist applies.
        nlp: A pipeline to use instead of the shared one.
        batch_size: Reports handed to spaCy at a time.

    Raises:
        DocnlpError: No checklist exists for `code`.
    """
    checklist = load_checklist(code)
    nlp = nlp or load()
    batch: list[Record] = []
    for n, record in enumerate(records, 1):
        batch.append(_as_record(record, n))
        if len(batch) >= batch_size:
            yield from _check_batch(nlp, checklist, batch)
            batch = []
    if batch:
        yield from _check_batch(nlp, checklist, batch)


def result_from_doc(doc, record: Record, checklist) -> Result:
    """Build a report's Result from its processed doc.

    The doc holds the normalised text; every quoted span is taken again from the
    original at the same offsets, so `original[start:end] == evidence.text`.
    """
    elements = {
        name: _quote_original(element, record.text)
        for name, element in doc._.docnlp_elements.items()
    }
    followup = doc._.docnlp_followup or {}
    changes = [_quoted(c, record.text) for c in followup.get("interval_changes", ())]
    recommendations = [
        _quoted(r, record.text) for r in followup.get("recommendations", ())
    ]
    necessity = followup.get("necessity")
    if necessity is not None:
        necessity = replace(
            necessity, evidence=[_quoted(e, record.text) for e in necessity.evidence]
        )
    standing = score(checklist, elements, changes=changes, necessity=necessity)
    return Result(
        id=record.id,
        source=record.source,
        code=checklist.code,
        score=standing.score,
        complete=standing.complete,
        reading=standing.reading,
        elements=elements,
        gaps=standing.gaps,
        flags=standing.flags,
        interval_changes=changes,
        recommendations=recommendations,
        necessity=necessity,
    )


def _quoted(span, original: str):
    """A span-like record with its text taken again from the original; the same
    record when normalising changed nothing there (most spans: copying a
    dataclass costs more than comparing its text)."""
    text = original[span.start : span.end]
    return span if text == span.text else replace(span, text=text)


def _quote_original(element: Element, original: str) -> Element:
    evidence = [_quoted(e, original) for e in element.evidence]
    details = {
        key: [
            _quoted(v, original) if isinstance(v, (Evidence, Prior)) else v
            for v in value
        ]
        if isinstance(value, list)
        else value
        for key, value in element.details.items()
    }
    return Element(element.status, evidence, details)


def _as_record(record: Any, n: int) -> Record:
    """A Record for what a caller passed: strings are taken as report texts."""
    if isinstance(record, Record):
        return record
    if isinstance(record, str):
        return Record(id=str(n), source=f"<record {n}>", text=record)
    source = f"<record {n}>"
    return Record(
        id=str(n),
        source=source,
        error=Errors.E062.format(source=source, kind=type(record).__name__),
    )


def _validate(record: Record, limit: int) -> None:
    """Set `record.error` for a text the pipeline cannot or should not check."""
    text = record.text
    if record.error is not None:
        return
    if not isinstance(text, str):
        kind = "nothing" if text is None else type(text).__name__
        record.error = Errors.E060.format(source=record.source, kind=kind)
    elif not text.strip():
        record.error = Errors.E012.format(source=record.source)
    elif "\x00" in text:
        record.error = Errors.E013.format(source=record.source)
    elif len(text) > limit:
        record.error = Errors.E061.format(
            source=record.source, size=len(text), limit=limit
        )


def _check_batch(nlp: Language, checklist, batch: list[Record]) -> Iterator[Result]:
    for record in batch:
        _validate(record, nlp.max_length)
    readable = [r for r in batch if r.error is None]
    texts = [normalise(r.text).text for r in readable]
    try:
        docs = dict(
            zip(
                map(id, readable),
                nlp.pipe(make_doc(nlp, t) for t in texts),
                strict=True,
            )
        )
    except Exception:  # one bad report must not cost the batch: retry one by one
        logger.debug("batch failed; checking its reports one at a time", exc_info=True)
        docs = {}
        for record, text in zip(readable, texts, strict=True):
            try:
                docs[id(record)] = nlp(make_doc(nlp, text))
            except Exception as err:
                logger.warning(
                    "report %s failed in the pipeline: %s",
                    record.id,
                    type(err).__name__,
                )
                record.error = Errors.E020.format(
                    source=record.source, problem=type(err).__name__
                )
    for record in batch:
        doc = docs.pop(id(record), None)
        if record.error is None and doc is not None:
            try:
                result = result_from_doc(doc, record, checklist)
            except Exception as err:  # a scoring bug must not cost the batch
                logger.warning(
                    "report %s failed when scored: %s", record.id, type(err).__name__
                )
                record.error = Errors.E020.format(
                    source=record.source, problem=type(err).__name__
                )
            else:
                _release(doc)
                yield result
                continue
        yield Result.failed(
            record.id,
            record.source,
            checklist.code,
            record.error
            or Errors.E020.format(source=record.source, problem="no result"),
        )


def _release(doc) -> None:
    """Free a checked doc now rather than at the next full garbage collection.

    Its user data holds the report view and extension values that point back at
    the doc: a cycle only the cyclic collector frees, after the doc has aged into
    its oldest generation.
    """
    doc.user_data.clear()


def _model_enabled() -> bool:
    """True when the shipped element model's card enables it for any element."""
    from .model.card import DEFAULT_MODEL, model_dir, read_card

    try:
        card = read_card(model_dir(DEFAULT_MODEL))
    except DocnlpError:
        return False
    return bool(card.get("enabled_elements"))


def _import_components() -> None:
    # Importing the modules registers their factories with spaCy.
    from .components import (  # noqa: F401
        context,
        elements,
        followup,
        model,
        sections,
        sentences,
        targets,
    )


def _quiet_third_party_loggers() -> None:
    # PyRuSH (pulled in by medspaCy) logs at DEBUG through loguru by default.
    try:
        from loguru import logger as loguru_logger
    except ImportError:
        return
    loguru_logger.disable("PyRuSH")
    loguru_logger.disable("medspacy")
