"""Every state-changing request needs a CSRF token (issue #3).

The URLs are enumerated from the URLconf like in test_access_matrix, so a new
view is covered without being listed here. The middleware refuses a tokenless
POST before any view runs, so every assessments URL is sent one, not only those
that accept POST today.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Cycle, Response
from tests.assessments import test_access_matrix as matrix
from tests.assessments.test_access_matrix import (
    World,
    assessment_patterns,
    body,
    client_for,
    snapshot,
)
from tests.conftest import PASSWORD

# The matrix's fixtures: org A's assessment with an answer and a file, and org B's.
framework = matrix.framework
world = matrix.world
fast_pdf = matrix.fast_pdf

# Who sends the POST, and in which state, so that with a token it would be accepted.
SENDER = {"review": ("carol", "submitted")}
# The writes a respondent can make, refused to bob without a token as well.
RESPONDENT_WRITES = ("questionnaire", "autosave", "evidence_upload", "evidence_delete")


def _cases() -> list:
    # The URLconf can be read at collection time: pytest-django has set Django up.
    return [("alice", name) for name in sorted(assessment_patterns())] + [
        ("bob", name) for name in RESPONDENT_WRITES
    ]


def refused_for_csrf(response) -> bool:
    """A 403 from the CSRF check, not from a view's own access decision."""
    return response.status_code == 403 and "CSRF verification failed" in body(response)


def start_data(world: World) -> dict:
    """A valid start form: without the check it would create an assessment."""
    cycle = Cycle.objects.create(
        name="2027", starts_on=dt.date(2027, 1, 1), deadline=dt.date(2027, 12, 31)
    )
    return {
        "organisation": world.assessment.organisation_id,
        "framework": world.assessment.framework_id,
        "cycle": cycle.pk,
    }


@pytest.mark.parametrize(("actor", "name"), _cases())
def test_a_post_without_a_token_is_refused_and_changes_nothing(
    world: World, fast_pdf: None, actor: str, name: str
) -> None:
    actor, state = SENDER.get(name, (actor, "draft"))
    world.set_status(state)
    data = start_data(world) if name == "assessment_start" else world.post_data(name)
    before = snapshot()
    client = client_for(world, actor, enforce_csrf_checks=True)
    response = client.post(world.url(name), data)
    assert refused_for_csrf(response), response.status_code
    assert snapshot() == before
    assert Assessment.objects.count() == 2


def test_the_same_autosave_with_the_token_is_accepted(world: World) -> None:
    client = client_for(world, "alice", enforce_csrf_checks=True)
    url = world.url("autosave")
    data = world.post_data("autosave")
    assert refused_for_csrf(client.post(url, data))
    assert client.get(world.url("questionnaire")).status_code == 200
    token = client.cookies["csrftoken"].value
    # htmx sends the token in a header (base.html, hx-headers).
    response = client.post(url, data, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert Response.objects.get(assessment=world.assessment, question=world.question).value == "3"


def test_a_form_post_with_the_token_is_accepted(world: World) -> None:
    client = client_for(world, "bob", enforce_csrf_checks=True)
    client.get(world.url("questionnaire"))
    data = {
        **world.post_data("questionnaire"),
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
    }
    response = client.post(world.url("questionnaire"), data)
    assert response.status_code == 302
    assert Response.objects.get(assessment=world.assessment, question=world.question).value == "3"


def test_logging_in_needs_a_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    credentials = {"login": "alice", "password": PASSWORD}
    assert refused_for_csrf(client.post(reverse("login"), credentials))
    assert "_auth_user_id" not in client.session
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("login"), {**credentials, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.cast["alice"].pk)


def test_logging_out_needs_a_token(world: World) -> None:
    client = client_for(world, "alice", enforce_csrf_checks=True)
    assert refused_for_csrf(client.post(reverse("logout")))
    assert client.get(reverse("home")).status_code == 200
    token = client.cookies["csrftoken"].value
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(reverse("home")).status_code == 302
