"""The `docnlp_targets` component: checklist concepts found by medspaCy's TargetMatcher."""

from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import DocnlpError, Errors
from ..rules import check_keys, compile_pattern, read_json

# The span group every layer writes to, and ConText reads from.
SPAN_GROUP = "docnlp_targets"
_RULE_KEYS = ("literal", "category")
_RULE_OPTIONAL = ("pattern", "metadata")


def load_target_rules(path: str) -> dict[str, list[TargetRule]]:
    """Read and validate a target rule file.

    Args:
        path: A name under docnlp/resources/ or a path.

    Returns:
        The rules of each layer.

    Raises:
        DocnlpError: The file or one of its rules is invalid.
    """
    data = read_json(path)
    check_keys(data, path=path, where="top level", required=["layers"],
               optional=["description"])
    if not isinstance(data["layers"], dict) or not data["layers"]:
        problem = "'layers' must map layer names to lists of rules"
        raise DocnlpError(Errors.E002.format(path=path, where="layers", problem=problem))
    layers = {}
    for layer, entries in data["layers"].items():
        rules = []
        for i, entry in enumerate(entries):
            where = f"layers.{layer}[{i}]"
            check_keys(entry, path=path, where=where, required=_RULE_KEYS,
                       optional=_RULE_OPTIONAL)
            if isinstance(entry.get("pattern"), str):
                compile_pattern(entry["pattern"], path=path, where=where)
            rules.append(
                TargetRule(
                    entry["literal"],
                    entry["category"],
                    pattern=entry.get("pattern"),
                    metadata=entry.get("metadata"),
                )
            )
        layers[layer] = rules
    return layers


class Targets:
    """Runs one medspaCy TargetMatcher per rule layer into one span group.

    Overlapping matches are pruned (longest first) inside a layer only, so a region
    named inside a prior-study phrase ("prior CT of the chest") is kept as a region.
    """

    def __init__(self, nlp: Language, name: str, *, rules: str) -> None:
        self.name = name
        self.matchers = []
        for layer, layer_rules in load_target_rules(rules).items():
            matcher = TargetMatcher(nlp, name=f"{name}_{layer}", result_type=None)
            matcher.add(layer_rules)
            self.matchers.append(matcher)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in self.matchers:
            for span in matcher(doc):
                # Extension values are keyed by offsets alone, so two layers' spans
                # at the same offsets would share one `target_rule`: the metadata
                # travels in the span's own id instead.
                metadata = span._.target_rule.metadata or {}
                spans.append(Span(doc, span.start, span.end, label=span.label_,
                                  span_id=_encode(metadata)))
        doc.spans[SPAN_GROUP] = sorted(spans, key=lambda s: (s.start, s.end))
        return doc


@Language.factory("docnlp_targets", default_config={"rules": "targets.json"})
def make_targets(nlp: Language, name: str, rules: str) -> Targets:
    """Create the target matcher of checklist concepts.

    Config:
        rules (str): Rule file, a name under docnlp/resources/ or a path.
            Default "targets.json".
    """
    return Targets(nlp, name, rules=rules)


def target_metadata(span: Span) -> dict[str, str]:
    """The metadata of the rule that matched a target ("region", "modality", ...)."""
    if not span.id_:
        return {}
    return dict(item.split("=", 1) for item in span.id_.split(";"))


def _encode(metadata: dict) -> str:
    items = []
    for key, value in metadata.items():
        if value is None or value is False:
            continue
        items.append(f"{key}={value}")
    return ";".join(items)
