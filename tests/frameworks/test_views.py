"""Browsing frameworks: the list, a framework's tree, old revisions, and the read-only admin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from frameworks.loader import LoadedFramework, load_file
from frameworks.models import Framework, Question
from frameworks.services import frameworks_import
from tests.conftest import FIXTURES
from tests.frameworks.conftest import DATA


def _import_variant(tmp_path: Path, filename: str, **changes: object) -> Framework:
    """Import a copy of mini.yaml with top-level `changes`; return the stored revision."""
    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text())
    data.update(changes)
    path = tmp_path / filename
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    [outcome] = frameworks_import(loaded=[load_file(path)])
    return Framework.objects.get(key=outcome.key, revision=outcome.revision)


def _row_of(html: str, framework: Framework) -> str:
    """The list table's <tr> that links to `framework`."""
    link = reverse("framework_detail", args=[framework.key])
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if f'href="{link}"' in row]
    assert len(rows) == 1, f"expected one row for {framework.key}"
    return rows[0]


@pytest.fixture
def other(tmp_path: Path, db: None) -> Framework:
    """A second framework with 2 questions, so its count differs from mini's 5."""
    gov_only = yaml.safe_load((FIXTURES / "mini.yaml").read_text())["domains"][:1]
    return _import_variant(
        tmp_path, "other.yaml", id="other", version="2.1", name="Other framework", domains=gov_only
    )


# --- the list -----------------------------------------------------------------------------


def test_the_list_requires_login(client: Client, framework: Framework) -> None:
    response = client.get(reverse("framework_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_list_shows_each_framework_with_its_version_and_question_count(
    client: Client, alice, framework: Framework, other: Framework
) -> None:
    client.force_login(alice)

    html = client.get(reverse("framework_list")).content.decode()

    mini_row = _row_of(html, framework)
    assert "Mini framework" in mini_row
    assert "<td>1.0</td>" in mini_row
    assert '<td class="num">5</td>' in mini_row
    other_row = _row_of(html, other)
    assert "Other framework" in other_row
    assert "<td>2.1</td>" in other_row
    assert '<td class="num">2</td>' in other_row


def test_the_list_shows_only_the_latest_revision_of_a_framework(
    client: Client, alice, tmp_path: Path, framework: Framework
) -> None:
    latest = _import_variant(tmp_path, "mini.yaml", version="1.1")
    client.force_login(alice)

    html = client.get(reverse("framework_list")).content.decode()

    row = _row_of(html, latest)
    assert "<td>1.1</td>" in row
    assert "<td>1.0</td>" not in html
    assert html.count("Mini framework") == 1


# --- one framework ------------------------------------------------------------------------


def test_the_detail_page_requires_login(client: Client, framework: Framework) -> None:
    response = client.get(reverse("framework_detail", args=["mini"]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_detail_page_shows_every_domain_and_question_code(
    client: Client, alice, framework: Framework
) -> None:
    client.force_login(alice)

    response = client.get(reverse("framework_detail", args=["mini"]))

    assert response.status_code == 200
    html = response.content.decode()
    for code in ["GOV", "OPS", "OPS.A", "GOV-01", "GOV-02", "OPS-01", "OPS-02", "OPS-03"]:
        assert code in html
    for question in Question.objects.filter(framework=framework):
        assert escape(question.text) in html
    assert escape(framework.licence_notice) in html


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_the_detail_page_of_a_shipped_framework_shows_every_domain_and_question_code(
    client: Client, alice, shipped: dict[str, LoadedFramework], name: str
) -> None:
    loaded = shipped[name]
    frameworks_import(loaded=[loaded])
    client.force_login(alice)

    html = client.get(reverse("framework_detail", args=[loaded.spec.id])).content.decode()

    for domain in loaded.spec.domains:
        assert f"{domain.code} · " in html
        for sub in domain.subdomains:
            assert f"{sub.code} · " in html
        for question in domain.all_questions():
            assert f"<code>{question.code}</code>" in html


def test_an_unknown_framework_gives_404(client: Client, alice, framework: Framework) -> None:
    client.force_login(alice)

    assert client.get(reverse("framework_detail", args=["no-such-framework"])).status_code == 404
    assert client.get(reverse("framework_revision", args=["no-such", 1])).status_code == 404
    assert client.get(reverse("framework_revision", args=["mini", 9])).status_code == 404


def test_an_old_revision_stays_reachable(
    client: Client, alice, tmp_path: Path, framework: Framework
) -> None:
    _import_variant(tmp_path, "mini.yaml", version="1.1", name="Mini framework, revised")
    client.force_login(alice)
    old_url = reverse("framework_revision", args=["mini", 1])

    latest = client.get(reverse("framework_detail", args=["mini"])).content.decode()
    old = client.get(old_url)

    assert "Mini framework, revised" in latest
    assert f'href="{old_url}"' in latest
    assert old.status_code == 200
    assert old.context["framework"] == framework
    html = old.content.decode()
    assert "revision 1" in html
    assert "v1.0" in html
    assert "Mini framework, revised" not in html


# --- the admin ----------------------------------------------------------------------------


def test_the_admin_lists_frameworks(client: Client, root, framework: Framework) -> None:
    client.force_login(root)

    changelist = client.get(reverse("admin:frameworks_framework_changelist"))
    view = client.get(reverse("admin:frameworks_framework_change", args=[framework.pk]))

    assert changelist.status_code == 200
    assert "Mini framework" in changelist.content.decode()
    assert view.status_code == 200
    assert "GOV" in view.content.decode()


def test_the_admin_cannot_add_a_framework_or_question(client: Client, root, db: None) -> None:
    client.force_login(root)

    assert client.get(reverse("admin:frameworks_framework_add")).status_code == 403
    assert client.post(reverse("admin:frameworks_framework_add"), {}).status_code == 403
    assert client.get(reverse("admin:frameworks_question_add")).status_code == 403
    assert Framework.objects.count() == 0


def test_the_admin_cannot_change_a_framework(client: Client, root, framework: Framework) -> None:
    client.force_login(root)
    url = reverse("admin:frameworks_framework_change", args=[framework.pk])
    page = client.get(url)

    response = client.post(url, {"name": "Renamed", "key": "renamed", "version": "9"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    framework.refresh_from_db()
    assert (framework.name, framework.key, framework.version) == ("Mini framework", "mini", "1.0")


def test_the_admin_cannot_change_a_question(client: Client, root, framework: Framework) -> None:
    client.force_login(root)
    question = framework.questions.get(code="GOV-01")

    response = client.post(
        reverse("admin:frameworks_question_change", args=[question.pk]), {"text": "Edited"}
    )

    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text == "Is there a strategy?"


def test_the_admin_cannot_delete_a_framework(client: Client, root, framework: Framework) -> None:
    client.force_login(root)
    url = reverse("admin:frameworks_framework_delete", args=[framework.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:frameworks_framework_changelist")
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [framework.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert Framework.objects.filter(pk=framework.pk).exists()
    assert framework.questions.count() == 5
