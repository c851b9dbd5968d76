"""The cast (STYLE.md): alice coordinates org A, bob answers for A, carol advises A,
charlie answers for org B and must see nothing of A, olivia is an official for A,
and root is the administrator."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client

from accounts.mfa import mark_client_passed_mfa
from assessments.models import (
    AdvisorAssignment,
    Assessment,
    Cycle,
    Membership,
    OfficialScope,
    Organisation,
    PeerGroup,
    Response,
)
from assessments.questionnaire.services import response_save
from assessments.services import assessment_start
from frameworks.loader import load_file
from frameworks.models import Framework, Question
from frameworks.services import frameworks_import

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "correct horse battery staple"


mark_mfa_passed = mark_client_passed_mfa


@pytest.fixture(autouse=True)
def _mfa_passed_on_force_login(request, monkeypatch):
    """`client.force_login(user)` stands for a complete login, second factor included
    (tests marked `real_mfa` see the enforcement as a person would)."""
    if request.node.get_closest_marker("real_mfa"):
        return
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_mfa_passed(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _login_with_a_request(monkeypatch):
    """django-axes needs the request to count attempts; `client.login` has none."""
    from django.http import HttpRequest

    original = Client.login

    def login(self, **credentials):
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials["request"] = request
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """allauth keeps rate limits and used TOTP codes in the cache: one test's must
    not reach the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def import_fixture(name: str) -> Framework:
    frameworks_import(loaded=[load_file(FIXTURES / name)])
    return Framework.objects.filter(key=load_file(FIXTURES / name).spec.id).latest("revision")


@pytest.fixture
def framework(db) -> Framework:
    return import_fixture("mini.yaml")


@pytest.fixture
def cycle(db) -> Cycle:
    return Cycle.objects.create(
        name="2026", starts_on=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31)
    )


@pytest.fixture
def org_a(db) -> Organisation:
    return Organisation.objects.create(
        name="Alpha Agency", country="KE", region="Africa", org_type="agency"
    )


@pytest.fixture
def org_b(db) -> Organisation:
    return Organisation.objects.create(
        name="Bravo CERT", country="NO", region="Europe", org_type="csirt"
    )


def _user(username: str, **extra: object):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **extra
    )


def member(username: str, organisation: Organisation, role: str):
    """A new user with one membership of `organisation` in `role`."""
    user = _user(username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def logged_in(user) -> Client:
    """A test client logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def answer(
    assessment: Assessment,
    user,
    code: str,
    value: str = "",
    *,
    not_applicable: bool = False,
    comment: str = "",
    evidence_link: str = "",
) -> Response:
    """Save one answer through `response_save`, based on the stored version."""
    question = Question.objects.get(framework_id=assessment.framework_id, code=code)
    current = Response.objects.filter(assessment=assessment, question=question).first()
    return response_save(
        assessment=assessment,
        question=question,
        user=user,
        base_version=current.version if current else 0,
        value=value,
        not_applicable=not_applicable,
        comment=comment,
        evidence_link=evidence_link,
    )


def answer_all(assessment: Assessment, user, answers: dict[str, str]) -> None:
    """Save every answer of `answers` (question code -> value), in order."""
    for code, value in answers.items():
        answer(assessment, user, code, value)


@pytest.fixture
def alice(org_a):
    return member("alice", org_a, Membership.Role.COORDINATOR)


@pytest.fixture
def bob(org_a):
    return member("bob", org_a, Membership.Role.RESPONDENT)


@pytest.fixture
def carol(org_a):
    user = _user("carol")
    AdvisorAssignment.objects.create(advisor=user, organisation=org_a)
    return user


@pytest.fixture
def charlie(org_b):
    return member("charlie", org_b, Membership.Role.RESPONDENT)


@pytest.fixture
def olivia(org_a):
    user = _user("olivia")
    scope = OfficialScope.objects.create(user=user)
    scope.organisations.add(org_a)
    return user


@pytest.fixture
def root(db):
    return _user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def cast(alice, bob, carol, charlie, olivia, root):
    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "charlie": charlie,
        "olivia": olivia,
        "root": root,
    }


@pytest.fixture
def assessment(framework, cycle, org_a, alice) -> Assessment:
    return assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=alice)


@pytest.fixture
def assessment_b(framework, cycle, org_b, charlie) -> Assessment:
    return assessment_start(organisation=org_b, framework=framework, cycle=cycle, user=charlie)


@pytest.fixture
def peer_groups(db) -> None:
    PeerGroup.objects.create(name="All organisations", attribute="", position=0)
    PeerGroup.objects.create(name="Same region", attribute="region", position=1)


def read_body(response) -> bytes:
    """A response's bytes, closing a streamed file without ending the test's connection.

    `response.close()` sends `request_finished`, whose `close_old_connections` would
    drop the connection inside the test's transaction (fatal on PostgreSQL).
    """
    if not response.streaming:
        return response.content
    content = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return content
