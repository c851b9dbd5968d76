"""Errors that help: refusals say why, at the right place, and keep what was typed."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Response
from assessments.review.services import assessment_submit
from frameworks.models import Domain, Question
from tests.conftest import answer, answer_all, logged_in

REQUIRED = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


def _question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(framework=assessment.framework, code=code)


def _autosave(
    client: Client, assessment: Assessment, q: Question, value: str, version: int = 0, **kw
):
    data = {f"q{q.pk}-value": value, f"q{q.pk}-version": str(version), f"q{q.pk}-comment": ""}
    data.update({f"q{q.pk}-{k}": v for k, v in kw.items()})
    return client.post(
        reverse("autosave", args=[assessment.pk, q.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_an_invalid_number_puts_the_message_beside_the_field(bob, assessment):
    q = _question(assessment, "OPS-02")
    r = _autosave(logged_in(bob), assessment, q, "about twenty")
    assert r.status_code == 400
    html = r.content.decode()
    assert f'id="err-{q.pk}" hx-swap-oob="true" role="alert" data-invalid' in html
    assert "Enter a number" in html or "number" in html.lower()


def test_an_invalid_link_puts_its_message_beside_the_link(bob, assessment):
    q = _question(assessment, "GOV-01")
    r = _autosave(logged_in(bob), assessment, q, "3", evidence_link="intranet/doc")
    assert r.status_code == 400
    html = r.content.decode()
    link_error = html[html.index(f'id="err-link-{q.pk}"') :]
    assert "Enter a full web address" in link_error


def test_a_plain_post_marks_the_invalid_field_with_aria_invalid(client, bob, assessment):
    q = _question(assessment, "OPS-02")
    client.force_login(bob)
    r = client.post(
        reverse("questionnaire", args=[assessment.pk, q.domain_id]),
        {f"q{q.pk}-value": "twelve", f"q{q.pk}-version": "0"},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert (
        f'id="id_q{q.pk}-value" value="twelve" aria-describedby="err-{q.pk}" aria-invalid="true"'
        in html
    )


def test_an_autosave_after_submission_says_who_submitted_and_keeps_the_text(alice, bob, assessment):
    answer_all(assessment, alice, REQUIRED)
    assessment_submit(assessment=assessment, user=alice)
    q = _question(assessment, "GOV-01")
    r = _autosave(logged_in(bob), assessment, q, "5", version=1, comment="Our new strategy")
    assert r.status_code == 403
    html = r.content.decode()
    assert 'data-state="locked"' in html
    assert "submitted by Alice on" in html
    assert "Our new strategy" in html  # the typed comment, ready to copy
    assert "Copy my answer" in html
    assert Response.objects.get(assessment=assessment, question=q).value == "3"


def test_a_page_save_after_submission_keeps_every_answer_typed(client, alice, bob, assessment):
    answer_all(assessment, alice, REQUIRED)
    assessment_submit(assessment=assessment, user=alice)
    q = _question(assessment, "GOV-02")
    client.force_login(bob)
    r = client.post(
        reverse("questionnaire", args=[assessment.pk, q.domain_id]),
        {
            f"q{q.pk}-value": "partial",
            f"q{q.pk}-comment": "Only the ministry",
            f"q{q.pk}-version": "1",
        },
    )
    assert r.status_code == 403
    html = r.content.decode()
    assert "Your answers were not saved." in html
    assert "submitted by Alice" in html
    assert "GOV-02: Partially implemented | Only the ministry" in html


def test_the_page_save_never_conflicts_with_its_own_autosave(client, bob, assessment):
    q = _question(assessment, "GOV-01")
    gov = Domain.objects.get(pk=q.domain_id)
    client.force_login(bob)
    # The page was loaded at version 0; an autosave of the comment lands first ...
    answer(assessment, bob, "GOV-01", "2", comment="Draft")
    # ... then "Save and continue" posts the page with the version it was loaded at.
    page = {f"q{other.pk}-version": "0" for other in Question.objects.filter(domain=gov)}
    r = client.post(
        reverse("questionnaire", args=[assessment.pk, gov.pk]),
        {
            **page,
            f"q{q.pk}-value": "2",
            f"q{q.pk}-comment": "Draft, finished",
            f"q{q.pk}-version": "0",
        },
    )
    assert r.status_code == 302
    stored = Response.objects.get(assessment=assessment, question=q)
    assert (stored.comment, stored.version) == ("Draft, finished", 2)


def test_someone_elses_save_still_conflicts_with_the_page_save(client, alice, bob, assessment):
    q = _question(assessment, "GOV-01")
    client.force_login(bob)
    answer(assessment, alice, "GOV-01", "4")
    page = {f"q{other.pk}-version": "0" for other in Question.objects.filter(domain=q.domain)}
    r = client.post(
        reverse("questionnaire", args=[assessment.pk, q.domain_id]),
        {**page, f"q{q.pk}-value": "2"},
    )
    assert r.status_code == 409


def test_a_forbidden_page_is_branded_and_says_why(client, olivia, assessment):
    client.force_login(olivia)
    r = client.get(reverse("submit", args=[assessment.pk]))
    assert r.status_code == 403
    html = r.content.decode()
    assert "You may not do this" in html
    assert "Only the coordinator can submit a draft assessment." in html
    assert "Go to your home page" in html


def test_a_forbidden_htmx_request_gets_a_fragment_not_a_page(client, olivia, assessment):
    q = _question(assessment, "GOV-01")
    client.force_login(olivia)
    r = client.post(
        reverse("evidence_upload", args=[assessment.pk, q.pk]), {}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 403
    html = r.content.decode()
    assert "<html" not in html
    assert 'data-state="refused"' in html


def test_a_missing_page_is_branded(client, bob):
    client.force_login(bob)
    r = client.get("/assessments/999999/")
    assert r.status_code == 404
    assert "Page not found" in r.content.decode()


def test_the_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html


def test_the_language_menu_has_an_explicit_button(client, bob):
    client.force_login(bob)
    html = client.get(reverse("home")).content.decode()
    form = html[html.index('action="/i18n/setlang/"') :]
    form = form[: form.index("</form>")]
    assert "data-autosubmit" not in form
    assert '<button class="btn btn-sm btn-outline-light" type="submit">Change</button>' in form
