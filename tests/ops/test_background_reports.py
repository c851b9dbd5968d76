from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment
from assessments.review.services import assessment_submit, assessment_validate
from tests.conftest import answer_all, logged_in
from tests.ops.conftest import ANSWERS
from tests.ops.tasks import DATABASE_TASKS, run_queued_tasks


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_TASKS


def test_the_results_page_asks_for_the_report_through_htmx(queue, assessment, alice) -> None:
    page = logged_in(alice).get(reverse("results", args=[assessment.pk])).content.decode()

    assert f'hx-get="{reverse("report_status", args=[assessment.pk])}"' in page
    assert 'id="report-status"' in page


def test_an_uncached_report_is_queued_once_and_offered_when_the_worker_is_done(
    queue, assessment, alice
) -> None:
    client = logged_in(alice)
    download = reverse("report_pdf", args=[assessment.pk])
    status = reverse("report_status", args=[assessment.pk])

    first = client.get(download, {"tlp": "AMBER"})
    again = client.get(download, {"tlp": "AMBER"})
    polled = client.get(status, {"tlp": "AMBER"}).content.decode()

    assert (first.status_code, again.status_code) == (202, 202)
    assert "Preparing the report" in first.content.decode()
    assert DBTaskResult.objects.count() == 1  # a reload does not queue it twice
    assert 'hx-trigger="load delay:1s"' in polled
    assert "queued" in polled

    assert run_queued_tasks() == 1
    ready = client.get(status, {"tlp": "AMBER"}).content.decode()
    pdf = client.get(download, {"tlp": "AMBER"})

    assert "is ready" in ready and "hx-trigger" not in ready
    assert f'href="{download}?tlp=AMBER"' in ready
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert DBTaskResult.objects.count() == 1  # the cached report came at once


def test_another_user_cannot_poll_a_report_of_an_organisation_they_do_not_see(
    queue, assessment, charlie
) -> None:
    response = logged_in(charlie).get(reverse("report_status", args=[assessment.pk]))

    assert response.status_code == 404
    assert DBTaskResult.objects.count() == 0


def test_validation_queues_the_default_report(
    queue, assessment, alice, carol, django_capture_on_commit_callbacks
) -> None:
    answer_all(assessment, alice, ANSWERS)
    assessment_submit(assessment=assessment, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_validate(assessment=assessment, user=carol)

    renders = DBTaskResult.objects.filter(task_path="ops.tasks.render_report")
    assert [r.args_kwargs["args"] for r in renders] == [[assessment.pk, "AMBER", "en"]]


def test_a_render_over_its_time_limit_fails_with_a_clear_message_and_can_be_retried(
    queue, settings, assessment, alice
) -> None:
    settings.REPORT_RENDER_TIMEOUT = 0.01  # no Python starts that fast
    client = logged_in(alice)
    status = reverse("report_status", args=[assessment.pk])
    client.get(status)

    run_queued_tasks()
    failed = client.get(status).content.decode()

    assert DBTaskResult.objects.get().status == "FAILED"
    assert "could not be prepared" in failed
    assert "longer than 0.01 s" in failed
    assert "retry=1" in failed
    client.get(status, {"retry": "1"})
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_render_over_its_memory_limit_fails(queue, settings, assessment, alice) -> None:
    settings.REPORT_RENDER_MAX_MB = 64
    logged_in(alice).get(reverse("report_status", args=[assessment.pk]))

    run_queued_tasks()

    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    assert "RenderFailed" in result.exception_class_path
    assert not Assessment.objects.get(pk=assessment.pk).frozen_result  # nothing else changed
