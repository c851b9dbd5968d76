"""Autosave of one answer (htmx): versions, refusals, conflicts, expired sessions, audit."""

from __future__ import annotations

import copy
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Response
from frameworks.models import Question


def _question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(framework=assessment.framework, code=code)


def _url(assessment: Assessment, question: Question) -> str:
    return reverse("autosave", args=[assessment.pk, question.pk])


def _data(question: Question, value: str = "", *, version: int = 0, **extra: str) -> dict:
    p = f"q{question.pk}"
    data = {f"{p}-value": value, f"{p}-version": str(version), f"{p}-comment": ""}
    data.update({f"{p}-{key}": item for key, item in extra.items()})
    return data


def _oob_version(html: str, question: Question) -> int:
    """The version in the out-of-band hidden input that replaces the form's one."""
    match = re.search(
        rf'<input type="hidden" name="q{question.pk}-version"[^>]*'
        rf'value="(\d+)"[^>]*hx-swap-oob="true"',
        html,
    )
    assert match, html
    return int(match.group(1))


def _save(client: Client, assessment: Assessment, question: Question, value: str, **kw):
    return client.post(_url(assessment, question), _data(question, value, **kw))


def test_saving_a_maturity_answer_returns_saved_at_and_the_new_version(client, alice, assessment):
    q = _question(assessment, "GOV-01")
    client.force_login(alice)
    r = _save(client, assessment, q, "3")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Saved at" in html
    assert _oob_version(html, q) == 1
    stored = Response.objects.get(assessment=assessment, question=q)
    assert (stored.value, stored.version, stored.updated_by) == ("3", 1, alice)


def test_saving_a_practice_answer_returns_saved_at_and_the_new_version(client, bob, assessment):
    q = _question(assessment, "GOV-02")
    client.force_login(bob)
    r = _save(client, assessment, q, "largely")
    assert r.status_code == 200
    assert "Saved at" in r.content.decode()
    assert _oob_version(r.content.decode(), q) == 1
    assert Response.objects.get(assessment=assessment, question=q).value == "largely"


def test_each_change_increments_the_version(client, alice, assessment):
    q = _question(assessment, "GOV-02")
    client.force_login(alice)
    versions = []
    for version, value in enumerate(["not", "partial", "fully"]):
        r = _save(client, assessment, q, value, version=version)
        assert r.status_code == 200
        versions.append(_oob_version(r.content.decode(), q))
    assert versions == [1, 2, 3]
    assert Response.objects.get(assessment=assessment, question=q).version == 3


def test_an_unchanged_resave_does_not_bump_the_version(client, alice, assessment):
    q = _question(assessment, "GOV-01")
    client.force_login(alice)
    assert _save(client, assessment, q, "4").status_code == 200
    events = AuditEvent.objects.filter(assessment=assessment, action="answer_saved").count()
    r = _save(client, assessment, q, "4", version=1)
    assert r.status_code == 200
    assert _oob_version(r.content.decode(), q) == 1
    assert Response.objects.get(assessment=assessment, question=q).version == 1
    assert AuditEvent.objects.filter(assessment=assessment, action="answer_saved").count() == events


@pytest.mark.parametrize(
    ("code", "value", "extra", "message"),
    [
        ("GOV-01", "7", {}, "Choose one of the five levels."),
        ("GOV-02", "mostly", {}, "Choose how far the practice is implemented."),
        ("OPS-01", "maybe", {}, "Answer yes or no."),
        ("OPS-02", "abc", {}, "Enter a number"),
        ("OPS-02", "-3", {}, "zero or more"),
        ("GOV-01", "", {"not_applicable": "on"}, "cannot be marked not applicable"),
        ("OPS-01", "yes", {"evidence_link": "javascript:alert(1)"}, "full web address"),
    ],
)
def test_an_invalid_answer_gets_400_with_a_clear_message_and_stores_nothing(
    client, bob, assessment, code, value, extra, message
):
    q = _question(assessment, code)
    client.force_login(bob)
    r = _save(client, assessment, q, value, **extra)
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html
    assert 'data-state="invalid"' in html
    assert "Saved at" not in html
    assert not Response.objects.filter(assessment=assessment).exists()
    assert not AuditEvent.objects.filter(assessment=assessment, action="answer_saved").exists()


def test_an_invalid_answer_leaves_the_stored_one_unchanged(client, bob, assessment):
    q = _question(assessment, "OPS-02")
    client.force_login(bob)
    assert _save(client, assessment, q, "12").status_code == 200
    assert _save(client, assessment, q, "twelve", version=1).status_code == 400
    stored = Response.objects.get(assessment=assessment, question=q)
    assert (stored.value, stored.version) == ("12", 1)


def test_a_save_based_on_an_old_version_gets_409_showing_the_stored_answer_and_who(
    client, alice, bob, assessment
):
    q = _question(assessment, "GOV-02")
    client.force_login(alice)
    assert _save(client, assessment, q, "fully").status_code == 200
    client.force_login(bob)
    r = _save(client, assessment, q, "not", version=0)
    assert r.status_code == 409
    html = r.content.decode()
    assert 'data-state="conflict"' in html
    assert "Fully implemented" in html  # the stored answer
    assert "by Alice" in html  # and who saved it
    assert "Not implemented" in html  # the user's own answer is shown too
    stored = Response.objects.get(assessment=assessment, question=q)
    assert (stored.value, stored.version, stored.updated_by) == ("fully", 1, alice)


def test_two_people_saving_the_same_loaded_version_keeps_the_first_answer(alice, bob, assessment):
    q = _question(assessment, "GOV-01")
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(bob)
    # Both loaded the page at version 0.
    r1 = _save(first, assessment, q, "2", version=0)
    r2 = _save(second, assessment, q, "5", version=0)
    assert (r1.status_code, r2.status_code) == (200, 409)
    assert "by Alice" in r2.content.decode()
    stored = Response.objects.get(assessment=assessment, question=q)
    assert (stored.value, stored.version, stored.updated_by) == ("2", 1, alice)
    # Bob can keep his answer knowingly, by saving on top of the stored version.
    r3 = _save(second, assessment, q, "5", version=1)
    assert r3.status_code == 200
    assert Response.objects.get(assessment=assessment, question=q).value == "5"


@contextmanager
def _file_database(path: Path) -> Iterator[Callable[[], None]]:
    """A file copy of the test database, and a function that points this thread at it.

    The in-memory test database is shared between threads through SQLite's shared
    cache, which refuses a second writer at once ("database table is locked")
    instead of waiting for it. A file in WAL mode with IMMEDIATE transactions and a
    busy timeout, as in production, lets two requests really race. Other databases
    are shared between threads as they are: the function then does nothing.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield lambda: None
        return
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    # WAL is kept in the file; switching to it in two threads at once would fail.
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings_dict = {**copy.deepcopy(connection.settings_dict), "NAME": str(path)}

    def use_file() -> None:
        connections["default"] = DatabaseWrapper(settings_dict, "default")

    yield use_file


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_version_give_one_200_and_one_409(
    alice, bob, assessment, tmp_path
):
    q = _question(assessment, "GOV-01")
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    stored: list[tuple[str, int, int]] = []
    # Logged in beforehand, so that the copy holds both sessions.
    clients = {"2": Client(), "5": Client()}
    clients["2"].force_login(alice)
    clients["5"].force_login(bob)

    with _file_database(tmp_path / "race.sqlite3") as use_file:

        def post(value: str) -> None:
            use_file()
            try:
                barrier.wait(timeout=10)
                results[value] = _save(clients[value], assessment, q, value, version=0).status_code
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
            finally:
                connections["default"].close()

        def read() -> None:
            use_file()
            try:
                stored.extend(
                    Response.objects.filter(assessment=assessment).values_list(
                        "value", "version", "updated_by_id"
                    )
                )
                stored.append(
                    AuditEvent.objects.filter(assessment=assessment, action="answer_saved").count()
                )
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=post, args=(value,)) for value in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=30)

    assert not errors, errors
    assert sorted(results.values()) == [200, 409]
    winner = next(value for value, status in results.items() if status == 200)
    winner_id = alice.pk if winner == "2" else bob.pk
    # Exactly one answer stored, the winner's, at version 1, and one audit event.
    assert stored == [(winner, 1, winner_id), 1]


def test_an_expired_session_gets_401_without_a_redirect_and_says_the_answer_is_kept(
    client, assessment
):
    q = _question(assessment, "GOV-01")
    r = _save(client, assessment, q, "3")
    assert r.status_code == 401
    assert "Location" not in r.headers
    assert "Your answer is kept on this page" in r.content.decode()
    assert not Response.objects.exists()


def test_an_audit_event_is_written_per_save(client, alice, assessment):
    q1, q2 = _question(assessment, "GOV-01"), _question(assessment, "OPS-02")
    client.force_login(alice)
    _save(client, assessment, q1, "2")
    _save(client, assessment, q1, "3", version=1)
    _save(client, assessment, q2, "4,5")
    events = list(
        AuditEvent.objects.filter(assessment=assessment, action="answer_saved").order_by("pk")
    )
    assert [(e.user, e.detail["question"], e.detail["version"]) for e in events] == [
        (alice, "GOV-01", 1),
        (alice, "GOV-01", 2),
        (alice, "OPS-02", 1),
    ]
    assert events[1].detail["before"] == {"value": "2", "na": False}
    assert events[1].detail["after"] == {"value": "3", "na": False}
    assert events[2].detail["after"]["value"] == "4.5"  # a decimal comma is normalised


def test_an_outsider_gets_404(client, charlie, assessment):
    q = _question(assessment, "GOV-01")
    client.force_login(charlie)
    assert _save(client, assessment, q, "3").status_code == 404
    assert not Response.objects.exists()


def test_an_official_cannot_answer(client, olivia, assessment):
    q = _question(assessment, "GOV-01")
    client.force_login(olivia)
    assert _save(client, assessment, q, "3").status_code == 403
    assert not Response.objects.exists()
