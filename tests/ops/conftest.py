from __future__ import annotations

import pytest

ANSWERS = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}


@pytest.fixture(autouse=True)
def _own_file_roots(settings, tmp_path) -> None:
    # Test databases reuse primary keys: no test may see another one's files.
    settings.REPORT_CACHE_ROOT = tmp_path / "reports"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def emails(cast):
    """Give the cast e-mail addresses."""
    for name, user in cast.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return cast
