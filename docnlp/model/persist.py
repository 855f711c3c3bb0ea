"""Saving and loading the element model with skops, which runs no code on load.

skops refuses any type outside its own safe set unless the caller trusts it. docnlp
never trusts blindly: the types a file asks for are checked against `ALLOWED_TYPES`,
and a file asking for anything else is refused before it is read.

skops names the objects in a file by their memory addresses, and stamps the time on
each zip entry, so the same model saved twice gives different bytes. `model_bytes`
renumbers the objects in the order they appear, drops the address caches a model
keeps, and writes the entries with a fixed time, so that the same corpus and seed
give the same file and the same sha256.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import DocnlpError, Errors

# Types beyond skops' own safe set that an element model may hold; all are
# scikit-learn or docnlp classes with no code of their own run on load.
ALLOWED_TYPES = frozenset(
    {
        "docnlp.model.estimator.ElementSentenceClassifier",
        "docnlp.model.features.WordCharNgrams",
        "docnlp.model.features.WordNgrams",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.model_selection._split.GroupKFold",
    }
)
# The time written on every zip entry (the earliest a zip file can hold).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Attributes that cache an object's memory address, meaningful only in the process
# that saved them (scikit-learn's vectorizers re-check stop words when it differs).
_ADDRESS_CACHES = ("_stop_words_id",)
_SCHEMA = "schema.json"


def model_bytes(model: Any) -> bytes:
    """The model in skops format, the same bytes for the same fitted model.

    Args:
        model: A fitted estimator.

    Returns:
        The contents of a .skops file.
    """
    import skops.io as sio

    with zipfile.ZipFile(io.BytesIO(sio.dumps(model))) as source:
        schema = json.loads(source.read(_SCHEMA))
        renamed = _renumber(schema)
        files = {
            renamed.get(name, name): source.read(name)
            for name in source.namelist()
            if name != _SCHEMA
        }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        _write(target, _SCHEMA, json.dumps(schema, indent=2).encode("utf-8"))
        for name in sorted(files):
            _write(target, name, files[name])
    return buffer.getvalue()


def save_model(model: Any, path: Path) -> str:
    """Write the model to a .skops file.

    Args:
        model: A fitted estimator.
        path: The file to write.

    Returns:
        The sha256 of the file, in hex.
    """
    data = model_bytes(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def load_model(path: Path, *, allowed: Iterable[str] = ALLOWED_TYPES) -> Any:
    """Load a .skops model, trusting only the allowed types.

    Args:
        path: The .skops file.
        allowed: Fully qualified names of the types to trust beyond skops' own.

    Returns:
        The estimator.

    Raises:
        DocnlpError: The file cannot be read, or it holds a type not allowed.
    """
    import skops.io as sio

    try:
        data = path.read_bytes()
        untrusted = sio.get_untrusted_types(data=data)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as err:
        raise DocnlpError(Errors.E044.format(path=path, problem=err)) from None
    refused = sorted(set(untrusted) - set(allowed))
    if refused:
        raise DocnlpError(Errors.E043.format(path=path, types=", ".join(refused)))
    return sio.loads(data, trusted=untrusted)


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _renumber(schema: Any) -> dict[str, str]:
    # Number the objects and files in the order the schema names them. Numbers
    # start at 1: skops reads an id of 0 as none.
    numbers: dict[int, int] = {}
    files: dict[str, str] = {}

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        for key in _ADDRESS_CACHES:
            if isinstance(node.get(key), dict) and "content" in node[key]:
                node[key]["content"] = "null"
        if "__id__" in node:
            node["__id__"] = numbers.setdefault(node["__id__"], len(numbers) + 1)
        name = node.get("file")
        if isinstance(name, str):
            suffix = name.rpartition(".")[2]
            new = files.setdefault(name, f"{len(files) + 1}.{suffix}")
            node["file"] = new
        for value in node.values():
            visit(value)

    visit(schema)
    return files


def _write(target: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    target.writestr(info, data, compresslevel=9)
