"""Comparison with prior imaging: which studies, when, and of which modality."""

from __future__ import annotations

from spacy.tokens import Span

from ..dates import DateReader, date_reader
from ..report import Report, dedupe
from ..result import Element, Evidence, Prior
from .config import ExtractionConfig

# Target categories that name or point to a prior study.
_STUDY = ("PRIOR_STUDY", "COMPARE")
# Targets without which a sentence neither compares nor says there is no prior.
_COMPARING = frozenset({*_STUDY, "NO_PRIOR"})


def extract_comparison(report: Report, cfg: ExtractionConfig) -> Element:
    """Find the prior studies a report is compared with.

    A COMPARISON section that names anything but "none" names a prior; so does a
    sentence that compares ("compared with the CT of 2 January", "since the prior
    MRI"). Change words alone ("again seen", "unchanged", "interval decrease") only
    imply one. A hedged wish ("comparison with prior films would be helpful") or a
    prior named only as history compares nothing.

    Returns:
        `present` with the priors when a study compared is named; `partial` when
        findings only imply a prior; `missing` otherwise, with `none_available` set
        when the report says no prior exists or is available.
    """
    dates = date_reader()
    named: list[Evidence] = []
    none_available: list[Evidence] = []

    for section in report.in_sections(cfg.comparison_sections):
        targets = report.targets_in([section])
        dated = any(m.iso for m in dates.find(section.body(report.text)))
        if (
            _says_none(report, targets)
            and not dated
            and (
                not _names_study(report, targets)
                or _ends_with_none(report, section, targets)
            )
        ):
            none_available.append(report.section_evidence(section))
        elif _names_study(report, targets) or not _hedged(report, section):
            # Whatever a COMPARISON line says, unless it says "none" or only
            # wishes for a prior, names the study compared.
            named.append(report.section_evidence(section))
    body = report.in_sections(cfg.comparison_body)
    for sent in report.sentences_with(body, _COMPARING):
        targets = report.targets_between(sent.start_char, sent.end_char)
        if _compares(report, sent, targets, cfg):
            named.append(report.span_evidence(sent))
        elif _says_none(report, targets) and _mentions_comparison(report, sent):
            none_available.append(report.span_evidence(sent))

    named = dedupe(named)
    if named:
        # Read only here: whether the report writes its dates day first is a scan
        # of its whole text, and only the priors' dates need it.
        day_first = dates.day_first(report.text)
        priors = [p for e in named for p in _priors(report, e, dates, day_first, cfg)]
        # An addendum that corrects a prior's date ("not on 04/03/2025 as
        # dictated") takes the dictated date back.
        retracted = _retracted_dates(report, dates, day_first, cfg)
        priors = [p for p in priors if p.date is None or p.date not in retracted]
        return Element("present", named, {"none_available": False, "priors": priors})
    implied = _implied(report, cfg)
    # "COMPARISON: None." outweighs a finding's "stable": the report says no prior
    # was compared, whatever the wording of the findings implies.
    if implied and not any(
        e.section in cfg.comparison_sections for e in none_available
    ):
        return Element("partial", implied, {"none_available": False, "priors": []})
    return Element(
        "missing",
        dedupe(none_available),
        {"none_available": bool(none_available), "priors": []},
    )


def _retracted_dates(
    report: Report, dates: DateReader, day_first: bool, cfg: ExtractionConfig
) -> set[str]:
    """The dates an addendum says were wrong ("not on 04/03/2025 as dictated",
    "there is no CT dated 04/03/2025")."""
    found = set()
    for section in report.in_sections(["addendum"]):
        body = section.body(report.text)
        for mention in dates.find(body, day_first=day_first):
            before = body[max(0, mention.start - cfg.prior_date_window) : mention.start]
            if mention.iso and cfg.retracted_date.search(before.lower()):
                found.add(mention.iso)
    return found


def _says_none(report: Report, targets: list[Span]) -> bool:
    # "If no prior films are available, ..." supposes; it does not say.
    if any(
        t.label_ == "NO_PRIOR" and not report.context(t).hypothetical for t in targets
    ):
        return True
    return any(t.label_ == "PRIOR_STUDY" and report.context(t).negated for t in targets)


def _ends_with_none(report: Report, section, targets: list[Span]) -> bool:
    """True when a COMPARISON line ends in a bare "None": the exam title run in
    before it ("Radiograph chest PA and lateral None.") names this study, not a
    prior."""
    if not targets or targets[-1].label_ != "NO_PRIOR":
        return False
    last = targets[-1]
    rest = report.text[last.end_char : section.end]
    return report.span_text(last).lower().startswith("none") and not any(
        c.isalnum() for c in rest
    )


def _names_study(report: Report, targets: list[Span]) -> bool:
    # A modality inside a wished-for or denied study ("comparison with the outside
    # CT would be helpful") names nothing compared.
    unasserted = [
        t
        for t in targets
        if t.label_ == "NO_PRIOR"
        or (t.label_ in _STUDY and not report.context(t).asserted)
    ]
    return any(
        (t.label_ in _STUDY or t.label_ == "MODALITY")
        and report.context(t).asserted
        and not any(
            u.start_char <= t.start_char and t.end_char <= u.end_char
            for u in unasserted
        )
        for t in targets
    )


def _hedged(report: Report, section) -> bool:
    """True when a ConText hedge or wish sits in the section ("would be helpful")."""
    for start, category in _modifier_starts(report):
        if section.body_start <= start < section.end and category in (
            "HYPOTHETICAL",
            "POSSIBLE_EXISTENCE",
        ):
            return True
    return False


def _modifier_starts(report: Report) -> list[tuple[int, str]]:
    """Where each ConText modifier starts, whichever engine ran."""
    doc = report.doc
    if doc.has_extension("docnlp_modifiers") and doc._.docnlp_modifiers is not None:
        return [(start, category) for start, _, category in doc._.docnlp_modifiers]
    graph = doc._.context_graph if doc.has_extension("context_graph") else None
    return [
        (doc[m.modifier_span[0]].idx, m.category)
        for m in getattr(graph, "modifiers", None) or ()
    ]


def _compares(
    report: Report, sent: Span, targets: list[Span], cfg: ExtractionConfig
) -> bool:
    compare = [
        t for t in targets if t.label_ == "COMPARE" and report.context(t).asserted
    ]
    prior = [
        t for t in targets if t.label_ == "PRIOR_STUDY" and report.context(t).asserted
    ]
    if compare:
        return True
    in_body = report.category_of(sent) in cfg.implied_body
    return in_body and any(
        report.metadata(t).get("needs_compare") != "True"
        or _observed_on(t, targets, cfg)
        or report.search(cfg.compared_after, t.end_char, sent.end_char) is not None
        for t in prior
    )


def _observed_on(prior: Span, targets: list[Span], cfg: ExtractionConfig) -> bool:
    """True for a dated study something was looked for on ("no lesion is seen on
    the bone scan dated 8/14/2007"), or measured on ("previously measured 1.6 cm
    on 3/1/2025"): reading that study is comparing with it, whether or not the
    finding was there."""
    return any(
        t.label_ in ("PRIOR_RESULT", "CHANGE")
        and t.start_char <= prior.start_char
        and prior.start_char - t.end_char <= cfg.prior_date_window
        for t in targets
    )


def _mentions_comparison(report: Report, sent: Span) -> bool:
    lower = report.span_text(sent).lower()
    return "compar" in lower or "available" in lower or "prior" in lower


def _implied(report: Report, cfg: ExtractionConfig) -> list[Evidence]:
    sections = report.in_sections(cfg.implied_body)
    changes = report.targets_in(sections, ["CHANGE"])
    # "The patient remained stable" is about the patient, not a finding over time.
    changes = [
        t
        for t in changes
        if not (report.context(t).hypothetical or report.context(t).negated)
        and "patient" not in report.span_text(report.sentence(t)).lower()
    ]
    return dedupe(report.span_evidence(report.sentence(t)) for t in changes[:5])


def _owned_by_prior(
    text: str, at: int, anchors: list[tuple[int, int]], cfg: ExtractionConfig
) -> bool:
    """True for a date inside, or just after, the words naming a prior study, with
    no EDD, birth or surgery between them ("EDD by previous ultrasound: ...")."""
    owners = [
        (a, b)
        for a, b in anchors
        if a <= at < b or 0 <= at - b <= cfg.prior_date_window
    ]
    if not owners:
        return False
    begin = max(a for a, _ in owners)
    return not cfg.other_date_roles.search(text[max(0, begin - 12) : at])


def _line_before(text: str, offset: int) -> str:
    return text[text.rfind("\n", 0, offset) + 1 : offset]


def _priors(
    report: Report,
    evidence: Evidence,
    dates: DateReader,
    day_first: bool,
    cfg: ExtractionConfig,
) -> list[Prior]:
    """Split one piece of comparison evidence into the prior studies it names.

    In a COMPARISON section every date is a prior's; in a sentence of the body only
    dates close after the words naming the prior are ("compared with the CT of
    1/2/2024"), not the other dates the sentence gives (a delivery date).
    """
    start, end = evidence.start, evidence.end
    inside = report.targets_between(start, end)
    modalities = [
        (t.start_char, report.metadata(t)["modality"])
        for t in inside
        if t.label_ == "MODALITY" and "modality" in report.metadata(t)
    ]
    # A study the line denies ("No prior CT.") is no undated prior.
    denied = [(t.start_char, t.end_char) for t in inside if t.label_ == "NO_PRIOR"]
    undeniable = [
        (at, m) for at, m in modalities if not any(a <= at < b for a, b in denied)
    ]
    mentions = dates.find(report.text[start:end], day_first=day_first)
    text = report.text[start:end]
    listed = evidence.section in cfg.comparison_sections
    if listed:
        # A date that an EDD, a birth or a surgery owns is not a prior's.
        mentions = [
            m
            for m in mentions
            if not cfg.other_date_roles.search(_line_before(text, m.start))
        ]
    else:
        anchors = [
            (t.start_char - start, t.end_char - start)
            for t in inside
            if t.label_ in _STUDY
        ]
        mentions = [m for m in mentions if _owned_by_prior(text, m.start, anchors, cfg)]
    if not mentions:
        modality = modalities[0][1] if modalities else None
        return [Prior(None, modality, evidence.text, start, end)]
    priors = []
    previous_end = start
    took_after = False  # the last date's modality is named after it
    for mention in mentions:
        m_start, m_end = start + mention.start, start + mention.end
        if listed:
            # A study named in a clause of its own before this date ("KUB obtained
            # today. CT abdomen 2/20/2025.") is an undated prior of its own.
            cut = _last_break(report.text, previous_end, m_start)
            undated = [m for at, m in undeniable if previous_end <= at < cut]
            if undated:
                priors.append(_undated(report, undated[0], previous_end, cut))
                previous_end = cut
        before = [m for at, m in modalities if previous_end <= at < m_start]
        after = [m for at, m in modalities if m_end <= at < m_end + cfg.modality_window]
        modality = (before or after or [None])[-1 if before else 0]
        took_after = bool(after) and not before
        chunk = report.evidence(previous_end, m_end)
        text, c_start, c_end = (
            (chunk.text, chunk.start, chunk.end)
            if chunk
            else (mention.text, m_start, m_end)
        )
        priors.append(
            Prior(
                mention.iso,
                modality,
                text,
                c_start,
                c_end,
                relative=None if mention.iso else mention.text,
            )
        )
        previous_end = m_end
    if listed:
        # A study named after the last date's ("PET/CT 1/2/2025, with a CT neck of
        # the same date") is one more prior, if its modality is not yet counted.
        known = {p.modality for p in priors}
        after = [(at, m) for at, m in modalities if at >= previous_end][took_after:]
        after = [m for at, m in after if (at, m) in undeniable and m not in known]
        if after:
            priors.append(_undated(report, after[0], previous_end, end))
    return priors


def _last_break(text: str, begin: int, end: int) -> int:
    """Where the last clause between two offsets starts, after a full stop, a
    semicolon or a line break; `begin` when there is none."""
    cut = max(text.rfind(". ", begin, end), text.rfind(";", begin, end))
    cut = max(cut, text.rfind("\n", begin, end))
    return begin if cut < 0 else cut + 1


def _undated(report: Report, modality: str, begin: int, end: int) -> Prior:
    """A prior named without a date, from the text between two offsets."""
    chunk = report.evidence(begin, end)
    if chunk is None:
        return Prior(None, modality, report.text[begin:end], begin, end)
    return Prior(None, modality, chunk.text, chunk.start, chunk.end)
