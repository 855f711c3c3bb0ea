"""Dates of prior studies, as written in reports, normalised to ISO 8601."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from .components.scanning import finditer
from .rules import check_keys, compile_pattern, load_resource


@dataclass(frozen=True)
class DateMention:
    """A date found in text.

    Attributes:
        iso: "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None for a relative date.
        start: Offset of the mention in the searched text.
        end: End offset of the mention.
        text: The mention as written.
    """

    iso: str | None
    start: int
    end: int
    text: str


class DateReader:
    """Finds and normalises dates with the formats of a rule file."""

    def __init__(self, path: str = "dates.json") -> None:
        data = load_resource(path)
        check_keys(
            data,
            path=path,
            where="top level",
            required=["months", "formats", "relative", "two_digit_year_pivot"],
            optional=["description"],
        )
        self.months: dict[str, int] = data["months"]
        month = "|".join(sorted(self.months, key=len, reverse=True))
        self.formats = []
        for i, entry in enumerate(data["formats"]):
            check_keys(
                entry,
                path=path,
                where=f"formats[{i}]",
                required=["name", "pattern"],
                optional=["ambiguous"],
            )
            pattern = entry["pattern"].replace("MONTH", month)
            self.formats.append(
                (
                    compile_pattern(pattern, path=path, where=entry["name"]),
                    bool(entry.get("ambiguous")),
                )
            )
        self.relative = compile_pattern(data["relative"], path=path, where="relative")
        self.pivot = int(data["two_digit_year_pivot"])

    def day_first(self, text: str) -> bool:
        """True when the text's numeric dates are written day first."""
        for regex, ambiguous in self.formats:
            if ambiguous:
                for match in finditer(regex, text):
                    if int(match["a"]) > 12 and int(match["b"]) <= 12:
                        return True
        return False

    def find(self, text: str, *, day_first: bool = False) -> list[DateMention]:
        """All dates in a text, earliest first, none overlapping another.

        Args:
            text: The text to search.
            day_first: Read ambiguous numeric dates as day/month/year.

        Returns:
            Dates with a year as ISO strings; relative dates with `iso` None.
            Month and day without a year, and placeholders, are not dates.
        """
        taken: list[tuple[int, int]] = []
        found = []
        for regex, ambiguous in self.formats:
            for match in finditer(regex, text):
                span = match.span()
                if any(s < span[1] and span[0] < e for s, e in taken):
                    continue
                iso = self._iso(match, ambiguous, day_first)
                taken.append(span)
                if iso:
                    found.append(DateMention(iso, *span, match.group()))
        for match in finditer(self.relative, text):
            span = match.span()
            if not any(s < span[1] and span[0] < e for s, e in taken):
                found.append(DateMention(None, *span, match.group()))
        return sorted(found, key=lambda m: m.start)

    def _iso(self, match: re.Match, ambiguous: bool, day_first: bool) -> str | None:
        parts = match.groupdict()
        year = self._year(parts["y"])
        if ambiguous:
            first, second = int(parts["a"]), int(parts["b"])
            month, day = (second, first) if day_first or first > 12 else (first, second)
        else:
            mon = parts.get("mon")
            month = self.months[mon.lower()] if mon else parts.get("m")
            month = int(month) if month else None
            day = int(parts["d"]) if parts.get("d") else None
        if month is None:
            return f"{year:04d}"
        if not 1 <= month <= 12:
            return None
        if day is None:
            return f"{year:04d}-{month:02d}"
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:  # 02/30/2024 is not a date
            return None

    def _year(self, text: str) -> int:
        year = int(text)
        if len(text) == 2:
            year += 2000 if year < self.pivot else 1900
        return year


@cache
def date_reader() -> DateReader:
    """The packaged date reader, built once per process."""
    return DateReader()
