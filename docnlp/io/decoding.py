"""Turning the bytes of a report file into text: encodings, and telling binary apart."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import DocnlpError, Errors

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings tried in order when a whole file has no byte-order mark.
FALLBACKS = ("utf-8", "cp1252")
# Bytes read from the start of a line-based file to choose its encoding.
SNIFF_BYTES = 64 * 1024
# Characters sampled from the start of a text to tell whether it is binary.
SAMPLE_CHARS = 8192
# Share of control characters (other than white space) above which text is binary.
CONTROL_SHARE = 0.05
# Control characters that text files legitimately hold.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
# What `surrogateescape` leaves for a byte no encoding could decode.
_ESCAPED = re.compile("[\udc80-\udcff]")


def decode_report(data: bytes, source: str) -> str:
    """Decode a whole report file.

    UTF-8 (a BOM is dropped), UTF-16 and UTF-32 by their BOM, then cp1252.

    Args:
        data: The file's bytes.
        source: The file, for messages.

    Returns:
        The text, without a byte-order mark; line endings are kept as they are.

    Raises:
        DocnlpError: The bytes look binary (E013) or decode in none of the
            encodings (E014).
    """
    encoding = bom_encoding(data)
    if encoding is None and b"\x00" in data:
        raise DocnlpError(Errors.E013.format(source=source))
    for candidate in (encoding,) if encoding else FALLBACKS:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if looks_binary(text):
            raise DocnlpError(Errors.E013.format(source=source))
        return text
    raise DocnlpError(Errors.E014.format(source=source))


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `data` names, if any."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_binary(text: str) -> bool:
    """True when text holds NUL characters or many other control characters."""
    sample = text[:SAMPLE_CHARS]
    if "\x00" in sample:
        return True
    controls = sum(
        1 for ch in sample if (ch < " " or ch == "\x7f") and ch not in _TEXT_CONTROLS
    )
    return controls > CONTROL_SHARE * max(len(sample), 1)


def iter_lines(stream: BinaryIO, source: str) -> Iterator[str]:
    """Decode a line-based file (JSONL, CSV) one line at a time.

    The encoding is chosen from the first bytes as `decode_report` does, then each
    line of a UTF-8 file that is not UTF-8 is read as cp1252. Bytes that decode in
    no encoding come out as escaped surrogates (see `undecodable`), so that the one
    report that holds them, not the whole file, is rejected.

    Args:
        stream: The file, opened in binary mode at its start.
        source: The file, for messages.

    Yields:
        Lines with their line endings as written.

    Raises:
        DocnlpError: The file looks binary (E013).
    """
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    encoding = bom_encoding(head)
    if encoding in ("utf-16", "utf-32"):
        # Wide encodings cannot be split at b"\n"; let the codec find the lines.
        text = io.TextIOWrapper(
            stream, encoding=encoding, errors="surrogateescape", newline=""
        )
        try:
            yield from text
        finally:
            text.detach()
        return
    if b"\x00" in head:
        raise DocnlpError(Errors.E013.format(source=source))
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        yield _decode_line(raw)


def undecodable(text: str) -> bool:
    """True when text holds bytes that `iter_lines` could not decode."""
    return _ESCAPED.search(text) is not None


def printable(value: str) -> str:
    """A value from a file (an id, a column name) safe to write and print."""
    return _ESCAPED.sub("\ufffd", value)


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="surrogateescape")
