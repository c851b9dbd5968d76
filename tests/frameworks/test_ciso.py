"""import_framework --from ciso-assistant: CISO Assistant libraries mapped onto our format.

The fixtures in tests/fixtures/ciso/ are written for these tests in the library format.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from assessments.results.assemble import compute_result
from assessments.services import assessment_start
from frameworks.ciso import LibraryError, map_library
from frameworks.dump import spec_of
from frameworks.models import Framework, Question
from frameworks.xlsx import read_workbook, write_workbook
from tests.conftest import FIXTURES, answer

CISO = FIXTURES / "ciso"


def _import(path: Path) -> str:
    out = io.StringIO()
    call_command("import_framework", "--from", "ciso-assistant", str(path), stdout=out, stderr=out)
    return out.getvalue()


def _mapped(name: str, change=None):
    data = yaml.safe_load((CISO / name).read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    return map_library(yaml.safe_dump(data, allow_unicode=True), name)


def _nodes(data: dict) -> list[dict]:
    return data["objects"]["framework"]["requirement_nodes"]


def test_five_scores_map_onto_the_maturity_scale(db):
    output = _import(CISO / "five-scores.yaml")
    assert "harbour-ops-1-0 rev. 1 created" in output
    assert "'EMPTY' has no assessable requirement; left out" in output
    framework = Framework.objects.get(key="harbour-ops-1-0")
    assert framework.version == "3"
    assert [s["name"] for s in framework.scale] == [
        "Absent",
        "Ad hoc",
        "Repeatable",
        "Managed",
        "Improving",
    ]
    assert framework.licence_notice == "(c) 2026 Test authors, CC0"
    assert "urn:test:risk:library:harbour-ops" in framework.licence_source
    assert "Test provider" in framework.licence_source
    assert framework.redistributable is False
    codes = {q.code: q for q in Question.objects.filter(framework=framework)}
    assert set(codes) == {"WATCH.LOGS-01", "WATCH.LOGS-02", "WATCH-03", "RECOVER"}
    assert {q.kind for q in codes.values()} == {"maturity"}
    logs = codes["WATCH.LOGS-01"]
    assert logs.level_descriptors[0] == "Absent: Nothing is done."
    assert logs.guidance == "Look at the retention settings."
    assert logs.section.code == "WATCH.LOGS"
    assert codes["WATCH.LOGS-02"].section.code == "WATCH.LOGS"  # deeper grouping flattened
    assert codes["WATCH-03"].section is None and codes["WATCH-03"].domain.code == "WATCH"
    assert codes["RECOVER"].domain.code == "RECOVER"
    assert codes["WATCH.LOGS-02"].tags == ["BASIC", "ADV"]
    assert [t["code"] for t in framework.tags] == ["BASIC", "ADV"]
    fr = framework.translations["fr"]
    assert fr["name"] == "Référentiel des opérations portuaires"
    assert fr["domains"]["WATCH"]["name"] == "Veille"
    assert fr["scale"]["1"]["name"] == "Absent"
    assert fr["questions"]["WATCH.LOGS-01"]["text"].startswith("Les systèmes des grues")


def test_questions_map_to_choice_option_yes_no_and_text(db):
    _import(CISO / "questions.yaml")
    framework = Framework.objects.get(key="supplier-check")
    codes = {q.code: q for q in Question.objects.filter(framework=framework)}
    certificate = codes["1.1.q1"]
    assert certificate.kind == "choice"
    assert certificate.level_descriptors == ["Yes", "In progress", "No"]
    assert certificate.thresholds == [
        {"min": 1.0, "score": 1.0},
        {"min": 2.0, "score": 0.5},
        {"min": 3.0, "score": 0.0},
    ]
    assert certificate.allow_na is True
    assert codes["1.1.q2"].kind == "text"
    assert [codes["1.2.1"].kind, codes["1.2.1"].weight] == ["yes_no", 3.0]
    assert codes["1.2.2"].text.endswith("Right to audit")
    assert codes["1.3"].kind == "option"
    assert codes["1.3"].level_descriptors == ["In the country", "Abroad"]
    assert framework.translations["fr"]["questions"]["1.1.q1"]["text"].startswith("Le fournisseur")


def test_an_imported_library_can_be_answered_and_scored(db, cycle, org_a, alice):
    _import(CISO / "questions.yaml")
    framework = Framework.objects.get(key="supplier-check")
    assessment = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=alice)
    answer(assessment, alice, "1.1.q1", "2")  # In progress: 0.5
    answer(assessment, alice, "1.2.1", "yes")  # weight 3: 1
    answer(assessment, alice, "1.2.2", "no")  # weight 1: 0
    answer(assessment, alice, "1.3", "1")  # not scored
    answer(assessment, alice, "1.1.q2", "Test body")
    result = compute_result(assessment).self_result
    # (1 x 0.5 + 3 x 1 + 1 x 0) / 5 = 0.7
    assert result.domains[0].score == pytest.approx(70.0)
    with pytest.raises(ValueError, match="Choose one of the listed answers"):
        answer(assessment, alice, "1.3", "maybe")


def test_five_score_answers_are_scored_on_the_maturity_scale(db, cycle, org_a, alice):
    _import(CISO / "five-scores.yaml")
    framework = Framework.objects.get(key="harbour-ops-1-0")
    assessment = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=alice)
    answer(assessment, alice, "RECOVER", "4")
    recover = next(d for d in compute_result(assessment).self_result.domains if d.code == "RECOVER")
    assert recover.score == pytest.approx(75.0)


def test_a_library_without_any_score_gets_practice_questions(db):
    def unscore(data):
        for node in _nodes(data):
            for q in (node.get("questions") or {}).values():
                for c in q.get("choices", []):
                    c.pop("add_score", None)

    spec = _mapped("questions.yaml", unscore).spec
    kinds = {q.code: q.kind for d in spec.domains for q in d.all_questions()}
    assert kinds["1.1"] == "practice" and kinds["1.1.q1"] == "option"
    assert kinds["1.2"] == "practice"


def test_other_score_counts_become_scored_choices(db):
    def four_scores(data):
        fw = data["objects"]["framework"]
        fw["scores_definition"] = fw["scores_definition"][1:]
        fw["min_score"] = 1

    spec = _mapped("five-scores.yaml", four_scores).spec
    q = spec.domains[0].subdomains[0].questions[0]
    assert q.kind == "choice"
    assert [t.score for t in q.thresholds] == pytest.approx([0, 1 / 3, 2 / 3, 1], abs=1e-5)
    assert spec.scale[0].name == "Initial"  # our own scale names


def test_an_imported_library_survives_the_excel_round_trip(db):
    _import(CISO / "questions.yaml")
    _import(CISO / "five-scores.yaml")
    for framework in Framework.objects.all():
        spec = spec_of(framework)
        assert read_workbook(write_workbook(spec)) == spec


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _nodes(d)[1]["questions"]["urn:test:req:sc:1.1:question:1"].update(
                type="date"
            ),
            "requirement node '1.1': question 'urn:test:req:sc:1.1:question:1' has type 'date'",
        ),
        (
            lambda d: _nodes(d)[1].update(parent_urn="urn:test:nowhere"),
            "requirement node '1.1': its parent_urn 'urn:test:nowhere' is not a node",
        ),
        (
            lambda d: _nodes(d)[1]["questions"]["urn:test:req:sc:1.1:question:1"]["choices"][0].pop(
                "add_score"
            ),
            "requirement node '1.1': question 'urn:test:req:sc:1.1:question:1': some choices",
        ),
        (
            lambda d: _nodes(d)[1].update(implementation_groups=["GOLD"]),
            "requirement node '1.1': implementation group 'GOLD' is not in",
        ),
        (
            lambda d: _nodes(d)[3]["questions"]["urn:test:req:sc:1.3:question:1"].update(
                choices=[{"urn": "x", "value": "Only"}]
            ),
            "requirement node '1.3': question 'urn:test:req:sc:1.3:question:1': a choice "
            "question needs at least two answers",
        ),
        (lambda d: d["objects"].pop("framework"), "no 'objects.framework'"),
    ],
)
def test_a_broken_library_is_refused_naming_the_node(db, tmp_path, change, message):
    data = yaml.safe_load((CISO / "questions.yaml").read_text(encoding="utf-8"))
    change(data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_framework", "--from", "ciso-assistant", str(bad), stderr=err)
    assert message in err.getvalue(), err.getvalue()
    assert not Framework.objects.exists()


def test_an_oversized_library_is_refused(db, settings, tmp_path):
    settings.FRAMEWORK_MAX_BYTES = 100
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_framework", "--from", "ciso-assistant", str(CISO / "questions.yaml"), stderr=err
        )
    assert "over the limit" in err.getvalue()


def test_a_native_file_is_not_a_library(db):
    with pytest.raises(LibraryError, match="no 'objects.framework'"):
        map_library((FIXTURES / "mini.yaml").read_text(encoding="utf-8"), "mini.yaml")
