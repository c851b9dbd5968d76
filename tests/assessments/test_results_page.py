"""The results page: scores, charts, provisional banner, constant queries, k-anonymity."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Cycle, Organisation, Response
from assessments.results.assemble import freeze
from assessments.results.releases import peer_release_round
from tests.conftest import answer_all

MAX_QUERIES = 40
ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


def _url(assessment: Assessment) -> str:
    return reverse("results", args=[assessment.pk])


def _peer_name(i: int) -> str:
    return f"Peer Ministry Number {i:03d}"


@pytest.fixture
def frozen(framework, cycle, alice) -> dict:
    """A validated assessment's frozen result, computed the real way, to copy onto peers."""
    org = Organisation.objects.create(name="Template Org", country="GH", region="Africa")
    a = Assessment.objects.create(
        organisation=org, framework=framework, framework_key=framework.key, cycle=cycle
    )
    answer_all(a, alice, {"GOV-01": "2", "GOV-02": "partial", "OPS-01": "no", "OPS-02": "4"})
    result = freeze(a)[1]
    Response.objects.filter(assessment=a).delete()
    AuditEvent.objects.filter(assessment=a).delete()  # audit rows are protected
    a.delete()
    org.delete()
    return result


def add_peers(
    framework, cycle, frozen: dict, n: int, *, start: int = 0, region: str = "Africa"
) -> None:
    """`n` validated peer assessments with spread-out frozen scores, in a few queries."""
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=_peer_name(i),
            country="SN",
            region=region,
            org_type=Organisation.Type.MINISTRY,
        )
        for i in range(start, start + n)
    )
    assessments = []
    for i, org in enumerate(orgs, start=start):
        scores = {
            "GOV": float(5 + (i * 37) % 90),
            "OPS": float(10 + (i * 53) % 85),
            "overall": float(8 + (i * 41) % 88),
        }
        assessments.append(
            Assessment(
                organisation=org,
                framework=framework,
                framework_key=framework.key,
                cycle=cycle,
                status=Assessment.Status.VALIDATED,
                frozen_result={**frozen, "scores": scores},
                answers_hash="0" * 64,
            )
        )
    Assessment.objects.bulk_create(assessments)


def release(framework, cycle) -> None:
    """Publish a round of peer statistics, as the administrator does."""
    peer_release_round(framework=framework, cycle=cycle)


@pytest.fixture
def answered(assessment, alice) -> Assessment:
    answer_all(assessment, alice, ANSWERS)
    return assessment


def test_the_page_shows_the_overall_score_domains_and_an_accessible_chart(client, alice, answered):
    client.force_login(alice)
    r = client.get(_url(answered))
    assert r.status_code == 200
    html = r.content.decode()
    assert r.context["result"].overall_score == pytest.approx(69.444, abs=1e-3)
    assert re.search(r'<div class="display-6">69<span', html)
    for name in ("Governance", "Operations"):
        assert f'<th scope="row" class="fw-normal">{name}</th>' in html
    assert "<svg" in html
    svgs = re.findall(r"<svg[^>]*>", html)
    assert svgs and all('role="img"' in tag for tag in svgs)
    assert "<title" in html


def test_a_draft_shows_the_provisional_banner(client, bob, answered):
    client.force_login(bob)
    html = client.get(_url(answered)).content.decode()
    assert "Provisional." in html


def test_a_validated_assessment_has_no_provisional_banner(client, alice, answered):
    answered.status = Assessment.Status.VALIDATED
    answered.frozen_result = freeze(answered)[1]
    answered.save()
    client.force_login(alice)
    html = client.get(_url(answered)).content.decode()
    assert "Provisional." not in html


def test_an_empty_draft_renders_without_scores(client, alice, assessment):
    client.force_login(alice)
    r = client.get(_url(assessment))
    assert r.status_code == 200
    assert r.context["result"].overall_score is None


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "olivia", "root"])
def test_the_organisation_its_advisor_official_and_admin_can_see_it(client, cast, answered, who):
    client.force_login(cast[who])
    assert client.get(_url(answered)).status_code == 200


def test_an_outsider_gets_404(client, charlie, answered):
    client.force_login(charlie)
    assert client.get(_url(answered)).status_code == 404


def test_the_number_of_queries_does_not_depend_on_the_number_of_peers(
    client, alice, answered, framework, cycle, frozen, peer_groups, django_assert_max_num_queries
):
    client.force_login(alice)
    add_peers(framework, cycle, frozen, 10)
    release(framework, cycle)
    client.get(_url(answered))  # warm caches (session, framework definition)
    with CaptureQueriesContext(connection) as ten:
        r = client.get(_url(answered))
    assert not r.context["group"].withheld and r.context["group"].round == 1
    add_peers(framework, cycle, frozen, 190, start=10)
    release(framework, cycle)
    with django_assert_max_num_queries(MAX_QUERIES):
        with CaptureQueriesContext(connection) as two_hundred:
            r = client.get(_url(answered))
    assert r.status_code == 200
    assert not r.context["group"].withheld and r.context["group"].round == 2
    assert len(two_hundred) == len(ten), [q["sql"] for q in two_hundred.captured_queries]


def test_peer_statistics_are_withheld_below_k(
    client, alice, answered, framework, cycle, frozen, settings
):
    settings.PEER_MIN_GROUP = 5
    add_peers(framework, cycle, frozen, 4)
    release(framework, cycle)
    client.force_login(alice)
    r = client.get(_url(answered))
    html = r.content.decode()
    assert r.context["group"].withheld
    assert r.context["overall_position"] is None
    assert all(row.position is None and row.median is None for row in r.context["rows"])
    assert "statistics are withheld" in html
    assert "they need at least 5 validated assessments" in html
    assert "quarter" not in html
    assert "Released peer median" not in html


def test_peer_statistics_are_shown_from_k(
    client, alice, answered, framework, cycle, frozen, settings
):
    settings.PEER_MIN_GROUP = 5
    add_peers(framework, cycle, frozen, 5)
    release(framework, cycle)
    client.force_login(alice)
    r = client.get(_url(answered))
    html = r.content.decode()
    assert not r.context["group"].withheld
    assert r.context["overall_position"] in (1, 2, 3, 4)
    assert r.context["overall_position_label"] in html
    assert "Released peer median" in html
    assert "statistics are withheld" not in html
    assert "5 peers" not in html  # no exact group size


def test_k_applies_to_each_peer_group(
    client, alice, answered, framework, cycle, frozen, settings, peer_groups
):
    settings.PEER_MIN_GROUP = 5
    add_peers(framework, cycle, frozen, 3, region="Africa")
    add_peers(framework, cycle, frozen, 3, start=3, region="Europe")
    release(framework, cycle)
    client.force_login(alice)
    everyone = client.get(_url(answered), {"group": "all"})
    assert not everyone.context["group"].withheld
    assert everyone.context["overall_position"] is not None
    region = client.get(_url(answered), {"group": "region"})
    assert region.context["group"].withheld
    assert region.context["overall_position"] is None


def test_only_validated_peers_of_the_same_framework_and_cycle_count(
    client, alice, answered, framework, cycle, frozen, settings
):
    settings.PEER_MIN_GROUP = 5
    add_peers(framework, cycle, frozen, 4)
    other_cycle = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    add_peers(framework, other_cycle, frozen, 5, start=100)
    release(framework, cycle)
    release(framework, other_cycle)
    draft_org = Organisation.objects.create(name="Draft Org", country="KE", region="Africa")
    Assessment.objects.create(
        organisation=draft_org, framework=framework, framework_key=framework.key, cycle=cycle
    )
    client.force_login(alice)
    r = client.get(_url(answered))
    assert r.context["group"].withheld


def test_no_peer_organisation_name_appears(
    client, alice, answered, framework, cycle, frozen, settings, peer_groups
):
    settings.PEER_MIN_GROUP = 5
    add_peers(framework, cycle, frozen, 12)
    release(framework, cycle)
    client.force_login(alice)
    for group in ("all", "region"):
        html = client.get(_url(answered), {"group": group}).content.decode()
        assert "Peer Ministry" not in html
        assert "Alpha Agency" in html  # the organisation's own name is there
