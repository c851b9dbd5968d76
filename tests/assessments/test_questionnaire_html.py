"""The questionnaire's HTML holds together: unique ids, references that resolve, no
nested forms, and each fieldset's legend as its first child (issue 16)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from assessments.teamwork.services import assignment_set, comment_post
from frameworks.models import Domain, Question
from tests.conftest import answer, logged_in

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[tuple[str, str]] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.fieldset_children: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        for name in ("for", "aria-describedby", "aria-labelledby", "aria-controls"):
            for ref in a.get(name, "").split():
                self.refs.append((name, ref))
        if tag == "form" and "form" in self.stack:
            self.problems.append("a form inside a form")
        if self.stack and self.stack[-1] == "fieldset":
            self.fieldset_children[-1].append(tag)
        if tag == "fieldset":
            self.fieldset_children.append([])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


@pytest.mark.parametrize("code", ["GOV", "OPS"])
def test_the_questionnaire_is_well_formed(alice, bob, assessment, code):
    domain = Domain.objects.get(framework=assessment.framework, code=code, parent__isnull=True)
    assignment_set(assessment=assessment, domain=domain, assignee=bob, user=alice)
    q = Question.objects.filter(domain=domain).first()
    comment_post(assessment=assessment, question=q, user=bob, body="Which document?")
    answer(
        assessment,
        bob,
        q.code,
        "3" if q.kind == "maturity" else "yes" if q.kind == "yes_no" else "",
    )
    html = (
        logged_in(bob)
        .get(reverse("questionnaire", args=[assessment.pk, domain.pk]))
        .content.decode()
    )
    checker = Checker()
    checker.feed(html)
    assert not checker.problems
    duplicates = {i for i in checker.ids if checker.ids.count(i) > 1}
    assert not duplicates
    missing = [(name, ref) for name, ref in checker.refs if ref not in checker.ids]
    assert not missing
    assert checker.fieldset_children and all(
        children and children[0] == "legend" for children in checker.fieldset_children
    )
