"""Numbers an official can trust (issue 10): frozen validated results, integrity checks,
peer releases that survive an attacker, revision hygiene."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessments import peers
from assessments.models import Assessment, AuditEvent, Cycle, Organisation, PeerRelease, Response
from assessments.results.assemble import build_results, freeze
from assessments.results.releases import BudgetSpent, peer_release_round
from assessments.results.targets import targets_set
from assessments.review.services import assessment_submit, assessment_validate
from assessments.revisions import assessment_migrate
from assessments.services import AssessmentLocked, InvalidAnswer
from frameworks.models import Domain, Framework
from tests.conftest import FIXTURES, answer_all

FULL = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7", "OPS-03": "x"}


def _validated(assessment: Assessment, user, answers=FULL) -> Assessment:
    answer_all(assessment, user, answers)
    assessment_submit(assessment=assessment, user=user)
    return assessment_validate(assessment=assessment, user=user)


def _results_numbers(client, assessment: Assessment) -> dict:
    context = client.get(reverse("results", args=[assessment.pk])).context
    return {
        "overall": context["result"].overall_score,
        "rows": [(r.code, r.score, r.level, r.target, r.gap) for r in context["rows"]],
        "intact": context["intact"],
    }


# --- validated means frozen ---------------------------------------------------------------


def test_a_validated_result_does_not_change_when_targets_are_set_in_another_cycle(
    client, alice, assessment, framework, org_a
):
    _validated(assessment, alice)
    client.force_login(alice)
    before = _results_numbers(client, assessment)
    # A later cycle's coordinator sets targets; an earlier cycle's targets would be
    # inherited by a live recomputation.
    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    old = Assessment.objects.create(
        organisation=org_a, framework=framework, framework_key=framework.key, cycle=earlier
    )
    gov = Domain.objects.get(framework=framework, code="GOV")
    targets_set(assessment=old, user=alice, levels={gov.pk: 5})
    assert _results_numbers(client, assessment) == before


def test_targets_of_a_validated_assessment_cannot_be_set(alice, assessment, framework):
    _validated(assessment, alice)
    gov = Domain.objects.get(framework=framework, code="GOV")
    with pytest.raises(AssessmentLocked):
        targets_set(assessment=assessment, user=alice, levels={gov.pk: 5})
    assert not assessment.targets.exists()


def test_a_validated_result_does_not_change_when_the_framework_gets_a_new_revision(
    client, alice, assessment, tmp_path
):
    _validated(assessment, alice)
    client.force_login(alice)
    before = _results_numbers(client, assessment)
    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text())
    data["version"] = "2.0"
    data["domains"][0]["questions"][0]["weight"] = 9
    data["domains"][0]["target_level"] = 5
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("import_framework", str(path), stdout=open("/dev/null", "w"))
    assert Framework.objects.filter(key="mini").count() == 2
    assert _results_numbers(client, assessment) == before


def test_a_direct_database_edit_of_a_validated_answer_shows_an_integrity_warning(
    client, alice, assessment, caplog
):
    _validated(assessment, alice)
    client.force_login(alice)
    before = _results_numbers(client, assessment)
    Response.objects.filter(assessment=assessment, question__code="GOV-01").update(value="5")

    after = _results_numbers(client, assessment)
    html = client.get(reverse("results", args=[assessment.pk])).content.decode()

    assert after["intact"] is False
    assert {k: v for k, v in after.items() if k != "intact"} == {
        k: v for k, v in before.items() if k != "intact"
    }
    assert "Integrity warning." in html
    assert "no longer matches its answers fingerprint" in caplog.text


def test_the_pdf_of_a_tampered_assessment_carries_the_warning(alice, assessment):
    from assessments.reports.pdf import report_html

    validated = _validated(assessment, alice)
    assert "Integrity warning" not in report_html(validated, tlp="AMBER")
    Response.objects.filter(assessment=assessment, question__code="OPS-01").update(value="no")
    assert "Integrity warning" in report_html(validated, tlp="AMBER")


def test_verify_integrity_finds_a_tampered_validated_answer(alice, assessment, capsys):
    _validated(assessment, alice)
    call_command("verify_integrity")
    assert "1 validated assessment(s) checked, 0 mismatch(es)." in capsys.readouterr().out

    Response.objects.filter(assessment=assessment, question__code="OPS-02").update(value="99")
    with pytest.raises(CommandError) as exc:
        call_command("verify_integrity", "--json")
    assert exc.value.returncode == 1
    report = json.loads(capsys.readouterr().out)
    assert report["checked"] == 1
    assert [m["id"] for m in report["mismatches"]] == [assessment.pk]


def test_validating_below_the_completeness_threshold_needs_a_reason(alice, carol, assessment):
    answer_all(assessment, alice, {"GOV-01": "3", "GOV-02": "largely"})
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    assessment.refresh_from_db()
    with pytest.raises(InvalidAnswer, match="record why you validate it anyway"):
        assessment_validate(assessment=assessment, user=carol)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED

    done = assessment_validate(assessment=assessment, user=carol, reason="Agreed with the CERT.")
    assert done.frozen_result["validation_reason"] == "Agreed with the CERT."
    event = AuditEvent.objects.get(assessment=assessment, action="validated")
    assert event.detail["reason"] == "Agreed with the CERT."


def test_the_review_page_asks_for_the_reason_and_keeps_the_assessment_submitted(
    client, alice, carol, assessment
):
    answer_all(assessment, alice, {"GOV-01": "3"})
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    client.force_login(carol)
    r = client.post(reverse("review", args=[assessment.pk]), {"decision": "validate"})
    assert r.status_code == 200  # the form again, as for any decision that needs more
    assert "record why you validate it anyway" in r.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


# --- peer releases -------------------------------------------------------------------------


def _peers(framework, cycle, scores: list[float], *, region: str = "Africa") -> list[Assessment]:
    created = []
    for i, score in enumerate(scores):
        org = Organisation.objects.create(name=f"Peer {region} {i}", country="SN", region=region)
        created.append(
            Assessment.objects.create(
                organisation=org,
                framework=framework,
                framework_key=framework.key,
                cycle=cycle,
                status=Assessment.Status.VALIDATED,
                frozen_result={"scores": {"GOV": score, "OPS": score, "overall": score}},
            )
        )
    return created


def _peer_view(client, assessment: Assessment) -> tuple:
    """What the results page says about peers: released numbers and the position."""
    context = client.get(reverse("results", args=[assessment.pk])).context
    group = context["group"]
    return (
        group.status,
        tuple(sorted((c, s.q1, s.median, s.q3) for c, s in group.stats.items())),
        context["overall_position"],
        tuple(r.position for r in context["rows"]),
    )


def test_the_percentile_oracle_learns_nothing_beyond_the_release(
    client, bob, assessment, framework, cycle, peer_groups
):
    """The attack of issue 10: a respondent moves their own draft score with autosave and
    reads their position, bisecting to recover each peer's score. Now the page depends
    only on the stored release: two worlds whose peers' exact scores differ but whose
    release is the same show the attacker exactly the same thing at every probe."""
    peer_rows = _peers(framework, cycle, [12.0, 31.0, 47.0, 68.0, 83.0, 91.0])
    peer_release_round(framework=framework, cycle=cycle)
    client.force_login(bob)
    probes = [("1", "not"), ("2", "partial"), ("3", "largely"), ("5", "fully")]

    def attack() -> list[tuple]:
        seen = []
        for maturity, practice in probes:
            answer_all(
                assessment,
                bob,
                {"GOV-01": maturity, "GOV-02": practice, "OPS-01": "yes", "OPS-02": "7"},
            )
            seen.append(_peer_view(client, assessment))
        return seen

    world_one = attack()
    # The released numbers never move with the attacker's own answers.
    assert len({view[1] for view in world_one}) == 1
    # Another world: every peer's exact score differs, the release is the same.
    for i, peer in enumerate(peer_rows):
        shifted = 5.0 + 13.0 * i
        peer.frozen_result = {"scores": {"GOV": shifted, "OPS": shifted, "overall": shifted}}
        peer.save(update_fields=["frozen_result"])
    world_two = attack()
    assert world_two == world_one


def test_a_newly_validated_organisation_changes_nothing_shown_until_the_next_release(
    client, alice, assessment, framework, cycle, peer_groups
):
    _peers(framework, cycle, [20.0, 40.0, 50.0, 60.0, 80.0])
    peer_release_round(framework=framework, cycle=cycle)
    answer_all(assessment, alice, FULL)
    client.force_login(alice)
    before = _peer_view(client, assessment)
    _peers(framework, cycle, [99.0], region="Europe")  # the sixth organisation
    assert _peer_view(client, assessment) == before
    assert PeerRelease.objects.filter(round=2).count() == 0


def test_release_rounds_stop_when_the_cycle_budget_is_spent(framework, cycle, settings):
    settings.PEER_RELEASES_PER_CYCLE = 2
    _peers(framework, cycle, [20.0, 40.0, 50.0, 60.0, 80.0])
    peer_release_round(framework=framework, cycle=cycle)
    peer_release_round(framework=framework, cycle=cycle)
    with pytest.raises(BudgetSpent):
        peer_release_round(framework=framework, cycle=cycle)
    assert set(PeerRelease.objects.values_list("round", flat=True)) == {1, 2}


def test_every_released_statistic_has_the_documented_privacy_loss():
    for alpha in peers.QUANTILES:
        measurement = peers.quantile_measurement(alpha, 1.0)
        # One organisation added or removed: ε <= 1 (the OpenDP privacy map).
        assert measurement.map(1) <= 1.0 + 1e-9
    assert peers.release_epsilon(7, 1.0) == 21.0


def test_released_quartiles_are_noisy_so_k_and_k_plus_1_releases_do_not_subtract():
    five = [20.0, 40.0, 50.0, 60.0, 80.0]
    releases = {peers.private_quartiles(five, epsilon_per_statistic=1.0) for _ in range(30)}
    assert len(releases) > 1  # not a deterministic function of the data
    assert all(r.q1 <= r.median <= r.q3 for r in releases)
    assert all(0 <= r.q1 and r.q3 <= 100 for r in releases)


def test_small_groups_are_withheld_and_near_duplicate_groups_suppressed():
    rows = [
        peers.PeerRow(i, {"region": "Africa" if i < 6 else "Europe"}, {"overall": 10.0 * i})
        for i in range(8)
    ]
    released = {
        (g.attribute, g.value): g
        for g in peers.release_groups(
            rows, attributes=["region"], columns=["overall"], min_group=5, epsilon_per_statistic=1
        )
    }
    assert released[("", "")].status == peers.RELEASED
    # Africa has 6 of the 8: "all minus Africa" would single out 2 organisations.
    assert released[("region", "Africa")].status == peers.SUPPRESSED
    assert released[("region", "Europe")].status == peers.WITHHELD
    assert released[("region", "Africa")].stats == {}


def test_the_page_never_shows_a_group_size_minimum_or_maximum(
    client, alice, assessment, framework, cycle, peer_groups
):
    scores = [11.0, 23.0, 37.0, 52.0, 64.0, 79.0, 88.0]
    _peers(framework, cycle, scores)
    peer_release_round(framework=framework, cycle=cycle)
    answer_all(assessment, alice, FULL)
    client.force_login(alice)
    html = client.get(reverse("results", args=[assessment.pk])).content.decode()
    assert "7 peers" not in html and "n = 7" not in html
    text = re.sub(r"<[^>]+>", " ", html)
    for extreme in ("11.0", "88.0", "11,0", "88,0"):
        assert extreme not in text


# --- revisions ------------------------------------------------------------------------------


def test_peers_compare_within_one_revision_unless_declared_comparable(
    tmp_path, framework, cycle, peer_groups
):
    _peers(framework, cycle, [20.0, 40.0, 50.0, 60.0, 80.0])
    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text())
    data["version"] = "2.0"
    data["description"] = "Second edition."
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("import_framework", str(path), stdout=open("/dev/null", "w"))
    second = Framework.objects.get(key="mini", version="2.0")
    [everyone] = [r for r in peer_release_round(framework=second, cycle=cycle) if not r.attribute]
    assert everyone.status == PeerRelease.Status.WITHHELD  # the 1.0 peers do not count

    data["version"] = "2.1"
    data["scoring"]["comparable_with"] = ["1.0"]
    path.write_text(yaml.safe_dump(data))
    call_command("import_framework", str(path), stdout=open("/dev/null", "w"))
    third = Framework.objects.get(key="mini", version="2.1")
    [everyone] = [r for r in peer_release_round(framework=third, cycle=cycle) if not r.attribute]
    assert everyone.status == PeerRelease.Status.RELEASED


def test_migrate_assessment_moves_a_draft_to_a_newer_revision(
    tmp_path, alice, assessment, framework, capsys
):
    answer_all(assessment, alice, {"GOV-01": "3", "GOV-02": "largely", "OPS-02": "7"})
    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text())
    data["version"] = "1.1"
    gov = data["domains"][0]["questions"]
    gov[1]["allow_na"] = True
    staffing = data["domains"][1]["subdomains"][0]["questions"]
    staffing[1] = {"code": "OPS-04", "text": "A new question?", "kind": "yes_no"}
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(data))
    call_command("import_framework", str(path), stdout=open("/dev/null", "w"))

    call_command("migrate_assessment", assessment.pk, "--to-revision", "2", "--dry-run")
    out = capsys.readouterr().out
    assert "[dry run]" in out and "dropped OPS-02" in out and "needs an answer: OPS-04" in out
    assessment.refresh_from_db()
    assert assessment.framework.revision == 1

    call_command("migrate_assessment", assessment.pk, "--to-revision", "2")
    assessment.refresh_from_db()
    assert assessment.framework.revision == 2
    codes = set(
        Response.objects.filter(assessment=assessment).values_list("question__code", flat=True)
    )
    assert codes == {"GOV-01", "GOV-02"}
    assert all(
        q.framework_id == assessment.framework_id
        for q in [r.question for r in Response.objects.filter(assessment=assessment)]
    )
    assert AuditEvent.objects.filter(assessment=assessment, action="revision_changed").exists()


def test_a_validated_assessment_cannot_move_revision(tmp_path, alice, assessment):
    assessment = _validated(assessment, alice)
    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text())
    data["version"] = "1.1"
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump({**data, "description": "Edited."}))
    call_command("import_framework", str(path), stdout=open("/dev/null", "w"))
    second = Framework.objects.get(key="mini", version="1.1")
    with pytest.raises(AssessmentLocked):
        assessment_migrate(assessment=assessment, target=second)
    assessment.refresh_from_db()
    assert assessment.framework.version == "1.0"


def test_the_frozen_result_stores_targets_revision_and_trend(alice, assessment, framework):
    assessment = _validated(assessment, alice)
    frozen = assessment.frozen_result
    assert frozen["targets"] == {"GOV": 4, "OPS": 3}
    assert frozen["framework"]["revision"] == framework.revision
    assert frozen["framework"]["content_hash"] == framework.content_hash
    assert frozen["trend"] == []
    data = build_results(assessment)
    assert data.scores.frozen and data.intact
    assert freeze(assessment)[0] == assessment.answers_hash


def test_a_single_answer_changed_after_validation_is_caught(alice, assessment):
    assessment = _validated(assessment, alice)
    Response.objects.filter(assessment=assessment, question__code="GOV-02").update(
        moderated_value="fully"
    )
    assert build_results(assessment).intact is False
