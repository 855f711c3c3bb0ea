"""The `docnlp_followup` component: interval change, recommendations, necessity."""

from spacy.language import Language
from spacy.tokens import Doc

from ..extract.followup import (
    check_necessity,
    extract_changes,
    extract_recommendations,
    followup_rules,
)
from ..report import Report


class FollowupReader:
    """Writes `doc._.docnlp_followup`: interval changes, recommendations, necessity.

    Runs after docnlp_elements: necessity reads the reason it found.
    """

    def __init__(self, nlp: Language, name: str, *, rules: str) -> None:
        self.name = name
        self.rules = followup_rules(rules)
        if not Doc.has_extension("docnlp_followup"):
            Doc.set_extension("docnlp_followup", default=None)

    def __call__(self, doc: Doc) -> Doc:
        report = Report.of(doc)
        elements = doc._.docnlp_elements
        reason = elements["reason_for_followup"]
        doc._.docnlp_followup = {
            "interval_changes": extract_changes(
                report, self.rules, elements["comparison"]
            ),
            "recommendations": extract_recommendations(report, self.rules),
            "necessity": check_necessity(report, self.rules, reason),
        }
        return doc


@Language.factory("docnlp_followup", default_config={"rules": "followup.json"})
def make_followup(nlp: Language, name: str, rules: str) -> FollowupReader:
    """Create the reader of follow-up specifics.

    Config:
        rules (str): Rule file, a name under docnlp/resources/ or a path.
            Default "followup.json".
    """
    return FollowupReader(nlp, name, rules=rules)
