"""Fixtures shared by the framework tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from frameworks.loader import LoadedFramework, collect_paths, load_file

DATA = Path(__file__).resolve().parents[2] / "frameworks" / "data"


@pytest.fixture(scope="session")
def shipped() -> dict[str, LoadedFramework]:
    """The shipped framework files by file name, parsed once: the YAML parser is slow."""
    return {path.name: load_file(path) for path in collect_paths([DATA])}
