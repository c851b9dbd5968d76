"""Background tasks (Django's tasks framework; `manage.py db_worker` runs them in production).

Arguments are plain JSON values (ids, codes), never model instances: a task may
run on another machine, later, against the database as it is then.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation


@task(queue_name="default")
def render_report(assessment_id: int, tlp: str, language: str) -> dict:
    """Render (or find cached) the PDF report of one assessment state into the reports storage."""
    from assessments.models import Assessment
    from assessments.reports.pdf import report_pdf, split_language
    from ops.render import render_limited

    assessment = Assessment.objects.select_related("organisation", "framework", "cycle").get(
        pk=assessment_id
    )
    with translation.override(split_language(language)[0]):
        pdf, cached = report_pdf(assessment, tlp=tlp, language=language, render=render_limited)
    return {"bytes": len(pdf), "cached": cached}


@task(queue_name="default")
def send_email(to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail (one message per recipient: nobody sees the others)."""
    sent = 0
    for address in to:
        sent += EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
        ).send()
    return sent


@task(queue_name="default")
def export_portfolio(user_id: int, framework_key: str, cycle_id: int, fmt: str, name: str) -> dict:
    """Write a portfolio export for one user into the reports storage (ops.reports serves it)."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from assessments.reports.exports import write_csv, write_xlsx
    from assessments.results.portfolio import build_portfolio, portfolio_table
    from ops.storage import report_storage

    user = get_user_model().objects.get(pk=user_id)
    data = build_portfolio(user, framework_key=framework_key, cycle_id=cycle_id)
    table = portfolio_table(data, data.rows(list(data.select())))
    content = write_csv(table) if fmt == "csv" else write_xlsx({"Portfolio": table})
    storage = report_storage()
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(content))
    return {"name": name, "bytes": len(content)}
