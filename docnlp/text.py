"""Normalisation of report text, and the map from normalised offsets to the original.

Every substitution here replaces one character with one character, so a character
offset into the normalised text is the same offset into the original. That keeps the
offset map trivial and in one place: `NormalisedText.original_span` is the only way
spans leave the pipeline, and `tests/test_text.py` holds the invariant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Characters that dictation systems and word processors leave in reports, mapped to
# what the sentence and section rules expect. Each value is exactly one character.
_SUBSTITUTIONS = {
    "\t": " ",
    "\v": "\n",
    "\f": "\n",  # a page break between report pages
    "\u0085": "\n",  # next line, from EBCDIC and some HL7 converters
    "\u2028": "\n",  # line separator, from rich-text editors
    "\u2029": "\n",  # paragraph separator
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200b": " ",  # zero-width space
    "\ufeff": " ",  # byte-order mark left inside text
    "\u2022": "-",  # bullet
    "\u00b7": "-",  # middle dot used as a bullet
    "\u25aa": "-",
    "\u25cf": "-",
    "\u25e6": "-",
    "\u2023": "-",
    "\u2043": "-",
    "\uf0b7": "-",  # Symbol-font bullet from pasted Word documents
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus sign
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}
_TABLE = str.maketrans(_SUBSTITUTIONS)

# A carriage return ends a line: CRLF becomes " \n", a lone CR (old Mac files) "\n".
_CR_BEFORE_LF = re.compile(r"\r(?=\n)")
_LONE_CR = re.compile(r"\r")


# HTML left in text exported from an EHR or a FHIR narrative: tags of the elements
# reports are written with, and character entities. Each is blanked in place, a
# block-level tag to a line break, so offsets do not move and headings in <p>
# elements start their own lines.
_HTML_TAG = re.compile(
    r"</?(?:(?P<block>p|br|div|tr|li|h[1-6]|table|ul|ol|hr|pre|body|html|head|title)"
    r"|b|i|u|em|strong|span|font|td|th|thead|tbody|sup|sub)\b[^<>]{0,200}?/?>",
    re.IGNORECASE,
)
_HTML_ENTITY = re.compile(
    r"&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,5}|#x[0-9a-f]{1,4});", re.I
)
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}

# Where `doc_text` keeps a doc's text in `Doc.user_data`.
_TEXT_KEY = ("docnlp", "text")
# Where `sentences` keeps a doc's sentences.
_SENTS_KEY = ("docnlp", "sentences")


@dataclass(frozen=True)
class NormalisedText:
    """A report's text as the pipeline reads it, tied to the original.

    Attributes:
        original: The text exactly as it was received.
        text: The text the pipeline reads; the same length as `original`.
    """

    original: str
    text: str

    def original_span(self, start: int, end: int) -> tuple[int, int, str]:
        """Map a span of the normalised text back to the original.

        Args:
            start: Start character offset in `text`.
            end: End character offset in `text`.

        Returns:
            The start and end offsets in `original`, and the original's text there.
        """
        return start, end, self.original[start:end]


def normalise(text: str) -> NormalisedText:
    """Normalise line endings, white space, bullets and HTML markup without moving
    any offset.

    Args:
        text: The report as received.

    Returns:
        The normalised text together with the original.
    """
    clean = _CR_BEFORE_LF.sub(" ", text)
    clean = _LONE_CR.sub("\n", clean)
    clean = clean.translate(_TABLE)
    if "<" in clean:
        clean = _HTML_TAG.sub(_blank_tag, clean)
    if "&" in clean:
        clean = _HTML_ENTITY.sub(_blank_entity, clean)
    return NormalisedText(original=text, text=clean)


def _blank_tag(match: re.Match) -> str:
    size = match.end() - match.start()
    return ("\n" + " " * (size - 1)) if match.group("block") else " " * size


def _blank_entity(match: re.Match) -> str:
    name = match.group()[1:-1].lower()
    if name.startswith("#x"):
        char = chr(int(name[2:], 16))
    elif name.startswith("#"):
        char = chr(int(name[1:]))
    else:
        char = _ENTITIES.get(name, " ")
    if len(char) != 1 or not char.isprintable():
        char = " "
    return char.translate(_TABLE) + " " * (match.end() - match.start() - 1)


def make_doc(nlp: Language, text: str) -> Doc:
    """Tokenize a text and keep it for `doc_text`.

    spaCy's tokenizer keeps every character, so `doc.text == text`; keeping the
    string saves rebuilding it from the tokens, which costs a quarter of the
    tokenizer's own time.
    """
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT_KEY] = text
    return doc


def sentences(doc: Doc) -> list:
    """A doc's sentences, made once: `Doc.sents` builds every Span again on each
    pass. For components that run after `docnlp_sentences`, which alone sets
    sentence starts."""
    found = doc.user_data.get(_SENTS_KEY)
    if found is None:
        found = doc.user_data[_SENTS_KEY] = list(doc.sents)
    return found


def doc_text(doc: Doc) -> str:
    """A doc's text, built once: `Doc.text` joins every token on each call."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text
