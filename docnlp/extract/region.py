"""The region scanned, its laterality, and whether the study was limited."""

from __future__ import annotations

from collections import Counter

from ..components.sections import PREAMBLE
from ..report import Report, dedupe
from ..result import Element, Evidence
from .config import ExtractionConfig
from .statements import is_title, per_sentence

# A whole-body study is that region alone, not the list of regions it spans.
_WHOLE_BODY = "whole_body"
# Targets that make a sentence about an earlier study.
_PRIOR_LABELS = frozenset({"PRIOR_STUDY", "COMPARE", "PRIOR_RESULT", "NO_PRIOR"})


def extract_region(report: Report, cfg: ExtractionConfig) -> Element:
    """Find the regions imaged, from the title or technique before the findings.

    Returns:
        `present` with normalised regions when a body part is named; `partial` when
        only a vague "CT scan" or "images were obtained" says what was imaged;
        `missing` otherwise. Details carry `regions`, `laterality`, `limited` and
        the evidence of the limited extent.
    """
    regions: list[str] = []
    evidence: list[Evidence | None] = []
    sides: set[str] = set()
    # The title, then the technique, then (the regions described most) the body.
    last = len(cfg.region_sources) - 1
    extent = None
    for depth, categories in enumerate(cfg.region_sources):
        if depth == 1 and (extent := _extent(report, categories, cfg)):
            # "from the diaphragm through the pubic symphysis": the regions between,
            # not the landmarks' own regions at the edges of the scan.
            regions, match = extent
            evidence.append(report.span_evidence(report.sentence(match)))
            break
        spans = _region_targets(report, categories, cfg, title_only=depth == 0)
        if depth == 0 and spans and (extent := _title_extent(report, categories, cfg)):
            # "CT CHEST (thoracic inlet to the adrenals)": the landmarks bound the
            # scan; they are not regions of their own.
            regions, match = extent
            spans = [
                s
                for s in spans
                if not match.start_char <= s.start_char < match.end_char
            ]
        if depth == 1:
            # What the report says it imaged outranks the organs a technique
            # section names in passing ("a rectal tube was inserted").
            spans = _stated_regions(report, cfg) or spans
        if depth == last:
            spans = _most_described(
                report,
                [s for s in spans if not _at_edge(report, s, cfg)],
                cfg.region_share,
            )
        for span in spans:
            region = report.metadata(span)["region"]
            if region not in regions:
                regions.append(region)
            evidence.append(report.span_evidence(report.sentence(span)))
            sides.update(_sides(report, span))
        if regions:
            if depth == 0:
                # The technique can name more of the same study than its title
                # ("Two views of the pelvis" ... "lateral view of the right hip").
                for span in _stated_regions(report, cfg, technique=True):
                    region = report.metadata(span)["region"]
                    if region not in regions:
                        regions.append(region)
                        evidence.append(report.span_evidence(report.sentence(span)))
            if depth < last and _whole_body_study(report, regions, cfg):
                regions = [_WHOLE_BODY]
            break
    if _WHOLE_BODY in regions:
        regions = [_WHOLE_BODY]
    limited = _limited(report, cfg)
    details = {
        "regions": regions,
        "laterality": sorted(sides),
        "limited": bool(limited),
        "limited_evidence": limited,
        **_limit_reason(report, regions, cfg, limited),
        **_study_modality(report, cfg),
        "extent": report.span_text(extent[1]) if extent else None,
    }
    if regions:
        return Element("present", dedupe(evidence)[:3], details)
    vague = report.targets_in(report.sections, ["MODALITY"])
    if vague:
        return Element(
            "partial",
            dedupe([report.span_evidence(report.sentence(vague[0]))]),
            details,
        )
    return Element("missing", [], details)


def _region_targets(
    report: Report, categories, cfg: ExtractionConfig, *, title_only: bool
) -> list:
    """Region targets of some sections, organ headings included; from the preamble
    only its title lines when `title_only`."""
    sections = report.in_sections(categories)
    found = []
    for span in _regions_in(report, sections):
        if not report.metadata(span).get("region") or report.context(span).negated:
            continue
        if (
            title_only
            and report.category_of(span) == PREAMBLE
            and not is_title(report, report.sentence(span), cfg)
        ):
            continue
        found.append(span)
    return found


def _regions_in(report: Report, sections) -> list:
    """Region targets of some sections, their organ subheadings included."""
    found = []
    for section in sections:
        start = section.start if section.subheading else section.body_start
        found += [
            t
            for t in report.targets_between(start, section.end)
            if t.label_ == "REGION"
        ]
    return sorted(found, key=lambda t: t.start_char)


def _stated_regions(
    report: Report, cfg: ExtractionConfig, *, technique: bool = False
) -> list:
    """Regions where a sentence says what was imaged: a region next to a modality
    ("MRI of the thoracic spine", "whole body PET"), or every region of a sentence
    with an acquisition verb ("imaging was performed over the neck and chest").
    A sentence that names or compares a prior study says what was imaged before.

    With `technique`, only regions next to a modality in the technique sections:
    what a technique adds to a title, where an acquisition verb's sentence can
    name the access site or the edge of the scan as well.
    """
    found = []
    sections = report.in_sections(
        cfg.statement_technique if technique else cfg.statement_sections
    )
    # A sentence names what was imaged only beside a modality.
    for sent in report.sentences_with(sections, ["MODALITY"]):
        targets = report.targets_between(sent.start_char, sent.end_char)
        if any(t.label_ in _PRIOR_LABELS for t in targets):
            continue
        modalities = [
            t for t in targets if t.label_ == "MODALITY" and report.context(t).asserted
        ]
        if not modalities:
            continue
        regions = [
            t
            for t in targets
            if t.label_ == "REGION" and report.metadata(t).get("region")
        ]
        if not technique and report.search(
            cfg.acquisition, sent.start_char, sent.end_char
        ):
            found += regions
            continue
        found += _named_with(report, regions, modalities, cfg)
    return found


def _named_with(report: Report, regions: list, modalities: list, cfg) -> list:
    """The regions next to a modality, and those listed after them ("CT abdomen
    and pelvis", "MRI of the cervical, thoracic and lumbar spine")."""
    named = []
    for region in regions:
        listed = named and cfg.statement_list.match(
            report.text[named[-1].end_char : region.start_char]
        )
        if listed or _next_to(report, region, modalities, cfg):
            named.append(region)
    return named


def _next_to(report: Report, region, modalities, cfg: ExtractionConfig) -> bool:
    text = report.text
    for modality in modalities:
        if modality.end_char <= region.start_char and cfg.statement_after.match(
            text[modality.end_char : region.start_char]
        ):
            return True
        if region.end_char <= modality.start_char and cfg.statement_before.match(
            text[region.end_char : modality.start_char]
        ):
            return True
    return False


def _at_edge(report: Report, region, cfg: ExtractionConfig) -> bool:
    """True for a region named as the edge of the scan ("as far as the upper
    abdomen is imaged", "visualized portions of the lung bases")."""
    return per_sentence(
        report,
        "edge",
        report.sentence(region),
        lambda s: bool(report.search(cfg.edge_of_scan, s.start_char, s.end_char)),
    )


def _title_extent(report: Report, categories, cfg: ExtractionConfig):
    """An extent stated in the exam title, not in findings before any heading."""
    extent = _extent(report, categories, cfg)
    if extent is None:
        return None
    sent = report.sentence(extent[1])
    if report.category_of(sent) == "exam" or is_title(report, sent, cfg):
        return extent
    return None


def _extent(report: Report, categories, cfg: ExtractionConfig):
    """The regions a 'from A through B' extent covers, and its span, if stated."""
    for section in report.in_sections(categories):
        match = report.search(cfg.extent, section.body_start, section.end)
        if not match:
            continue
        axis = cfg.extent_axis
        first = cfg.extent_landmarks[match["a"].lower()][0]
        last = cfg.extent_landmarks[match["b"].lower()][1]
        if first in axis and last in axis and axis.index(first) <= axis.index(last):
            regions = list(axis[axis.index(first) : axis.index(last) + 1])
        else:
            regions = list(dict.fromkeys([first, last]))
        start = section.body_start + match.start()
        span = report.doc.char_span(
            start, section.body_start + match.end(), alignment_mode="expand"
        )
        if span is not None:
            return regions, span
    return None


def _whole_body_study(
    report: Report, regions: list[str], cfg: ExtractionConfig
) -> bool:
    """A PET or nuclear study over many regions is one whole-body study."""
    if len(regions) < cfg.whole_body_min_regions:
        return False
    sections = report.in_sections(["exam", "technique", PREAMBLE])
    return any(
        report.metadata(t).get("modality") in cfg.whole_body_modalities
        for t in report.targets_in(sections, ["MODALITY"])
    )


def _most_described(report: Report, spans: list, share: float) -> list:
    """The regions the findings describe most; a neighbour named in passing is not
    a region scanned."""
    counts = Counter(report.metadata(s)["region"] for s in spans)
    if not counts:
        return []
    top = max(counts.values())
    return [s for s in spans if counts[report.metadata(s)["region"]] >= share * top]


def _sides(report: Report, region) -> set[str]:
    sent = report.sentence(region)
    return {
        report.metadata(t)["side"]
        for t in report.targets_between(sent.start_char, sent.end_char)
        if t.label_ == "LATERALITY" and abs(t.start - region.start) <= 4
    }


def _study_modality(report: Report, cfg: ExtractionConfig) -> dict:
    """The modalities the study's title names (else its technique), and the words
    of a title that make it a study billed otherwise (CT angiography, a CT-guided
    procedure, PET/CT)."""
    # An exam section's first sentence names the study; what follows may be a
    # clinic note's physical examination.
    titles = [
        next(iter(report.sentences_in([section])), None)
        for section in report.in_sections(["exam"])
    ]
    titles = [s for s in titles if s is not None] + [
        s
        for s in report.sentences_in(report.in_sections([PREAMBLE]))
        if is_title(report, s, cfg)
    ]
    if not titles:
        titles = list(report.sentences_in(report.in_sections(["technique"])))[:1]
    if not titles and report.may_match(cfg.acquisition):
        # No title or technique: the sentences that say how the images were made
        # ("myocardial perfusion imaging was obtained").
        titles = [
            s
            for s in report.sentences_in(report.sections)
            if report.search(cfg.acquisition, s.start_char, s.end_char)
        ]
    modalities: list[str] = []
    other = None
    for sent in titles:
        for t in report.targets_between(sent.start_char, sent.end_char):
            modality = report.metadata(t).get("modality")
            # "us" in lower case is the pronoun; the abbreviation is written "US".
            if t.label_ != "MODALITY" or t.text == "us":
                continue
            if modality and modality not in modalities:
                modalities.append(modality)
        found = report.search(cfg.other_codes, sent.start_char, sent.end_char)
        other = other or (found.group(0) if found else None)
    return {"modalities": modalities, "other_code": other}


def _limit_reason(
    report: Report, regions: list[str], cfg: ExtractionConfig, limited: bool
) -> dict:
    """Where a limited study says why it was limited: stated ("per urology
    request", "to reduce dose"), or a complaint in the region scanned ("right
    flank pain" for a CT of the right kidney). `limit_stated` says whether any of
    it is stated in words."""
    if not limited:
        return {"limit_reason": [], "limit_stated": False}
    sections = report.in_sections(cfg.limit_reason_sections)
    stated = [
        report.span_evidence(sent)
        for sent in report.sentences_in(sections)
        if report.search(cfg.limit_reasons, sent.start_char, sent.end_char)
    ]
    localized = [
        report.span_evidence(report.sentence(target))
        for target in report.targets_in(
            report.in_sections(["indication", "history"]), ["REGION"]
        )
        if report.metadata(target).get("region") in regions
    ]
    return {"limit_reason": dedupe(stated + localized), "limit_stated": bool(stated)}


def _limited(report: Report, cfg: ExtractionConfig) -> list[Evidence]:
    """Wording that shows a limited or localized study, not a limited-quality one."""
    sections = report.in_sections(["exam", "preamble", "technique", "indication"])
    found = []
    for span in report.targets_in(sections, ["LIMITED"]):
        if not report.context(span).asserted or report.search(
            cfg.limited_exclusions, span.end_char, span.end_char + 40
        ):
            continue
        # "limited examination: there is motion artifact" limits quality, not extent.
        sent = report.sentence(span)
        if report.search(cfg.technical_limits, sent.start_char, sent.end_char):
            continue
        found.append(report.span_evidence(sent))
    return dedupe(found)
