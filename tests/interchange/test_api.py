"""The read-only JSON API: every endpoint, every role, tokens, constant queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Cycle, Organisation
from assessments.review.services import assessment_submit, assessment_validate
from assessments.services import assessment_start
from interchange.models import ApiToken, token_digest
from interchange.tokens import token_create, token_revoke
from tests.conftest import answer, answer_all, logged_in

ANSWERS = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}
SEE_A = ["alice", "bob", "carol", "olivia", "root"]


def bearer(user) -> Client:
    _token, text = token_create(user=user, name="script", days=30)
    return Client(headers={"Authorization": f"Bearer {text}"})


def get(client: Client, path: str, **params: object):
    return client.get(f"/api/v1{path}", params)


@pytest.fixture
def data(cast, assessment, assessment_b, alice, carol):
    answer_all(assessment, alice, ANSWERS)
    answer(assessment, alice, "OPS-03", "secret of A")
    return {"a": assessment, "b": assessment_b}


def endpoints(data) -> list[str]:
    a = data["a"]
    return [
        f"/assessments/{a.pk}",
        f"/assessments/{a.pk}/answers",
        f"/assessments/{a.pk}/peers",
        f"/organisations/{a.organisation_id}/assessments",
    ]


@pytest.mark.parametrize("who", SEE_A)
def test_everyone_who_sees_the_assessment_reads_every_endpoint(cast, data, who):
    client = bearer(cast[who])
    for path in endpoints(data):
        response = get(client, path)
        assert response.status_code == 200, (path, response.content)


def test_the_outsider_gets_404_on_every_endpoint_of_another_organisation(cast, data):
    client = bearer(cast["charlie"])
    for path in endpoints(data):
        assert get(client, path).status_code == 404, path


@pytest.mark.parametrize("who", [*SEE_A, "charlie"])
def test_lists_hold_only_what_the_user_may_see(cast, data, who):
    client = bearer(cast[who])
    assessments = get(client, "/assessments").json()
    organisations = get(client, "/organisations").json()
    seen = {item["organisation"]["name"] for item in assessments["items"]}
    orgs = {item["name"] for item in organisations["items"]}
    expected = {
        "charlie": {"Bravo CERT"},
        "root": {"Alpha Agency", "Bravo CERT"},
    }.get(who, {"Alpha Agency"})
    assert seen == expected
    assert orgs == expected
    assert assessments["count"] == len(expected)
    body = json.dumps(assessments) + json.dumps(organisations)
    if who == "charlie":
        assert "Alpha" not in body


def test_answers_carry_values_comments_and_versions(cast, data):
    body = get(bearer(cast["bob"]), f"/assessments/{data['a'].pk}/answers").json()
    by_code = {row["question"]: row for row in body}
    assert by_code["GOV-01"]["value"] == "3"
    assert by_code["OPS-03"]["value"] == "secret of A"
    assert by_code["GOV-01"]["version"] == 1


def test_scores_are_provisional_until_validated_then_frozen(cast, data, alice, carol):
    client = bearer(cast["olivia"])
    draft = get(client, f"/assessments/{data['a'].pk}").json()
    assert draft["scores"]["frozen"] is False
    assert draft["scores"]["overall"] is not None
    assessment_submit(assessment=data["a"], user=alice)
    assessment_validate(assessment=data["a"], user=carol)
    validated = get(client, f"/assessments/{data['a'].pk}").json()
    assert validated["scores"]["frozen"] is True
    assert validated["scores"]["overall"] == pytest.approx(draft["scores"]["overall"])
    assert set(validated["scores"]["domains"]) == {"GOV", "OPS"}


def test_peer_statistics_are_withheld_for_a_small_group(cast, data, peer_groups):
    body = get(bearer(cast["alice"]), f"/assessments/{data['a'].pk}/peers").json()
    assert body["groups"]
    assert all(g["status"] != "released" and g["stats"] == {} for g in body["groups"])
    assert "n" not in body["groups"][0]


def test_frameworks_and_revisions(cast, data, framework):
    client = bearer(cast["charlie"])
    listing = get(client, "/frameworks").json()
    assert [f["key"] for f in listing["items"]] == ["mini"]
    detail = get(client, "/frameworks/mini").json()
    assert [r["revision"] for r in detail["revisions"]] == [1]
    content = get(client, "/frameworks/mini/revisions/1").json()
    assert content["id"] == "mini" and content["domains"][0]["code"] == "GOV"
    assert get(client, "/frameworks/nope").status_code == 404
    assert get(client, "/frameworks/mini/revisions/9").status_code == 404


def test_anonymous_callers_and_bad_tokens_get_401(data):
    anonymous = Client()
    bad = Client(headers={"Authorization": "Bearer rsl_not-a-token"})
    for path in ["/frameworks", "/assessments", "/organisations", *endpoints(data)]:
        assert get(anonymous, path).status_code == 401, path
        assert get(bad, path).status_code == 401, path


def test_a_session_works_like_a_token(cast, data):
    assert get(logged_in(cast["bob"]), f"/assessments/{data['a'].pk}").status_code == 200


def test_a_revoked_or_expired_token_stops_working(cast, data):
    token, text = token_create(user=cast["alice"], name="ci", days=30)
    client = Client(headers={"Authorization": f"Bearer {text}"})
    assert get(client, "/assessments").status_code == 200
    token_revoke(user=cast["alice"], token_id=token.pk)
    assert get(client, "/assessments").status_code == 401
    token2, text2 = token_create(user=cast["alice"], name="old", days=30)
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert (
        get(Client(headers={"Authorization": f"Bearer {text2}"}), "/assessments").status_code == 401
    )


def test_a_deactivated_user_token_stops_working(cast, data):
    client = bearer(cast["bob"])
    cast["bob"].is_active = False
    cast["bob"].save()
    assert get(client, "/assessments").status_code == 401


def test_only_a_digest_of_the_token_is_stored(cast):
    token, text = token_create(user=cast["alice"], name="x", days=90)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert text not in json.dumps(stored, default=str)
    assert stored["digest"] == token_digest(text)


def test_the_openapi_schema_lists_every_endpoint(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/frameworks",
        "/api/v1/frameworks/{key}",
        "/api/v1/frameworks/{key}/revisions/{revision}",
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}/assessments",
        "/api/v1/assessments",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/assessments/{assessment_id}/answers",
        "/api/v1/assessments/{assessment_id}/peers",
    } <= set(schema["paths"])
    assert all(list(ops) == ["get"] for ops in schema["paths"].values())


def test_the_api_is_read_only(cast, data):
    client = bearer(cast["alice"])
    response = client.post(f"/api/v1/assessments/{data['a'].pk}", {})
    assert response.status_code == 405


def _many(framework, cycle, user, n: int) -> None:
    for i in range(n):
        org = Organisation.objects.create(
            name=f"Org {cycle.name} {i:03d}", country="FR", region="Europe", org_type="agency"
        )
        a = assessment_start(organisation=org, framework=framework, cycle=cycle, user=user)
        answer_all(a, user, ANSWERS)


@pytest.mark.parametrize("path", ["/assessments", "/organisations", "/frameworks"])
def test_list_endpoints_run_a_constant_number_of_queries(
    root, framework, cycle, path, django_assert_max_num_queries
):
    client = bearer(root)
    _many(framework, cycle, root, 3)
    get(client, path)  # warm the per-process framework definition cache
    with django_assert_max_num_queries(8) as few:
        assert get(client, path).status_code == 200
    _many(
        framework,
        Cycle.objects.create(
            name="2027", starts_on=dt.date(2027, 1, 1), deadline=dt.date(2027, 12, 31)
        ),
        root,
        12,
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = get(client, path).json()
    if path == "/assessments":
        assert body["count"] == 15 and len(body["items"]) == 15


def test_an_organisation_s_assessments_run_a_constant_number_of_queries(
    alice, org_a, framework, django_assert_max_num_queries
):
    client = bearer(alice)
    for year in range(2020, 2026):
        cycle = Cycle.objects.create(
            name=str(year), starts_on=dt.date(year, 1, 1), deadline=dt.date(year, 12, 31)
        )
        a = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=alice)
        answer(a, alice, "GOV-01", "2")
    get(client, f"/organisations/{org_a.pk}/assessments")
    with django_assert_max_num_queries(9):
        body = get(client, f"/organisations/{org_a.pk}/assessments", limit=2).json()
    assert body["count"] == 6 and len(body["items"]) == 2
    assert Assessment.objects.count() == 6


# --- the profile page -----------------------------------------------------------------


def test_a_user_creates_and_revokes_a_token_on_the_profile_page(cast):
    client = logged_in(cast["bob"])
    url = reverse("profile")
    created = client.post(url, {"name": "Reporting script", "days": "90"}, follow=True)
    assert created.redirect_chain == [(url, 302)]
    text = created.context["new_token"]
    assert text.startswith("rsl_") and text in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    token = ApiToken.objects.get(user=cast["bob"])
    assert (
        Client(headers={"Authorization": f"Bearer {text}"}).get("/api/v1/assessments").status_code
        == 200
    )
    again = client.get(url).content.decode()
    assert text not in again and "Reporting script" in again
    client.post(url, {"revoke": str(token.pk)})
    assert (
        Client(headers={"Authorization": f"Bearer {text}"}).get("/api/v1/assessments").status_code
        == 401
    )


def test_nobody_revokes_someone_else_s_token(cast):
    token, text = token_create(user=cast["alice"], name="mine", days=30)
    logged_in(cast["charlie"]).post(reverse("profile"), {"revoke": str(token.pk)})
    assert (
        Client(headers={"Authorization": f"Bearer {text}"}).get("/api/v1/assessments").status_code
        == 200
    )


def test_a_token_needs_a_name_and_a_lifetime(cast):
    client = logged_in(cast["bob"])
    assert client.post(reverse("profile"), {"name": "", "days": "90"}).status_code == 400
    assert client.post(reverse("profile"), {"name": "x", "days": "7"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_the_profile_page_needs_a_login(client):
    assert client.get(reverse("profile")).status_code == 302
