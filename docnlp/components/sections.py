"""The `docnlp_sections` component: radiology section headings and their extent."""

import re
import string
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..rules import check_keys, compile_pattern, read_json
from ..text import doc_text
from .scanning import first_chars

# Section before the first heading: title lines and any opening narrative.
PREAMBLE = "preamble"

# Where a heading may start: the start of the text or of a line (and list marks or
# spaces there), or after the end of a sentence.
_LINE_MARKS = re.compile(r"[ \-*]*")
_LINE_START = re.compile(rf"\n{_LINE_MARKS.pattern}")
# A full stop or semicolon and spaces, a run of spaces or tabs, or the pipe between
# fields exported on one line ("EXAM|CT chest|HISTORY|...") sets off a heading too
# ("CT chest  INDICATION: TB"). Every option opens with one literal character:
# `re` then jumps between those characters instead of trying every position.
_SENTENCE_START = re.compile(r"\.[ ]+|;[ ]+|[ ][ ]+|\t\t*|\|[ ]*")
# A colon, or a spaced dash, closes an inline heading ("IMPRESSION - stable"); so
# does a pipe in fields exported pipe-separated ("INDICATION|Follow-up nodule|").
_CLOSE = r"[ ]*(?:\([^)\n]{0,30}\)[ ]*)?(?::|[ ]-[ ]|\.\.+|\|)"
# A colon, perhaps after a parenthesis, closes a subheading ("LIVER (limited):").
_SUB_CLOSE = r"[ ]*(?:\([^)\n]{0,30}\)[ ]*)?:"
# Capitals opening a line before lower-case text: a heading without a colon,
# perhaps misspelled ("IMPRESSON active ileitis").
_CAPITALS = re.compile(r"(?P<head>[A-Z][A-Z ]{3,20}?)[ ]+(?=[a-z0-9])")
# Lines opening with lower-case headings of this many categories make a layout.
_LOWER_LAYOUT = 3
# Any short run of words closed by a colon at the start of a line: a candidate for a
# misspelled or unknown heading.
_CANDIDATE = re.compile(r"(?P<head>[A-Za-z][A-Za-z /&']{1,38}?)[ ]*:")
# Headings whose category each rule set remembers: reports repeat a few dozen, and
# the misspelled-heading candidates a few hundred.
_REMEMBERED = 4096
# A blank line, or a line of spaces, that ends a short section.
_BLANK_LINE = re.compile(r"\n[ ]*\n\s*")
# A placeholder a template left unfilled: "[ ]", "***", "___", "<<prior>>". Not
# "XXXX": de-identified reports put it where a name or date was, so something
# was written there.
_PLACEHOLDER = re.compile(
    r"^[\s.:;,\-]*(?:\[[^\]\n]{0,40}\]|<<[^>\n]{0,40}>>|\*{2,}|_{2,}|\?{2,}|"
    r"n/?a)?[\s.:;,\-]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Section:
    """One section of a report.

    Attributes:
        category: The normalised category ("comparison", "findings", ...).
        title: The heading as written, or "" for the preamble.
        start: Offset where the heading starts.
        body_start: Offset where the section's text starts, after the heading.
        end: Offset where the section ends (the next heading or the end of text).
        subheading: True for an organ or level heading inside findings.
    """

    category: str
    title: str
    start: int
    body_start: int
    end: int
    subheading: bool = False

    def body(self, text: str) -> str:
        """The section's text without its heading."""
        return text[self.body_start : self.end]

    def is_empty(self, text: str) -> bool:
        """True when the section documents nothing: blank, or an unfilled template."""
        return _PLACEHOLDER.match(self.body(text)) is not None


class HeadingPattern:
    """Heading words and what must follow them, matched where a heading may start.

    `re` tries the options of an alternation one by one, and under IGNORECASE it
    cannot skip an option by its first letter: a match of the ~150 headings cost
    microseconds. When every heading opens with an ASCII letter, the headings are
    also compiled in groups by that letter, each group in the order of the full
    alternation, and a match at an ASCII letter tries only its group. Headings of
    other groups cannot match there, so the first option that matches is the same.

    Args:
        patterns: The headings' regular expressions, matched in any case.
        after: The regular expression that must follow a heading's words.
    """

    def __init__(self, patterns: list[str], after: str) -> None:
        # Longest first: "clinical history" before "clinical" (`rules.alternation`).
        ordered = sorted(set(patterns), key=len, reverse=True)
        self.regex = _heading_regex(ordered, after)
        self._by_letter: dict[str, re.Pattern[str] | None] = {}
        initials = [_initial_letters(pattern) for pattern in ordered]
        if None in initials:
            return  # every match tries every heading
        for letter in string.ascii_lowercase:
            group = [
                pattern
                for pattern, letters in zip(ordered, initials, strict=True)
                if letter in letters
            ]
            regex = _heading_regex(group, after) if group else None
            self._by_letter[letter] = self._by_letter[letter.upper()] = regex

    def match(self, text: str, pos: int) -> re.Match[str] | None:
        """Match a heading at `pos`, as `re.Pattern.match` does."""
        # Another character (a digit, "ſ", the Kelvin sign) tries every heading.
        regex = self._by_letter.get(text[pos : pos + 1], self.regex)
        return None if regex is None else regex.match(text, pos)


class SectionRules:
    """Heading patterns compiled once from a rule file."""

    def __init__(self, path: str = "sections.json") -> None:
        data = read_json(path)
        check_keys(
            data,
            path=path,
            where="top level",
            required=["headings", "subheadings", "fuzzy", "resolve", "first_paragraph"],
            optional=["description"],
        )
        self.resolve: dict[str, dict[str, str]] = {
            k: v for k, v in data["resolve"].items() if k != "description"
        }
        short = check_keys(
            data["first_paragraph"],
            path=path,
            where="first_paragraph",
            required=["categories", "rest"],
            optional=["description", "one_line", "rest_after"],
        )
        self.short: frozenset[str] = frozenset(short["categories"])
        self.one_line: frozenset[str] = frozenset(short.get("one_line", ()))
        self.rest_after: dict[str, str] = dict(short.get("rest_after", {}))
        self.rest: str = short["rest"]
        self.categories: dict[str, str] = {}
        inline, bare = [], []
        for i, entry in enumerate(data["headings"]):
            where = f"headings[{i}]"
            check_keys(
                entry,
                path=path,
                where=where,
                required=["category", "patterns"],
                optional=["bare"],
            )
            for pattern in entry["patterns"]:
                compile_pattern(pattern, path=path, where=where)
                inline.append(pattern)
                self.categories[pattern] = entry["category"]
                if entry.get("bare"):
                    bare.append(pattern)
        sub = check_keys(
            data["subheadings"],
            path=path,
            where="subheadings",
            required=["parent", "patterns"],
            optional=["description"],
        )
        self.sub_parent: str = sub["parent"]
        fuzzy = check_keys(
            data["fuzzy"],
            path=path,
            where="fuzzy",
            required=["min_length", "max_distance", "words"],
        )
        self.fuzzy_words: dict[str, str] = dict(fuzzy["words"])
        self.fuzzy_min: int = int(fuzzy["min_length"])
        self.fuzzy_distance: int = int(fuzzy["max_distance"])

        self._exact = [
            (p, compile_pattern(rf"(?:{p})\Z", path=path, where=p))
            for p in sorted(inline, key=len, reverse=True)
        ]
        # Each pattern is tried only where a heading can start (`_starts`), with
        # `match`: scanning every position with these alternations was slow.
        self.inline = HeadingPattern(inline, _CLOSE)
        self.own_line = HeadingPattern(inline, r"[ ]*:?[ ]*(?=\n|\Z)")
        self.bare = HeadingPattern(bare, r"(?=[ ]+\S)")
        self.sub = HeadingPattern(sub["patterns"], _SUB_CLOSE)
        self._fuzzy_initials = {word[0] for word in self.fuzzy_words}
        # Every heading starts with a letter: other starts need no matching.
        self.letters_only = all(
            _initial_letters(pattern) is not None
            for pattern in [*inline, *bare, *sub["patterns"]]
        )
        self._category_of = lru_cache(_REMEMBERED)(self._category)
        self._fuzzy_category_of = lru_cache(_REMEMBERED)(self._fuzzy_category)

    def category_of(self, heading: str) -> str | None:
        """The category of a heading's words, or None."""
        return self._category_of(heading)

    def fuzzy_category(self, heading: str) -> str | None:
        """The category of a misspelled heading ("IMPRESSON", "COMPARISION")."""
        return self._fuzzy_category_of(heading)

    def _category(self, heading: str) -> str | None:
        words = " ".join(heading.split())
        for pattern, regex in self._exact:
            if regex.match(words):
                return self.categories[pattern]
        return None

    def _fuzzy_category(self, heading: str) -> str | None:
        words = " ".join(heading.lower().split())
        # Dictation misspells the middle of a word, not its first letter.
        if len(words) < self.fuzzy_min or words[0] not in self._fuzzy_initials:
            return None
        best = None
        for word, category in self.fuzzy_words.items():
            limit = self.fuzzy_distance if len(word) >= 8 else 1
            distance = _edit_distance(words, word, limit)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, category)
        return best[1] if best else None


class Sectionizer:
    """Finds headings and splits a report into sections.

    A section ends at the next heading, never at a blank line: compact and
    one-paragraph reports have none. Headings are recognised in any case, inline
    with a colon ("Comparison: CT 1/2/24."), alone on their line with or without a
    colon, in capitals at the start of a line without a colon, abbreviated ("HX",
    "Imp") or misspelled within a small edit distance.
    """

    def __init__(self, nlp: Language, name: str, *, rules: str) -> None:
        self.name = name
        self.rules = SectionRules(rules)
        if not Doc.has_extension("docnlp_sections"):
            Doc.set_extension("docnlp_sections", default=None)

    def __call__(self, doc: Doc) -> Doc:
        doc._.docnlp_sections = self.find(doc_text(doc))
        return doc

    def find(self, text: str) -> list[Section]:
        """Split a text into sections.

        Args:
            text: The normalised report text.

        Returns:
            The sections in order, the preamble first when there is text before the
            first heading.
        """
        heads = self._headings(text)
        sections = []
        if not heads or text[: heads[0][0]].strip():
            first = heads[0][0] if heads else len(text)
            sections.append(Section(PREAMBLE, "", 0, 0, first))
        for i, (start, body_start, category, title, sub) in enumerate(heads):
            end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
            category = self._resolve(category, heads[i + 1 :])
            line_end = _field_line_end(text, body_start, end)
            if category in self.rules.one_line and line_end is not None:
                sections.append(Section(category, title, start, body_start, line_end))
                sections.append(Section(self.rules.rest, "", line_end, line_end, end))
                continue
            if category in self.rules.short:
                blank = _BLANK_LINE.search(text, body_start, end)
                if (
                    blank
                    and text[body_start : blank.start()].strip()
                    and text[blank.end() : end].strip()
                ):
                    sections.append(
                        Section(category, title, start, body_start, blank.start())
                    )
                    rest = self.rules.rest_after.get(category, self.rules.rest)
                    sections.append(Section(rest, "", blank.end(), blank.end(), end))
                    continue
            sections.append(Section(category, title, start, body_start, end, sub))
        return sections

    def _resolve(self, category: str, following: list) -> str:
        rule = self.rules.resolve.get(category)
        if rule is None:
            return category
        if any(head[2] in rule["followed_by"] for head in following):
            return rule["then"]
        return rule["otherwise"]

    def _headings(self, text: str) -> list[tuple[int, int, str, str, bool]]:
        rules = self.rules
        found: dict[int, tuple[int, int, str, str, bool]] = {}

        def add(
            match: re.Match | None, category: str | None, sub: bool = False
        ) -> None:
            if match is None or not category:
                return
            start = match.start("head")
            if start not in found:
                found[start] = (start, match.end(), category, match["head"], sub)

        lower_bare: list[tuple[re.Match, str]] = []
        for start, line_start in _starts(text):
            if rules.letters_only and not text[start : start + 1].isalpha():
                continue  # a letter of another alphabet may match: isalpha is wider
            head = rules.inline.match(text, start)
            if head:
                add(head, rules.category_of(head["head"]))
            if not line_start:
                continue
            # Every pattern's heading starts at `start`, and the first found there
            # stays: a later one is matched only while none is.
            if start not in found and (head := rules.own_line.match(text, start)):
                add(head, rules.category_of(head["head"]))
            # Matched even so: lower-case ones count towards a layout.
            head = rules.bare.match(text, start)
            if head and (category := rules.category_of(head["head"])):
                if head["head"].isupper():
                    add(head, category)
                else:
                    lower_bare.append((head, category))
            if start not in found:
                add(rules.sub.match(text, start), rules.sub_parent, sub=True)
            if start not in found:
                head = _CANDIDATE.match(text, start) or _CAPITALS.match(text, start)
                if head:
                    add(head, rules.fuzzy_category(head["head"]))
        # Headings in lower case without colons ("findings stable nodule") only in
        # a report laid out in them: several lines open with different ones.
        if len({category for _, category in lower_bare}) >= _LOWER_LAYOUT:
            for head, category in lower_bare:
                add(head, category)
        heads = sorted(found.values())
        # A heading inside another's span (a word of a longer heading) is dropped.
        kept: list[tuple[int, int, str, str, bool]] = []
        for head in heads:
            if kept and head[0] < kept[-1][1]:
                continue
            kept.append(head)
        return kept


def _field_line_end(text: str, body_start: int, end: int) -> int | None:
    """Where a field filled in on its heading's line ends, when unlabelled sentences
    follow on the next lines ("Comparison: 12/01/2024." then "Lungs clear."): the
    line ends in a full stop and the next starts a new sentence."""
    line_end = text.find("\n", body_start, end)
    if line_end < 0:
        return None
    value = text[body_start:line_end].rstrip()
    rest = text[line_end:end].lstrip()
    if not value.strip() or not value.endswith(".") or not rest[:1].isupper():
        return None
    return line_end + 1


def _starts(text: str) -> list[tuple[int, bool]]:
    """Offsets where a heading may start, each marked True when a line starts
    there."""
    starts = {_LINE_MARKS.match(text).end(): True}
    starts.update((match.end(), True) for match in _LINE_START.finditer(text))
    for match in _SENTENCE_START.finditer(text):
        starts.setdefault(match.end(), False)
    return sorted(starts.items())


def _heading_regex(ordered: list[str], after: str) -> re.Pattern[str]:
    """The headings as one alternation, named `head`, followed by `after`."""
    return re.compile(rf"(?P<head>(?:{'|'.join(ordered)})\b){after}", re.IGNORECASE)


def _is_ascii_letter(char: str) -> bool:
    return len(char) == 1 and char.isascii() and char.isalpha()


def _initial_letters(pattern: str) -> set[str] | None:
    """The lower-case ASCII letters one of which opens every match of a pattern,
    or None when some match may open with another character."""
    chars = first_chars(pattern)
    if chars is None or not all(map(_is_ascii_letter, chars)):
        return None
    return {char.lower() for char in chars}


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The section that holds a character offset."""
    starts = [s.start for s in sections]
    i = bisect_right(starts, offset) - 1
    return sections[i] if i >= 0 else None


@Language.factory(
    "docnlp_sections",
    default_config={"rules": "sections.json"},
)
def make_sections(nlp: Language, name: str, rules: str) -> Sectionizer:
    """Create the radiology sectionizer.

    Config:
        rules (str): Rule file, a name under docnlp/resources/ or a path.
            Default "sections.json".
    """
    return Sectionizer(nlp, name, rules=rules)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
