from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import logged_in, read_body
from tests.ops.tasks import DATABASE_TASKS, run_queued_tasks


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_TASKS


def _url(assessment, fmt: str) -> str:
    return f"{reverse('portfolio')}?framework=mini&cycle={assessment.cycle_id}&format={fmt}"


def test_a_portfolio_export_is_built_by_the_worker_and_offered_to_whoever_asked(
    queue, assessment, carol, charlie
) -> None:
    client = logged_in(carol)
    asked = client.get(_url(assessment, "csv"))
    assert asked.status_code == 302
    status_url = asked["Location"]

    waiting = client.get(status_url)
    assert waiting.status_code == 202
    assert "Preparing portfolio-mini-2026.csv" in waiting.content.decode()
    assert logged_in(charlie).get(status_url).status_code == 404  # not their session

    assert run_queued_tasks() == 1
    ready = client.get(status_url, HTTP_HX_REQUEST="true")
    download = client.get(status_url + "?download=1")

    assert ready.status_code == 200 and "is ready" in ready.content.decode()
    assert download.status_code == 200
    assert 'filename="portfolio-mini-2026.csv"' in download["Content-Disposition"]
    assert "Alpha Agency" in read_body(download).decode("utf-8-sig")


def test_without_a_worker_the_export_comes_at_once(assessment, carol) -> None:
    response = logged_in(carol).get(_url(assessment, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
