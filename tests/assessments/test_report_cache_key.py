"""The PDF cache key changes whenever anything the report shows changes."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.models import Assessment, Cycle, Evidence, Organisation
from assessments.reports import cache
from assessments.results.releases import peer_release_round
from assessments.results.targets import targets_set
from assessments.review.services import assessment_submit, assessment_validate
from frameworks.models import Domain
from tests.conftest import answer, answer_all

FULL = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}


def _key(assessment: Assessment, tlp: str = "AMBER", language: str = "en") -> str:
    assessment.refresh_from_db()
    return cache.report_key(cache.report_inputs(assessment, tlp=tlp, language=language))


@pytest.fixture
def draft(assessment, alice):
    answer_all(assessment, alice, FULL)
    return assessment


def test_the_key_is_stable_when_nothing_changes(draft):
    assert _key(draft) == _key(draft)


def test_an_answer_changes_the_key(draft, alice):
    before = _key(draft)
    answer(draft, alice, "GOV-01", "4")
    assert _key(draft) != before


def test_targets_change_the_key(draft, alice, framework):
    before = _key(draft)
    gov = Domain.objects.get(framework=framework, code="GOV")
    targets_set(assessment=draft, user=alice, levels={gov.pk: 5})
    assert _key(draft) != before


def test_inherited_targets_from_an_earlier_cycle_change_a_drafts_key(
    draft, alice, framework, org_a
):
    before = _key(draft)
    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    old = Assessment.objects.create(
        organisation=org_a, framework=framework, framework_key=framework.key, cycle=earlier
    )
    targets_set(
        assessment=old,
        user=alice,
        levels={Domain.objects.get(code="OPS", framework=framework).pk: 5},
    )
    assert _key(draft) != before


def test_evidence_changes_the_key(draft, alice):
    before = _key(draft)
    response = draft.responses.first()
    Evidence.objects.create(
        response=response,
        original_name="plan.pdf",
        stored_name="x" * 32,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=alice,
    )
    assert _key(draft) != before


def test_validation_changes_the_key(draft, alice, carol):
    before = _key(draft)
    assessment_submit(assessment=draft, user=alice)
    submitted = _key(draft)
    assessment_validate(assessment=draft, user=carol)
    assert len({before, submitted, _key(draft)}) == 3


def test_a_peer_release_changes_the_key(draft, framework, cycle):
    before = _key(draft)
    for i in range(5):
        org = Organisation.objects.create(name=f"P{i}", country="SN", region="Africa")
        Assessment.objects.create(
            organisation=org,
            framework=framework,
            framework_key=framework.key,
            cycle=cycle,
            status=Assessment.Status.VALIDATED,
            frozen_result={"scores": {"GOV": 10.0 * i, "OPS": 5.0 * i, "overall": 7.0 * i}},
        )
    peer_release_round(framework=framework, cycle=cycle)
    assert _key(draft) != before


def test_the_organisation_changes_the_key(draft, org_a):
    before = _key(draft)
    org_a.name = "Alpha Agency (renamed)"
    org_a.save()
    assert _key(draft) != before


def test_marking_and_language_change_the_key(draft):
    keys = {_key(draft), _key(draft, tlp="RED"), _key(draft, language="fr")}
    keys.add(_key(draft, language="fr+ar"))  # a bilingual report is another file
    assert len(keys) == 4


def test_the_report_templates_change_the_key(draft, monkeypatch):
    before = _key(draft)
    monkeypatch.setattr(cache, "template_fingerprint", lambda: "another template")
    assert _key(draft) != before


def test_an_earlier_validated_cycle_changes_a_drafts_key(draft, alice, carol, framework, org_a):
    before = _key(draft)
    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    old = Assessment.objects.create(
        organisation=org_a, framework=framework, framework_key=framework.key, cycle=earlier
    )
    answer_all(old, alice, FULL)
    assessment_submit(assessment=old, user=alice)
    assessment_validate(assessment=old, user=carol)
    assert _key(draft) != before


def test_template_fingerprint_covers_the_templates_and_css():
    cache.template_fingerprint.cache_clear()
    assert len(cache.template_fingerprint()) == 64
