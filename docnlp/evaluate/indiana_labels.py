"""The label rules for the Indiana chest X-ray CSV, kept in one place.

The CSV has no gold annotations, but two of its fields are labels of a kind:

- `comparison` names a prior study, says there is none, or is empty. Its category:
  "none" when a NONE_LIKE rule matches; "empty" when it has no letter or digit;
  "prior_redacted" when it is only de-identification placeholders ("XXXX, XXXX.",
  a prior's date blanked out); "prior" otherwise. "prior" and "prior_redacted"
  expect the comparison element `present`; "none" expects it not `present` and
  `none_available` set. "empty" is silent: the field neither names a prior nor
  says there is none (and the findings of many such reports do compare with one),
  so it is scored for neither.
- `indication` is filled or empty. Its category: "empty" when it has no letter or
  digit; "redacted" when it is only placeholders ("XXXX."); "filled" otherwise.
  Both "filled" and "redacted" expect `reason_for_followup` not `missing`.

The rules were written from the distinct values of the copy described in
/work/shared/corpora/iu-openi-cxr/SOURCE.md; change them here and nowhere else.
"""

from __future__ import annotations

import re

# The de-identification placeholder that replaced names and dates in the source.
PLACEHOLDER = "XXXX"

# (rule name, pattern): a comparison value matching any of these, searched
# case-insensitively in the stripped value, says no prior study exists or is
# available. The name is what --errors prints as the rule that labelled a report.
NONE_LIKE: tuple[tuple[str, str], ...] = (
    # "None", "None.", "None available.", "Nones", and "None" followed by text of
    # the next field run in ("None. Clinical", "None Indication ...").
    ("starts-none", r"^(?:the\s+)?nones?\b"),
    # "No comparison chest x-XXXX.", "No comparisons are available", "No prior".
    ("starts-no-comparison", r"^no\s+(?:comparisons?|priors?)\b"),
    ("unavailable", r"^unavailable\b"),
    # An exam title run in before the value: "Radiograph Chest PA and Lateral None."
    ("ends-none", r"\bnone\W*$"),
    # A prior that exists but could not be compared: "Images from chest x-XXXX
    # performed on XXXX are not available at this time for comparison."
    ("not-available-for-comparison", r"\bnot available\b.*\bfor comparison\b"),
)

# A value with no letter or digit ("", ".") is empty.
_EMPTY = re.compile(r"^[\W_]*$")
# A value made only of placeholders, punctuation and white space.
_REDACTED = re.compile(rf"^(?:{PLACEHOLDER}|[\W_])*$")
_NONE_LIKE = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in NONE_LIKE)


def comparison_label(value: str) -> tuple[str, str | None]:
    """The category of a `comparison` value and the rule that decided it.

    Args:
        value: The field as the CSV holds it.

    Returns:
        ("none" | "empty" | "prior_redacted" | "prior", the NONE_LIKE rule name
        when one matched, else None).
    """
    value = value.strip()
    if _EMPTY.match(value):
        return "empty", None
    for name, pattern in _NONE_LIKE:
        if pattern.search(value):
            return "none", name
    if _REDACTED.match(value):
        return "prior_redacted", None
    return "prior", None


def indication_label(value: str) -> str:
    """The category of an `indication` value: "empty", "redacted" or "filled"."""
    value = value.strip()
    if _EMPTY.match(value):
        return "empty"
    return "redacted" if _REDACTED.match(value) else "filled"


def expects_prior(category: str) -> bool:
    """Whether a comparison category expects the comparison element `present`."""
    return category in ("prior", "prior_redacted")
