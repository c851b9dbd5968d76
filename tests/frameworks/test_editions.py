"""What second-edition framework files may carry: a defined practice scale, numeric
thresholds per country size, and translations whose coverage the importer reports."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from pydantic import ValidationError

from frameworks.coverage import coverage, missing_texts
from frameworks.schema import FrameworkFile
from tests.conftest import FIXTURES

SCALE = {
    "not": {"label": "Not implemented", "criteria": "Nothing observable exists."},
    "partial": {"label": "Partially implemented", "criteria": "Some parts exist."},
    "largely": {"label": "Largely implemented", "criteria": "Most of it, with records."},
    "fully": {"label": "Fully implemented", "criteria": "All of it, reviewed."},
}


def _mini() -> dict:
    return yaml.safe_load((FIXTURES / "mini.yaml").read_text())


def test_a_practice_scale_needs_all_four_points():
    data = {**_mini(), "practice_scale": {k: v for k, v in SCALE.items() if k != "fully"}}
    with pytest.raises(ValidationError, match="define all four points"):
        FrameworkFile.model_validate(data)
    FrameworkFile.model_validate({**_mini(), "practice_scale": SCALE})


def test_thresholds_by_band_are_only_for_numeric_questions_and_must_increase():
    data = _mini()
    staffing = data["domains"][1]["subdomains"][0]["questions"]
    staffing[1]["thresholds_by_band"] = {"small": [{"min": 0, "score": 0}, {"min": 2, "score": 1}]}
    FrameworkFile.model_validate(data)
    staffing[1]["thresholds_by_band"]["large"] = [{"min": 5, "score": 0}, {"min": 5, "score": 1}]
    with pytest.raises(ValidationError, match="thresholds_by_band.large"):
        FrameworkFile.model_validate(data)
    staffing[0]["thresholds_by_band"] = {"small": [{"min": 0, "score": 0}]}
    del staffing[1]["thresholds_by_band"]
    with pytest.raises(ValidationError, match="only for 'numeric'"):
        FrameworkFile.model_validate(data)


def test_a_small_country_is_scored_on_its_own_thresholds(db, tmp_path):
    from assessments.results.definition import framework_def
    from frameworks.models import Framework

    data = _mini()
    staffing = data["domains"][1]["subdomains"][0]["questions"]
    staffing[1]["thresholds_by_band"] = {"small": [{"min": 0, "score": 0}, {"min": 2, "score": 1}]}
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("import_framework", str(path), stdout=open("/dev/null", "w"))
    framework = Framework.objects.get(key="mini")
    small = {q.code: q for q in framework_def(framework, "small").questions}
    medium = {q.code: q for q in framework_def(framework, "medium").questions}
    assert small["OPS-02"].thresholds == ((0, 0), (2, 1))
    assert medium["OPS-02"].thresholds == ((0, 0), (5, 0.5), (10, 1))


def test_coverage_counts_every_text_a_reader_sees():
    data = _mini()
    spec = FrameworkFile.model_validate(data)
    assert coverage(spec) == {}
    data["translations"] = {
        "fr": {"name": "Mini cadre", "questions": {"GOV-01": {"text": "Stratégie ?"}}}
    }
    spec = FrameworkFile.model_validate(data)
    done, total = coverage(spec)["fr"]
    assert done == 2
    assert total > 20
    missing = missing_texts(spec, "fr")
    assert "questions.GOV-01.text" not in missing
    assert "questions.GOV-01.levels.3" in missing
    assert "domains.OPS.A.name" in missing  # codes with dots are read whole


def test_the_importer_reports_translation_coverage(db, tmp_path, capsys):
    data = _mini()
    data["translations"] = {"fr": {"name": "Mini cadre"}}
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("import_framework", str(path))
    assert "translations: fr " in capsys.readouterr().out
