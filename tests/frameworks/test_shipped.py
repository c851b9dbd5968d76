"""The frameworks shipped in `frameworks/data/` are valid, substantial and licensed."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from frameworks.loader import LoadedFramework
from frameworks.models import Domain, Framework, Question
from frameworks.schema import FrameworkFile
from frameworks.schema import Question as QuestionSpec
from tests.frameworks.conftest import DATA

SHIPPED = {
    "cybersecurity-capacity.yaml": "cybersecurity-capacity",
    "incident-response.yaml": "incident-response",
    "national-strategy.yaml": "national-strategy",
}


def _questions(spec: FrameworkFile) -> list[QuestionSpec]:
    return [q for domain in spec.domains for q in domain.all_questions()]


def test_it_ships_the_three_frameworks(shipped: dict[str, LoadedFramework]) -> None:
    assert {name: item.spec.id for name, item in shipped.items()} == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_framework_is_substantial(
    shipped: dict[str, LoadedFramework], name: str
) -> None:
    spec = shipped[name].spec
    kinds = {q.kind for q in _questions(spec)}

    assert len(spec.domains) >= 5
    assert len(_questions(spec)) >= 30
    assert {"maturity", "practice"} <= kinds


@pytest.mark.parametrize("name", SHIPPED)
def test_every_scored_question_has_guidance_and_an_evidence_hint(
    shipped: dict[str, LoadedFramework], name: str
) -> None:
    scored = [q for q in _questions(shipped[name].spec) if q.kind != "text"]

    assert [q.code for q in scored if not q.guidance.strip()] == []
    assert [q.code for q in scored if not q.evidence_hint.strip()] == []


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_framework_has_a_licence_block(
    shipped: dict[str, LoadedFramework], name: str
) -> None:
    licence = shipped[name].spec.licence

    assert licence.notice.strip()
    assert licence.source.strip()
    assert licence.redistributable is True
    assert "licence:" in (DATA / name).read_text(encoding="utf-8")


def test_the_shipped_frameworks_use_both_scoring_methods(
    shipped: dict[str, LoadedFramework],
) -> None:
    methods = [item.spec.scoring.method for item in shipped.values()]

    assert "gated" in methods
    assert "average" in methods


@pytest.mark.django_db
def test_importing_the_folder_twice_changes_nothing_the_second_time() -> None:
    first = StringIO()
    call_command("import_framework", str(DATA), stdout=first)
    counts = (Framework.objects.count(), Domain.objects.count(), Question.objects.count())
    second = StringIO()
    call_command("import_framework", str(DATA), stdout=second)

    assert "3 framework(s) checked, 3 changed." in first.getvalue()
    assert "3 framework(s) checked, 0 changed." in second.getvalue()
    assert second.getvalue().count(" rev. 1 unchanged") == 3
    assert counts[0] == 3
    assert (Framework.objects.count(), Domain.objects.count(), Question.objects.count()) == counts


def test_the_first_editions_stay_importable_beside_the_current_ones(db):
    from django.core.management import call_command

    from frameworks.models import Framework

    root = Path(__file__).resolve().parents[2] / "frameworks"
    call_command("import_framework", str(root / "first-edition"), stdout=open("/dev/null", "w"))
    call_command("import_framework", str(root / "data"), stdout=open("/dev/null", "w"))
    for key in ("national-strategy", "cybersecurity-capacity", "incident-response"):
        versions = list(
            Framework.objects.filter(key=key).order_by("revision").values_list("version", flat=True)
        )
        assert versions[0] == "1.0"
