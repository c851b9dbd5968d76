"""The questionnaire page as a plain form (no JavaScript): save, next, errors, conflicts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Response
from frameworks.models import Domain, Question
from tests.conftest import answer


def _domain(assessment: Assessment, code: str) -> Domain:
    return Domain.objects.get(framework=assessment.framework, code=code)


def _question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(framework=assessment.framework, code=code)


def _url(assessment: Assessment, domain: Domain) -> str:
    return reverse("questionnaire", args=[assessment.pk, domain.pk])


def _page_data(assessment: Assessment, domain: Domain, answers: dict[str, dict]) -> dict:
    """What the browser posts for a domain page: every question's fields.

    `answers` maps question codes to overrides (value, not_applicable, comment,
    evidence_link, version); other questions are posted as stored.
    """
    data: dict[str, str] = {}
    stored = {r.question_id: r for r in Response.objects.filter(assessment=assessment)}
    for q in Question.objects.filter(domain=domain):
        r = stored.get(q.pk)
        fields = {
            "value": r.value if r else "",
            "comment": r.comment if r else "",
            "evidence_link": r.evidence_link if r else "",
            "version": str(r.version if r else 0),
        }
        if r and r.not_applicable:
            fields["not_applicable"] = "on"
        fields.update(answers.get(q.code, {}))
        if not fields.get("not_applicable"):
            fields.pop("not_applicable", None)
        data.update({f"q{q.pk}-{key}": value for key, value in fields.items()})
    return data


def _stored(assessment: Assessment) -> dict[str, tuple[str, bool, str, int]]:
    return {
        r.question.code: (r.value, r.not_applicable, r.comment, r.version)
        for r in Response.objects.filter(assessment=assessment).select_related("question")
    }


def _hidden_versions(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(q\d+-version)" id="[^"]*" value="(\d+)"', html))


def test_a_plain_post_saves_every_changed_answer_and_redirects(client, bob, assessment):
    gov = _domain(assessment, "GOV")
    client.force_login(bob)
    data = _page_data(
        assessment,
        gov,
        {
            "GOV-01": {"value": "4", "comment": "Adopted in March."},
            "GOV-02": {"not_applicable": "on"},
        },
    )
    r = client.post(_url(assessment, gov), {**data, "save": ""})
    assert r.status_code == 302
    assert r.url == _url(assessment, gov)
    assert _stored(assessment) == {
        "GOV-01": ("4", False, "Adopted in March.", 1),
        "GOV-02": ("", True, "", 1),
    }
    page = client.get(r.url)
    assert "Your answers are saved." in page.content.decode()


def test_a_plain_post_leaves_unchanged_answers_alone(client, alice, bob, assessment):
    gov = _domain(assessment, "GOV")
    answer(assessment, alice, "GOV-01", "2")
    client.force_login(bob)
    data = _page_data(assessment, gov, {"GOV-02": {"value": "partial"}})
    assert client.post(_url(assessment, gov), data).status_code == 302
    stored = Response.objects.select_related("updated_by").get(question__code="GOV-01")
    assert (stored.value, stored.version, stored.updated_by) == ("2", 1, alice)


def test_the_next_button_goes_to_the_next_domain(client, bob, assessment):
    gov, ops = _domain(assessment, "GOV"), _domain(assessment, "OPS")
    client.force_login(bob)
    data = _page_data(assessment, gov, {"GOV-01": {"value": "3"}})
    r = client.post(_url(assessment, gov), {**data, "next": ""})
    assert r.status_code == 302
    assert r.url == _url(assessment, ops)
    assert _stored(assessment)["GOV-01"][0] == "3"


def test_the_next_button_on_the_last_domain_stays_there(client, bob, assessment):
    ops = _domain(assessment, "OPS")
    client.force_login(bob)
    data = _page_data(assessment, ops, {"OPS-01": {"value": "yes"}})
    r = client.post(_url(assessment, ops), {**data, "next": ""})
    assert r.status_code == 302
    assert r.url == _url(assessment, ops)


def test_an_invalid_value_rerenders_with_what_was_typed_and_saves_the_valid_ones(
    client, bob, assessment
):
    ops = _domain(assessment, "OPS")
    q2 = _question(assessment, "OPS-02")
    client.force_login(bob)
    data = _page_data(
        assessment,
        ops,
        {
            "OPS-01": {"value": "yes"},
            "OPS-02": {"value": "a dozen", "comment": "Counted twice, see HR."},
            "OPS-03": {"value": "Our analysts rotate weekly."},
        },
    )
    r = client.post(_url(assessment, ops), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Some answers could not be saved" in html
    assert "Enter a number, for example 12 or 3.5." in html
    # Nothing the user typed is lost.
    assert f'id="id_q{q2.pk}-value" value="a dozen"' in html
    assert "Counted twice, see HR." in html
    assert "Our analysts rotate weekly." in html
    # The valid answers are saved; the invalid one is not.
    assert _stored(assessment) == {
        "OPS-01": ("yes", False, "", 1),
        "OPS-03": ("Our analysts rotate weekly.", False, "", 1),
    }
    # The page is now based on the stored versions: fixing the value and saving
    # again goes through without a conflict.
    versions = _hidden_versions(html)
    assert versions[f"q{q2.pk}-version"] == "0"
    fixed = {**data, **versions, f"q{q2.pk}-value": "12"}
    assert client.post(_url(assessment, ops), fixed).status_code == 302
    assert _stored(assessment)["OPS-02"] == ("12", False, "Counted twice, see HR.", 1)
    assert _stored(assessment)["OPS-01"][3] == 1  # not saved twice


def test_a_plain_post_with_an_invalid_link_is_refused_and_kept(client, bob, assessment):
    gov = _domain(assessment, "GOV")
    q1 = _question(assessment, "GOV-01")
    client.force_login(bob)
    data = _page_data(
        assessment, gov, {"GOV-01": {"value": "2", "evidence_link": "intranet/strategy"}}
    )
    r = client.post(_url(assessment, gov), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Enter a full web address" in html
    assert f'id="id_q{q1.pk}-evidence_link" value="intranet/strategy"' in html
    assert f'id="id_q{q1.pk}-value_2" value="2" checked' in html
    assert "GOV-01" not in _stored(assessment)


def test_a_plain_post_with_a_stale_version_gets_409_and_shows_both_answers(
    client, alice, bob, assessment
):
    gov = _domain(assessment, "GOV")
    q1 = _question(assessment, "GOV-01")
    client.force_login(bob)
    loaded = _page_data(assessment, gov, {})  # Bob opens the page at version 0 ...
    answer(assessment, alice, "GOV-01", "3")  # ... Alice saves meanwhile.
    data = {**loaded, f"q{q1.pk}-value": "5"}
    r = client.post(_url(assessment, gov), data)
    assert r.status_code == 409
    html = r.content.decode()
    assert "One answer was changed by someone else" in html
    assert 'data-state="conflict"' in html
    # Who saved the stored answer ...
    assert "Stored answer" in html
    assert "by Alice" in html
    # ... and Bob's own answer, still selected in the form.
    assert f'id="id_q{q1.pk}-value_5" value="5" checked' in html
    assert f'id="id_q{q1.pk}-value_3" value="3" checked' not in html
    assert _stored(assessment)["GOV-01"] == ("3", False, "", 1)
    # Saving again, now based on the stored version, keeps Bob's answer knowingly.
    again = {**data, **_hidden_versions(html)}
    assert client.post(_url(assessment, gov), again).status_code == 302
    assert _stored(assessment)["GOV-01"] == ("5", False, "", 2)


def test_a_plain_post_conflict_names_the_stored_answer_by_its_label(client, alice, bob, assessment):
    gov = _domain(assessment, "GOV")
    q2 = _question(assessment, "GOV-02")
    client.force_login(bob)
    loaded = _page_data(assessment, gov, {})
    answer(assessment, alice, "GOV-02", "fully")
    r = client.post(_url(assessment, gov), {**loaded, f"q{q2.pk}-value": "not"})
    assert r.status_code == 409
    html = r.content.decode()
    conflict = html[html.index('data-state="conflict"') :]
    assert "Stored answer: <strong>Fully implemented</strong>" in conflict


def test_the_side_nav_lists_progress_per_domain(client, alice, bob, assessment):
    answer(assessment, alice, "GOV-01", "3")
    answer(assessment, alice, "OPS-01", "no")
    answer(assessment, alice, "OPS-02", comment="A comment is not an answer.")
    client.force_login(bob)
    r = client.get(_url(assessment, _domain(assessment, "OPS")))
    assert r.status_code == 200
    html = r.content.decode()
    nav = html[html.index('class="domain-nav') : html.index("</nav>", html.index("domain-nav"))]
    assert "Governance" in nav and "Operations" in nav
    assert 'aria-label="1 of 2 answered"' in nav
    assert 'aria-label="1 of 3 answered"' in nav
    assert nav.index("Governance") < nav.index("1 of 2") < nav.index("Operations")
    assert nav.index("Operations") < nav.index("1 of 3")
    assert 'aria-current="page"' in nav[nav.index("Operations") - 300 :]


class _LabelCheck(HTMLParser):
    """Collects form controls and the ids that labels point at."""

    CONTROLS = {"input", "textarea", "select"}

    def __init__(self) -> None:
        super().__init__()
        self.label_depth = 0
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, str | None, bool]] = []  # (description, id, in label)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in self.CONTROLS:
            kind = a.get("type", "text") if tag == "input" else tag
            if kind in {"hidden", "submit", "button"}:
                return
            self.controls.append(
                (f"{tag} {kind} {a.get('name')}", a.get("id"), bool(self.label_depth))
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_depth:
            self.label_depth -= 1

    def unlabelled(self) -> list[str]:
        return [
            desc
            for desc, id_, inside in self.controls
            if not inside and (id_ is None or id_ not in self.label_for)
        ]


@pytest.mark.parametrize("code", ["GOV", "OPS"])
def test_every_control_on_the_page_has_a_label(client, bob, assessment, code):
    client.force_login(bob)
    r = client.get(_url(assessment, _domain(assessment, code)))
    check = _LabelCheck()
    check.feed(r.content.decode())
    kinds = {desc.split()[1] for desc, _id, _inside in check.controls}
    expected = {"radio", "textarea", "url", "file"} | ({"checkbox"} if code == "GOV" else {"text"})
    assert expected <= kinds
    assert check.unlabelled() == []


def test_an_outsider_gets_404(client, charlie, assessment):
    gov = _domain(assessment, "GOV")
    client.force_login(charlie)
    assert client.get(_url(assessment, gov)).status_code == 404
    data = _page_data(assessment, gov, {"GOV-01": {"value": "1"}})
    assert client.post(_url(assessment, gov), data).status_code == 404
    assert not Response.objects.exists()


def test_an_official_sees_the_page_read_only_and_cannot_post(client, olivia, assessment):
    gov = _domain(assessment, "GOV")
    client.force_login(olivia)
    r = client.get(_url(assessment, gov))
    assert r.status_code == 200
    assert "hx-post" not in r.content.decode()
    data = _page_data(assessment, gov, {"GOV-01": {"value": "1"}})
    assert client.post(_url(assessment, gov), data).status_code == 403
    assert not Response.objects.exists()


def test_a_domain_of_another_framework_gets_404(client, bob, assessment):
    client.force_login(bob)
    assert client.get(reverse("questionnaire", args=[assessment.pk, 999_999])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(assessment):
    r = Client().get(_url(assessment, _domain(assessment, "GOV")))
    assert r.status_code == 302
    assert "login" in r.url
