"""The `docnlp_elements` component: every checklist element, extracted once per doc."""

from spacy.language import Language
from spacy.tokens import Doc

from ..extract import (
    extract_comparison,
    extract_history,
    extract_interpretation,
    extract_reason,
    extract_region,
    extraction_config,
)
from ..report import Report

# Extractors in checklist order.
EXTRACTORS = {
    "reason_for_followup": extract_reason,
    "comparison": extract_comparison,
    "scanned_region": extract_region,
    "interpretation": extract_interpretation,
    "clinical_history": extract_history,
}


class ElementExtractor:
    """Writes `doc._.docnlp_elements`: each element's status, evidence and details.

    Offsets in the evidence are offsets into `doc.text`, which the normaliser keeps
    aligned with the original report.
    """

    def __init__(self, nlp: Language, name: str, *, config: str) -> None:
        self.name = name
        self.config = extraction_config(config)
        if not Doc.has_extension("docnlp_elements"):
            Doc.set_extension("docnlp_elements", default=None)

    def __call__(self, doc: Doc) -> Doc:
        report = Report.of(doc)
        doc._.docnlp_elements = {
            name: extract(report, self.config) for name, extract in EXTRACTORS.items()
        }
        return doc


@Language.factory("docnlp_elements", default_config={"config": "extraction.json"})
def make_elements(nlp: Language, name: str, config: str) -> ElementExtractor:
    """Create the element extractor.

    Config:
        config (str): Extraction settings, a name under docnlp/resources/ or a path.
            Default "extraction.json".
    """
    return ElementExtractor(nlp, name, config=config)
