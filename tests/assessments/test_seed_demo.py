"""`seed_demo`: idempotent demo data with logins, peers, cycles and a draft in progress.

Seeding takes several seconds, so the module seeds once (twice, to check that the
second run adds nothing) in a module-scoped fixture and flushes the database when
the module is done; each test still runs in its own rolled-back transaction.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.urls import reverse

from assessments.demo import CAST, DEFAULT_PASSWORD, DEMO_ORG, OUTSIDER_ORG
from assessments.models import Assessment, Organisation, Response
from frameworks.models import Framework

FRAMEWORKS = settings.BASE_DIR / "frameworks" / "data"


def _request() -> HttpRequest:
    """django-axes counts attempts per address, so authenticate() needs a request."""
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return request


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "assessments": Assessment.objects.count(),
        "responses": Response.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_seeding_without_frameworks_says_to_import_them_first(db, monkeypatch):
    # Whether or not this module has seeded yet, the command sees no framework.
    monkeypatch.setattr(Framework.objects, "latest_revisions", Framework.objects.none)
    organisations = Organisation.objects.count()
    with pytest.raises(CommandError, match="Import the frameworks first"):
        call_command("seed_demo", stdout=io.StringIO())
    assert Organisation.objects.count() == organisations


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Iterator[dict]:
    with django_db_blocker.unblock():
        call_command("import_framework", str(FRAMEWORKS), stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())
        first = _counts()
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        second = _counts()
    try:
        yield {"first": first, "second": second, "second_output": out.getvalue()}
    finally:
        # Committed outside any test transaction: leave an empty database behind.
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def test_a_second_run_creates_nothing_new(seeded, db):
    assert seeded["first"] == seeded["second"]
    assert "0 assessments created this run" in seeded["second_output"]


def test_every_demo_user_can_log_in_with_the_default_password(seeded, db, client):
    assert {p.username for p in CAST.values()} == {
        "admin",
        "coordinator",
        "respondent",
        "advisor",
        "official",
        "outsider",
    }
    for person in CAST.values():
        assert client.login(username=person.username, password=DEFAULT_PASSWORD), person
        client.logout()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_the_password_option_changes_every_demo_password(seeded, db):
    call_command("seed_demo", "--password", "another-secret", stdout=io.StringIO())
    for person in CAST.values():
        assert (
            authenticate(_request(), username=person.username, password="another-secret")
            is not None
        )
        assert authenticate(_request(), username=person.username, password=DEFAULT_PASSWORD) is None
    assert _counts() == seeded["second"]


def test_a_short_password_is_refused(seeded, db):
    with pytest.raises(CommandError, match="at least 8 characters"):
        call_command("seed_demo", "--password", "short", stdout=io.StringIO())
    assert authenticate(_request(), username="coordinator", password=DEFAULT_PASSWORD) is not None


def test_there_are_enough_organisations_for_peer_groups(seeded, db):
    assert Organisation.objects.count() >= 30
    assert Organisation.objects.values("region").distinct().count() >= 3
    assert Organisation.objects.values("org_type").distinct().count() >= 3


def test_validated_assessments_exist_in_two_cycles(seeded, db):
    validated = Assessment.objects.filter(status=Assessment.Status.VALIDATED)
    cycles = set(validated.values_list("cycle__name", flat=True))
    assert {"2025", "2026"} <= cycles
    for cycle in ("2025", "2026"):
        per_framework = validated.filter(cycle__name=cycle).values_list("framework_key", flat=True)
        assert len(per_framework) >= 30
    assert not validated.filter(frozen_result__isnull=True).exists()
    assert not validated.filter(answers_hash="").exists()
    sample = validated.first()
    assert sample.responses.exists()
    assert set(sample.frozen_result) >= {"scores", "validated", "self"}


def test_the_demo_organisation_has_a_draft_with_some_answers(seeded, db):
    draft = Assessment.objects.select_related("framework").get(
        organisation__name=DEMO_ORG, status=Assessment.Status.DRAFT
    )
    answered = draft.responses.count()
    assert 0 < answered < draft.framework.question_count
    assert draft.responses.filter(updated_by__username="respondent").count() == answered


def test_the_outsider_sees_none_of_the_demo_organisations_assessments(seeded, db):
    User = get_user_model()
    outsider = User.objects.get(username="outsider")
    visible = Assessment.objects.visible_to(outsider)
    assert not visible.filter(organisation__name=DEMO_ORG).exists()
    assert set(visible.values_list("organisation__name", flat=True)) == {OUTSIDER_ORG}
    coordinator = User.objects.get(username="coordinator")
    assert Assessment.objects.visible_to(coordinator).filter(organisation__name=DEMO_ORG).exists()


def test_the_respondent_can_open_the_draft_and_its_results(seeded, db, client):
    draft = Assessment.objects.get(organisation__name=DEMO_ORG, status=Assessment.Status.DRAFT)
    client.force_login(get_user_model().objects.get(username="respondent"))
    page = client.get(reverse("assessment_detail", args=[draft.pk]), follow=True)
    assert page.status_code == 200
    assert page.resolver_match.url_name == "questionnaire"
    results = client.get(reverse("results", args=[draft.pk]))
    assert results.status_code == 200
    assert not results.context["group"].withheld  # released: enough validated peers
    assert results.context["overall_median"] is not None
    client.force_login(get_user_model().objects.get(username="outsider"))
    assert client.get(reverse("results", args=[draft.pk])).status_code == 404


# --- accounts and security (issue #11) ----------------------------------------------


def test_the_demo_administrator_advisor_and_official_have_totp(seeded, db):
    from allauth.mfa.models import Authenticator

    with_totp = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__username", flat=True
        )
    )
    assert with_totp == {"admin", "advisor", "official"}


def test_demo_totp_prints_the_current_code(seeded, db):
    from accounts.demo import current_code

    out = io.StringIO()
    call_command("demo_totp", "advisor", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code == current_code(get_user_model().objects.get(username="advisor"))


def test_demo_totp_knows_only_demo_users_with_a_factor(seeded, db):
    with pytest.raises(CommandError, match="no TOTP"):
        call_command("demo_totp", "respondent", stdout=io.StringIO())
    get_user_model().objects.create_user(username="someone", password="x" * 12)
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo_totp", "someone", stdout=io.StringIO())
