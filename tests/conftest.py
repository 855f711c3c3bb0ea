"""Shared fixtures: the pipeline is built once per test session."""

from __future__ import annotations

import pytest
from spacy.language import Language
from typer.testing import CliRunner

import docnlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The shared docnlp pipeline (what `docnlp.load()` returns), built once."""
    return docnlp.load()


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    """A typer runner; stdout and stderr come back apart."""
    return CliRunner()
