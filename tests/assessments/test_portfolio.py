"""The portfolio heat map: organisations x domains, only those the user may see."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import AdvisorAssignment, Assessment, Organisation
from assessments.results.assemble import freeze
from assessments.services import assessment_start
from tests.conftest import answer_all, logged_in

ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


def _validate(assessment: Assessment, user) -> Assessment:
    answer_all(assessment, user, ANSWERS)
    assessment.status = Assessment.Status.VALIDATED
    assessment.frozen_result = freeze(assessment)[1]
    assessment.save()
    return assessment


def _url(assessment: Assessment, **extra: str) -> str:
    query = "&".join(
        f"{k}={v}" for k, v in {"framework": "mini", "cycle": assessment.cycle_id, **extra}.items()
    )
    return f"{reverse('portfolio')}?{query}"


def test_the_advisor_sees_validated_scores_of_the_portfolio(assessment, alice, carol) -> None:
    _validate(assessment, alice)

    page = logged_in(carol).get(_url(assessment)).content.decode()

    # GOV (2 * 0.5 + 1) / 3 = 66.67 -> "67"; OPS 75; overall (2 * 66.67 + 75) / 3 = 69.44 -> "69".
    assert "Alpha Agency" in page
    assert ">67<" in page and ">75<" in page and ">69<" in page


def test_a_draft_shows_its_status_and_no_scores(assessment, alice, carol) -> None:
    answer_all(assessment, alice, ANSWERS)

    page = logged_in(carol).get(_url(assessment)).content.decode()

    assert "Alpha Agency" in page and "Draft" in page
    assert ">67<" not in page


def test_an_outsider_sees_nothing_of_other_organisations(
    assessment, assessment_b, alice, charlie
) -> None:
    _validate(assessment, alice)

    client = logged_in(charlie)
    page = client.get(_url(assessment)).content.decode()
    exported = client.get(_url(assessment, format="csv")).content.decode("utf-8-sig")

    assert "Alpha Agency" not in page and "Alpha Agency" not in exported
    assert "Bravo CERT" in page


def test_the_official_sees_the_organisations_in_scope(assessment, alice, olivia) -> None:
    _validate(assessment, alice)

    assert "Alpha Agency" in logged_in(olivia).get(_url(assessment)).content.decode()


def test_the_exports_neutralise_formulas_and_keep_numbers(assessment, alice, carol, org_a) -> None:
    Organisation.objects.filter(pk=org_a.pk).update(name="=HYPERLINK(1)")
    _validate(assessment, alice)
    client = logged_in(carol)

    rows = list(
        csv.reader(
            io.StringIO(client.get(_url(assessment, format="csv")).content.decode("utf-8-sig"))
        )
    )
    book = load_workbook(io.BytesIO(client.get(_url(assessment, format="xlsx")).content))
    sheet = book["Portfolio"]

    assert rows[1][0] == "'=HYPERLINK(1)"
    assert sheet.cell(row=2, column=1).value == "'=HYPERLINK(1)"
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert sheet.cell(row=2, column=5).value == pytest.approx(200 / 3)  # GOV stays a number


def test_the_portfolio_costs_the_same_queries_for_more_organisations(
    framework, cycle, assessment, alice, carol
) -> None:
    _validate(assessment, alice)
    client = logged_in(carol)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(assessment)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(15):
        org = Organisation.objects.create(
            name=f"Peer {i}", country="KE", region="Africa", org_type="csirt"
        )
        AdvisorAssignment.objects.create(advisor=carol, organisation=org)
        _validate(
            assessment_start(organisation=org, framework=framework, cycle=cycle, user=alice), alice
        )
    assert count() == few


def test_the_portfolio_needs_a_login(client) -> None:
    response = client.get(reverse("portfolio"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_portfolio_pages_through_many_organisations(client, root, framework, cycle):
    from assessments.models import Assessment, Organisation

    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Paged {i:03d}", country="KE", region="Africa") for i in range(60)
    )
    Assessment.objects.bulk_create(
        Assessment(organisation=o, framework=framework, framework_key=framework.key, cycle=cycle)
        for o in orgs
    )
    client.force_login(root)
    url = f"/portfolio/?framework={framework.key}&cycle={cycle.pk}"
    first = client.get(url).content.decode()
    second = client.get(url + "&page=2").content.decode()
    assert "Paged 000" in first and "Paged 055" not in first
    assert "Paged 055" in second and "Page 2 of 2" in second


LOW = {**ANSWERS, "GOV-01": "1", "GOV-02": "not", "OPS-01": "no"}


def _validated(org, framework, cycle, user, answers: dict[str, str]) -> Assessment:
    from assessments.review.services import assessment_submit, assessment_validate

    a = assessment_start(organisation=org, framework=framework, cycle=cycle, user=user)
    answer_all(a, user, answers)
    assessment_submit(assessment=a, user=user)
    return assessment_validate(assessment=a, user=user)


def _order(html: str, names: list[str]) -> list[str]:
    body = html.split("<tbody>")[-1]
    return sorted((n for n in names if n in body), key=body.index)


def test_validation_keeps_the_overall_score_beside_the_frozen_record(
    framework, cycle, org_a, alice, root
) -> None:
    from assessments.models import Membership

    Membership.objects.filter(user=alice, organisation=org_a).update(role="coordinator")
    a = _validated(org_a, framework, cycle, alice, ANSWERS)

    a.refresh_from_db()
    assert a.overall_score == pytest.approx(a.frozen_result["scores"]["overall"])
    assert Assessment.objects.filter(overall_score__isnull=False).count() == 1


def test_the_portfolio_sorts_by_score_and_by_change_in_the_database(
    framework, cycle, alice, root, client
) -> None:
    import datetime as dt

    from assessments.models import Cycle, Membership

    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    orgs = {
        name: Organisation.objects.create(name=name, country="KE", region="Africa")
        for name in ("High", "Low", "Falling", "Unvalidated")
    }
    for org in orgs.values():
        Membership.objects.create(user=alice, organisation=org, role="coordinator")
    _validated(orgs["High"], framework, cycle, alice, {**ANSWERS, "GOV-01": "5", "OPS-02": "9"})
    _validated(orgs["Low"], framework, cycle, alice, LOW)
    _validated(orgs["Falling"], framework, earlier, alice, {**ANSWERS, "GOV-01": "5"})
    _validated(orgs["Falling"], framework, cycle, alice, {**ANSWERS, "GOV-01": "2"})
    _validated(orgs["Low"], framework, earlier, alice, LOW)
    assessment_start(organisation=orgs["Unvalidated"], framework=framework, cycle=cycle, user=alice)
    client.force_login(root)
    names = list(orgs)
    url = f"{reverse('portfolio')}?framework={framework.key}&cycle={cycle.pk}"

    by_name = _order(client.get(url).content.decode(), names)
    by_score = _order(client.get(url + "&sort=overall").content.decode(), names)
    by_change = _order(client.get(url + "&sort=change").content.decode(), names)

    assert by_name == ["Falling", "High", "Low", "Unvalidated"]
    assert by_score == ["Low", "Falling", "High", "Unvalidated"]  # lowest first, no score last
    # Falling lost points, Low stayed, High and Unvalidated have no earlier cycle.
    assert by_change[:2] == ["Falling", "Low"]
    assert set(by_change[2:]) == {"High", "Unvalidated"}
    falling = Assessment.objects.get(organisation=orgs["Falling"], cycle=cycle)
    csv_rows = list(csv.reader(io.StringIO(client.get(url + "&format=csv").content.decode())))
    assert [r[0] for r in csv_rows[1:]] == by_name
    assert float(csv_rows[1][-1]) == pytest.approx(falling.overall_score)
