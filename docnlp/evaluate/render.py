"""Plain-text tables of evaluation figures, naming reports only by id and offsets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .scoring import NO_RESULT, STATUSES

# Rows of the per-element figure table: (label, key path into a variant's figures).
_FIGURES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "": (
        ("status agreement", ("agreement",)),
        ("present precision", ("present", "precision")),
        ("present recall", ("present", "recall")),
        ("present F1", ("present", "f1")),
    ),
    "comparison": (
        ("none_available agreement", ("none_available",)),
        ("prior date precision", ("prior_dates", "precision")),
        ("prior date recall", ("prior_dates", "recall")),
        ("prior date F1", ("prior_dates", "f1")),
        ("prior modality precision", ("prior_modalities", "precision")),
        ("prior modality recall", ("prior_modalities", "recall")),
        ("prior modality F1", ("prior_modalities", "f1")),
    ),
    "scanned_region": (
        ("region precision", ("regions", "precision")),
        ("region recall", ("regions", "recall")),
        ("region F1", ("regions", "f1")),
    ),
}
# Width of a figure with its interval: "0.811 [0.733, 0.889]".
_CELL = 22
_LABEL = 26


def gold_text(data: dict[str, Any], *, errors: bool = False) -> str:
    """The gold evaluation as text: a summary, then figures per element.

    Args:
        data: What `evaluate_gold` returned.
        errors: Whether to list every disagreement.

    Returns:
        The text, ending in a newline.
    """
    lines = [f"Gold: {data['reports']} reports from {', '.join(data['gold'])}"]
    lines += _lost(data["without_result"], "have no result")
    lines += _lost(data["failed"], "failed to be checked (counted as error)")
    lines += [_BOOTSTRAP_NOTE, "", *_summary(data["elements"])]
    for name, variants in data["elements"].items():
        lines += ["", *_element(name, variants)]
    if errors:
        lines += ["", f"Disagreements ({len(data['errors'])}):"]
        lines += [_gold_error(e) for e in data["errors"]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def indiana_text(data: dict[str, Any], *, errors: bool = False) -> str:
    """The Indiana evaluation as text: label counts, figures, tables by category.

    Args:
        data: What `evaluate_indiana` returned.
        errors: Whether to list every disagreement.

    Returns:
        The text, ending in a newline.
    """
    lines = [
        f"Indiana chest X-ray labels: {data['reports']} reports from {data['csv']}"
    ]
    for field, counts in data["labels"].items():
        lines.append(
            f"  {field} field: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
    lines += _lost(data["failed"], "failed to be checked (counted as error)")
    lines += [
        _BOOTSTRAP_NOTE,
        "",
        f"{'check':16}{'n':>6}  {'agreement':{_CELL}}{'P':>7}{'R':>7}{'F1':>7}"
        f"{'silent':>8}",
    ]
    for name, check in data["checks"].items():
        pos = check["positive"]
        lines.append(
            f"{name:16}{check['n']:6d}  {_estimate(check['agreement'])}"
            + "".join(f"{_value(pos[k]):>7}" for k in ("precision", "recall", "f1"))
            + f"{check.get('silent', 0):8d}"
        )
    if any(check.get("silent") for check in data["checks"].values()):
        lines.append(
            "silent: reports whose field is empty, so it labels nothing; "
            "they are in the tables below, not in the figures."
        )
    for name, check in data["checks"].items():
        lines += [
            "",
            f"{name}: label category (rows) by docnlp (columns)",
            *_table(check["table"]),
        ]
    if errors:
        lines += ["", f"Disagreements ({len(data['errors'])}):"]
        lines += [_indiana_error(e) for e in data["errors"]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


_BOOTSTRAP_NOTE = (
    "Intervals: 95% percentile bootstrap over reports (see --resamples, --seed)."
)


def _lost(keys: list[str], what: str) -> list[str]:
    return [f"{len(keys)} reports {what}, e.g. {keys[0]}"] if keys else []


def _summary(elements: dict[str, Any]) -> list[str]:
    head = f"{'':22}{'all reports':^37}{'without borderline':^37}"
    cols = f"{'element':22}" + f"{'n':>4} {'agreement':{_CELL}}{'F1 present':>10}" * 2
    lines = [head, cols]
    for name, variants in elements.items():
        row = f"{name:22}"
        for v in variants.values():
            row += (
                f"{v['n']:4d} {_estimate(v['agreement'])}"
                f"{_value(v['present']['f1']):>10}"
            )
        lines.append(row)
    return lines


def _element(name: str, variants: dict[str, Any]) -> list[str]:
    every, trimmed = variants["all"], variants["without_borderline"]
    head = f"all (n={every['n']})"
    lines = [
        name,
        f"  {'':{_LABEL}}{head:{_CELL + 2}}without borderline (n={trimmed['n']})",
    ]
    for label, path in (*_FIGURES[""], *_FIGURES.get(name, ())):
        lines.append(
            f"  {label:{_LABEL}}{_estimate(_get(every, path))}  "
            f"{_estimate(_get(trimmed, path))}"
        )
    for title, variant in (("all", every), ("without borderline", trimmed)):
        lines += [
            f"  confusion, {title} (rows gold, columns docnlp):",
            *("  " + row for row in _table(variant["confusion"])),
        ]
    return lines


def _table(table: dict[str, dict[str, int]]) -> list[str]:
    columns = [
        c
        for c in (*STATUSES, "true", "false", NO_RESULT)
        if any(c in row for row in table.values())
    ]
    columns += sorted({c for row in table.values() for c in row} - set(columns))
    lines = [f"  {'':16}" + "".join(f"{c:>9}" for c in columns)]
    for name, row in table.items():
        lines.append(f"  {name:16}" + "".join(f"{row.get(c, 0):9d}" for c in columns))
    return lines


def _gold_error(e: dict[str, Any]) -> str:
    if e["field"] == "prior_dates":
        what = f"expected {e['expected']}, got {e['got']}, {e['matched']} matching"
    else:
        what = f"expected {_show(e['expected'])}, got {_show(e['got'])}"
    mark = " [borderline]" if e["borderline"] else ""
    return (
        f"  {e['id']}  {e['element']}.{e['field']}: {what}{mark}"
        f"  evidence: {_spans(e['evidence'])}"
    )


def _indiana_error(e: dict[str, Any]) -> str:
    label = e["category"] + (f" ({e['rule']})" if e.get("rule") else "")
    field = f"  comparison={e['comparison']!r}" if "comparison" in e else ""
    return (
        f"  {e['id']}  {e['check']}: {label}, expected {e['expected']}, "
        f"got {e['got']}{field}  evidence: {_spans(e['evidence'])}"
    )


def _spans(spans: Iterable[dict[str, Any]]) -> str:
    shown = [
        f"{s['section'] + ' ' if s.get('section') else ''}{s['start']}-{s['end']}"
        for s in spans
    ]
    return ", ".join(shown) or "none"


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _get(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path:
        data = data[key]
    return data


def _estimate(est: dict[str, float | None]) -> str:
    if est["value"] is None:
        return f"{'n/a':{_CELL}}"
    return f"{est['value']:.3f} [{est['low']:.3f}, {est['high']:.3f}]".ljust(_CELL)


def _value(est: dict[str, float | None]) -> str:
    return "n/a" if est["value"] is None else f"{est['value']:.3f}"
