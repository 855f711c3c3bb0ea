"""The `docnlp_targets` component: checklist concepts found by compiled rules."""

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

try:  # the regex parser, to spell out finite alternatives (private, stable since 3.0)
    from re import _constants as _c
    from re import _parser
except ImportError:  # Python 3.10
    import sre_constants as _c  # noqa: N812
    import sre_parse as _parser
from spacy.attrs import IDX
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..errors import DocnlpError, Errors
from ..rules import check_keys, compile_pattern, read_json
from ..text import doc_text
from .scanning import Scan, plan
from .words import Fragments, WordIndex

# A whole pattern that is one word-bounded group of alternatives.
_WORD_GROUP = re.compile(r"\\b\(\?:(.*)\)\\b", re.DOTALL)
# A spelled-out alternative the PhraseMatcher can take: no edge or double spaces.
_PLAIN = re.compile(r"[a-z0-9][a-z0-9 '/&.-]*", re.IGNORECASE)
# Most spellings one alternative may expand to before it stays a regex.
_MAX_SPELLINGS = 64
# A capital letter that is not part of an escape (\\B, \\D, \\S, \\W).
_CAPITALS = re.compile(r"(?<!\\)[A-Z]")
# The span group every layer writes to.
SPAN_GROUP = "docnlp_targets"
# The span group of the layers ConText reads.
CONTEXT_GROUP = "docnlp_context_targets"
_RULE_KEYS = ("literal", "category")
_RULE_OPTIONAL = ("pattern", "metadata")


@dataclass(frozen=True)
class RegexRule:
    """A target rule whose pattern is a regular expression over the text.

    Patterns without capitals run case-sensitively over the lower-cased text,
    which is a third faster than `re.IGNORECASE`.
    """

    regex: "re.Pattern | _Bounded"
    category: str
    span_id: str
    rank: int = 0


@dataclass(frozen=True)
class TokenRule:
    """A target rule matched on tokens: a phrase, or a spaCy token pattern."""

    category: str
    span_id: str
    phrase: str | None = None
    pattern: tuple | None = None
    rank: int = 0

    @property
    def key(self) -> str:
        return f"{self.rank}|{self.category}|{self.span_id}"


def load_target_rules(path: str) -> dict[str, list[TokenRule | RegexRule]]:
    """The rules of each layer of a target rule file (see `read_target_rules`)."""
    return read_target_rules(path)[0]


def read_target_rules(
    path: str,
) -> tuple[dict[str, list[TokenRule | RegexRule]], frozenset[str]]:
    """Read and validate a target rule file.

    Args:
        path: A name under docnlp/resources/ or a path.

    Returns:
        The rules of each layer (regular-expression rules compiled once, the others
        as phrases and token patterns for spaCy's PhraseMatcher and Matcher), and
        the layers ConText reads.

    Raises:
        DocnlpError: The file or one of its rules is invalid.
    """
    data = read_json(path)
    check_keys(
        data,
        path=path,
        where="top level",
        required=["layers"],
        optional=["description", "context_layers"],
    )
    if not isinstance(data["layers"], dict) or not data["layers"]:
        problem = "'layers' must map layer names to lists of rules"
        raise DocnlpError(
            Errors.E002.format(path=path, where="layers", problem=problem)
        )
    layers: dict[str, list[TokenRule | RegexRule]] = {}
    for layer, entries in data["layers"].items():
        rules: list[TokenRule | RegexRule] = []
        for i, entry in enumerate(entries):
            where = f"layers.{layer}[{i}]"
            check_keys(
                entry,
                path=path,
                where=where,
                required=_RULE_KEYS,
                optional=_RULE_OPTIONAL,
            )
            span_id = _encode(entry.get("metadata") or {})
            pattern = entry.get("pattern")
            if isinstance(pattern, str):
                compile_pattern(pattern, path=path, where=where)
                phrases, rest = split_phrases(pattern)
                rules.extend(
                    TokenRule(entry["category"], span_id, phrase=phrase, rank=i)
                    for phrase in phrases
                )
                if rest is not None:
                    rules.append(
                        RegexRule(
                            _compile_lower(rest, path, where),
                            entry["category"],
                            span_id,
                            rank=i,
                        )
                    )
            elif pattern is None:
                rules.append(
                    TokenRule(
                        entry["category"], span_id, phrase=entry["literal"], rank=i
                    )
                )
            elif isinstance(pattern, list):
                rules.append(
                    TokenRule(
                        entry["category"], span_id, pattern=tuple(pattern), rank=i
                    )
                )
            else:
                problem = "'pattern' must be a regular expression or a token pattern"
                raise DocnlpError(
                    Errors.E002.format(path=path, where=where, problem=problem)
                )
        layers[layer] = rules
    context = frozenset(data.get("context_layers", layers))
    if unknown := context - layers.keys():
        problem = f"context_layers names unknown layer(s) {sorted(unknown)}"
        raise DocnlpError(
            Errors.E002.format(path=path, where="context_layers", problem=problem)
        )
    return layers, context


class Targets:
    """Finds the checklist's concepts, one rule layer at a time, into one span group.

    Phrases run through spaCy's PhraseMatcher on lower-cased tokens, token patterns
    through its Matcher, both compiled once. Regular-expression rules run over the
    text read once per doc (medspaCy's RegexMatcher rebuilds `doc.text` for every
    pattern, which took three quarters of the pipeline's time). The phrases of every
    layer share one PhraseMatcher, a single pass over the tokens. Overlapping
    matches are pruned, longest first, inside a layer only, so a region named
    inside a prior-study phrase ("prior CT of the chest") is kept as a region.
    """

    def __init__(self, nlp: Language, name: str, *, rules: str) -> None:
        self.name = name
        self.layers = []
        self._keys: dict[int, tuple[int, int, str, str]] = {}
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        layers, context = read_target_rules(rules)
        for i, (layer, layer_rules) in enumerate(layers.items()):
            regexes = [
                (rule, _scan(rule.regex))
                for rule in layer_rules
                if isinstance(rule, RegexRule)
            ]
            tokens = Matcher(nlp.vocab)
            keyed: dict[str, list] = {}
            for rule in layer_rules:
                if isinstance(rule, TokenRule) and rule.phrase is not None:
                    phrase = nlp.make_doc(rule.phrase)
                    keyed.setdefault(f"{i}|{rule.key}", []).append(phrase)
                elif isinstance(rule, TokenRule):
                    tokens.add(f"{i}|{rule.key}", [list(rule.pattern)])
            for key, docs in keyed.items():
                self._phrases.add(key, docs)
            self.layers.append(
                (regexes, [tokens] if len(tokens) else [], layer in context)
            )
        scans = [scan for regexes, _, _ in self.layers for _, scan in regexes]
        self._fragments = Fragments(
            (string for scan in scans for string in scan.strings),
            (word for scan in scans for word in scan.first_words),
        )

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        lower = text.lower()
        lowered = len(lower) == len(text)
        if not lowered:  # a few characters lower-case to two
            lower = text
        starts = doc.to_array(IDX).tolist()
        index = WordIndex(lower, lowered=lowered, fragments=self._fragments)
        # Which words the rules need occur, for every rule at once.
        present = index.found
        phrases = self._matched(doc, self._phrases)
        kept = []
        for i, (regexes, matchers, in_context) in enumerate(self.layers):
            found = phrases[i]
            for rule, scan in regexes:
                if scan.needs and not scan.can_match(
                    lower, lowered=lowered, found=present
                ):
                    continue
                for begin, end in _matches(scan, lower, rule.regex, index):
                    first, last = _token_bounds(starts, begin, end)
                    if last > first:
                        found.append(
                            (first, last, rule.rank, rule.category, rule.span_id)
                        )
            for matcher in matchers:
                found += self._matched(doc, matcher)[i]
            kept += [(*match, in_context) for match in _prune(found)]
        # Sorted before the spans are made (a stable sort, as the spans' was).
        kept.sort(key=_token_range)
        spans, contextual = [], []
        for first, last, _, label, span_id, in_context in kept:
            span = Span(doc, first, last, label=label, span_id=span_id)
            spans.append(span)
            if in_context:
                contextual.append(span)
        doc.spans[SPAN_GROUP] = spans
        doc.spans[CONTEXT_GROUP] = contextual
        return doc

    def _matched(self, doc: Doc, matcher) -> list[list[tuple]]:
        """A matcher's matches in each layer, as `(first, last, rank, category,
        span id)`."""
        layers: list[list[tuple]] = [[] for _ in self.layers]
        keys = self._keys
        for key, first, last in matcher(doc):
            layer, rank, category, span_id = keys.get(key) or self._rule_of(doc, key)
            layers[layer].append((first, last, rank, category, span_id))
        return layers

    def _rule_of(self, doc: Doc, key: int) -> tuple[int, int, str, str]:
        """The layer, rank, category and span id a matcher's key names, read
        once."""
        layer, rank, category, span_id = doc.vocab.strings[key].split("|", 3)
        rule = self._keys[key] = (int(layer), int(rank), category, span_id)
        return rule


def _token_range(match: tuple) -> tuple[int, int]:
    return match[0], match[1]


@Language.factory("docnlp_targets", default_config={"rules": "targets.json"})
def make_targets(nlp: Language, name: str, rules: str) -> Targets:
    """Create the target matcher of checklist concepts.

    Config:
        rules (str): Rule file, a name under docnlp/resources/ or a path.
            Default "targets.json".
    """
    return Targets(nlp, name, rules=rules)


def target_metadata(span: Span) -> dict[str, str]:
    """The metadata of the rule that matched a target ("region", "modality", ...).

    The metadata travels in the span's id: extension values are keyed by offsets
    alone, so two layers' spans at the same offsets could not hold their own.
    """
    if not span.id_:
        return {}
    return dict(item.split("=", 1) for item in span.id_.split(";"))


def split_phrases(pattern: str) -> tuple[list[str], str | None]:
    """Take the plain phrases out of a rule's regular expression.

    A rule written as `\\b(?:a|b c|follow[- ]?ups?|stent(?:s|ed)?)\\b` names a
    finite set of words. Those alternatives are spelled out and matched on tokens by
    spaCy's PhraseMatcher (a hash look-up per token) instead of being tried at every
    position of the text. What cannot be spelled out (`\\w*`, `\\d+`, look-arounds,
    long optional chains) stays a regular expression.

    Returns:
        The phrases, and the remaining pattern or None when nothing remains.
    """
    match = _WORD_GROUP.fullmatch(pattern)
    alternatives = _alternatives(match.group(1)) if match else None
    if alternatives is None:
        return [], pattern
    phrases, rest = [], []
    for alternative in alternatives:
        spelled = spell_out(alternative, _MAX_SPELLINGS)
        if spelled is None:
            rest.append(alternative)
        else:
            phrases.extend(p for p in spelled if p not in phrases)
    remaining = rf"\b(?:{'|'.join(rest)})\b" if rest else None
    return phrases, remaining


def spell_out(pattern: str, limit: int = 2048) -> list[str] | None:
    """Every phrase a word-bounded pattern matches, lower-cased, or None when it
    matches too many, infinitely many, or something that is not a plain phrase."""
    core = pattern.removeprefix(r"\b").removesuffix(r"\b")
    try:
        spelled = _spell_out(_parser.parse(core), limit)
    except re.error:
        return None
    words = [w for w in spelled or () if w.strip()]
    if spelled is None or not words or not all(_PLAIN.fullmatch(w) for w in words):
        return None
    return list(dict.fromkeys(w.lower() for w in words))


def _spell_out(items, limit: int) -> list[str] | None:
    """Every string a parsed regular expression matches, or None if there are too
    many or infinitely many."""
    spellings = [""]
    for op, arg in items:
        if op is _c.LITERAL:
            options = [chr(arg)]
        elif op is _c.IN:
            if any(kind is not _c.LITERAL for kind, _ in arg):
                return None
            options = [chr(code) for _, code in arg]
        elif op is _c.SUBPATTERN:
            options = _spell_out(arg[-1], limit)
        elif op is _c.BRANCH:
            options = []
            for branch in arg[1]:
                spelled = _spell_out(branch, limit)
                if spelled is None:
                    return None
                options.extend(spelled)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[:2] == (0, 1):
            inner = _spell_out(arg[2], limit)
            options = None if inner is None else ["", *inner]
        else:
            return None
        if options is None or len(spellings) * len(options) > limit:
            return None
        spellings = [head + tail for head in spellings for tail in options]
    return spellings


def _alternatives(body: str) -> list[str] | None:
    """Split a regex body at its top-level "|"; None if it is not one group."""
    parts, depth, current, i = [], 0, [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            current.append(body[i : i + 2])
            i += 2
            continue
        if char == "[":
            end = body.index("]", i + 1)
            current.append(body[i : end + 1])
            i = end + 1
            continue
        depth += char == "("
        depth -= char == ")"
        if depth < 0:
            return None
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def _encode(metadata: dict) -> str:
    return ";".join(
        f"{key}={value}"
        for key, value in metadata.items()
        if value is not None and value is not False
    )


def _compile_lower(pattern: str, path: str, where: str) -> re.Pattern:
    """Compile a pattern for the lower-cased text.

    A leading `\\b` is dropped and checked by `_matches` instead: with it, `re`
    tries the pattern at every position; without it, it jumps from one occurrence
    of the pattern's first letters to the next, often twenty times faster. One
    naming capitals keeps `re.IGNORECASE`.
    """
    compile_pattern(pattern, path=path, where=where)
    flags = re.IGNORECASE if _CAPITALS.search(pattern) else 0
    rest = pattern[2:]
    if (
        pattern.startswith(r"\b")
        and len(_alternatives(rest) or ()) == 1
        and _starts_with_letters(_parser.parse(rest))
    ):
        return _Bounded(re.compile(rest, flags))
    return re.compile(pattern, flags)


def _starts_with_letters(items) -> bool:
    """True when every way a parsed pattern can start is a fixed letter: `re` can
    then jump between occurrences of them (a class like `[a-z]{3,}` cannot)."""
    if not items:
        return False
    op, arg = items[0]
    if op is _c.LITERAL:
        return True
    if op is _c.IN:
        return all(kind is _c.LITERAL for kind, _ in arg)
    if op is _c.SUBPATTERN:
        return _starts_with_letters(arg[-1])
    if op is _c.BRANCH:
        return all(_starts_with_letters(branch) for branch in arg[1])
    return False


class _Bounded:
    """A compiled pattern whose matches must start at a word boundary."""

    def __init__(self, regex: re.Pattern) -> None:
        self.regex = regex
        self.pattern = r"\b" + regex.pattern


def _scan(regex: "re.Pattern | _Bounded") -> Scan:
    """The shortcuts for searching with a rule, worked out once per process."""
    if isinstance(regex, _Bounded):
        return plan(regex.regex, bounded=True)
    return plan(regex)


def _matches(
    scan: Scan, text: str, regex, index: WordIndex
) -> Iterator[tuple[int, int]]:
    """The spans a rule marks: the whole match, or its group "t" when it has one.

    The rule's words are not checked here: callers skip a rule whose
    `scan.can_match` is False.
    """
    keep = partial(_at_word_start, text) if isinstance(regex, _Bounded) else None
    marked = "t" in scan.regex.groupindex
    for match in scan.matches(text, index, keep=keep):
        begin, end = match.span("t") if marked else match.span()
        if end > begin:
            yield begin, end


def _at_word_start(text: str, match: re.Match) -> bool:
    """False when a match starts inside a word (the `\\b` a bounded rule lacks)."""
    begin = match.start()
    return not (begin > 0 and _is_word(text[begin - 1]) and _is_word(text[begin]))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _token_bounds(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The tokens a character span covers, widened to whole tokens."""
    return bisect_right(starts, start) - 1, bisect_left(starts, end)


def _prune(found: list[tuple]) -> list[tuple]:
    """Drop matches overlapping a longer one; of two as long, the rule listed first
    in the file wins, then the earlier match."""
    kept: list[tuple] = []
    taken: set[int] = set()
    for match in sorted(found, key=lambda m: (m[0] - m[1], m[2], m[0])):
        tokens = range(match[0], match[1])
        if taken.isdisjoint(tokens):
            kept.append(match)
            taken.update(tokens)
    return kept
