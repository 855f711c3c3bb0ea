"""A model's folder: the .skops file, its card, and the hash that ties them."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import DocnlpError, Errors
from .persist import file_sha256, load_model

# The file names inside a model's folder.
MODEL_FILE = "model.skops"
CARD_JSON = "card.json"
CARD_MARKDOWN = "MODEL_CARD.md"
# The model docnlp ships, a folder under docnlp/models/.
DEFAULT_MODEL = "element-sentences"


def model_dir(model: str | Path) -> Path:
    """Where a model's folder is.

    Args:
        model: A folder name under docnlp/models/ (the package's own models), or a
            path to a folder.

    Returns:
        The folder; it may not exist.
    """
    path = Path(model)
    if path.is_absolute() or len(path.parts) > 1:
        return path
    return Path(str(files("docnlp").joinpath("models", str(model))))


def read_card(directory: Path) -> dict[str, Any]:
    """A model folder's card.json.

    Raises:
        DocnlpError: The card is missing or is not a JSON object.
    """
    path = directory / CARD_JSON
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DocnlpError(Errors.E044.format(path=path, problem=err)) from None
    if not isinstance(card, dict) or not isinstance(card.get("sha256"), str):
        raise DocnlpError(Errors.E044.format(path=path, problem="no 'sha256' field"))
    return card


def load_element_model(directory: Path) -> tuple[Any, dict[str, Any]]:
    """Load a model folder's estimator after checking its hash against the card.

    Args:
        directory: A folder holding model.skops and card.json.

    Returns:
        The estimator and the card.

    Raises:
        DocnlpError: The card is missing, the file's sha256 differs from the card's,
            or the file holds types docnlp does not trust.
    """
    card = read_card(directory)
    path = directory / card.get("file", MODEL_FILE)
    try:
        got = file_sha256(path)
    except OSError as err:
        raise DocnlpError(Errors.E044.format(path=path, problem=err)) from None
    if got != card["sha256"]:
        raise DocnlpError(
            Errors.E040.format(
                path=path, got=got, card=directory / CARD_JSON, expected=card["sha256"]
            )
        )
    return load_model(path), card


def write_card(directory: Path, card: dict[str, Any]) -> None:
    """Write card.json and MODEL_CARD.md into a model folder."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(card, indent=2, ensure_ascii=False) + "\n"
    (directory / CARD_JSON).write_text(text, encoding="utf-8")
    (directory / CARD_MARKDOWN).write_text(card_markdown(card), encoding="utf-8")


def card_markdown(card: dict[str, Any]) -> str:
    """The card for people: what the model is, what it learned from, how it scores."""
    data = card["training_data"]
    gold = data["gold_files"]
    cv = card["cross_validation"]
    lines = [
        f"# Model card: {card['name']} {card['version']}",
        "",
        card["description"],
        "",
        "| | |",
        "| --- | --- |",
        f"| file | `{card['file']}` |",
        f"| sha256 | `{card['sha256']}` |",
        f"| trained | {card['date']} with docnlp {card['docnlp_version']}, "
        f"seed {card['seed']} |",
        f"| libraries | {_join(card['libraries'])} |",
        f"| training data | {data['reports']} reports, {data['sentences']} sentences "
        f"from `{data['corpus']}` ({', '.join(f['path'] for f in gold)}) |",
        f"| features | {_join(card['features'])} |",
        f"| enabled for | {', '.join(card['enabled_elements']) or 'no element'} |",
        "",
        "## Labels",
        "",
        data["labels"],
        "",
        "Positive sentences per element: " + _join(data["positive_sentences"]) + ".",
        "",
        f"## Cross-validated figures ({cv['folds']} folds grouped by report, "
        f"seed {cv['seed']})",
        "",
        cv["note"],
        "",
        "Sentences (threshold 0.5):",
        "",
        "| element | precision | recall | F1 | average precision | Brier |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, m in cv["sentence"].items():
        lines.append(
            f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['average_precision']:.3f} | {m['brier']:.4f} |"
        )
    lines += [
        "",
        "Reports: status agreement with the gold of the held-out reports; "
        "rules + model enables the model for every element.",
        "",
        "| element | rules only | model only | rules + model |",
        "| --- | --- | --- | --- |",
    ]
    for name, m in cv["report"].items():
        lines.append(
            f"| {name} | {m['rules']:.3f} | {m['model_only']:.3f} "
            f"| {m['rules_and_model']:.3f} |"
        )
    lines += ["", "## Use and limits", "", card["limits"], ""]
    return "\n".join(lines)


def _join(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in values.items())
