"""The PDF report, rendered by WeasyPrint from the same context as the results page.

Report HTML carries user text (names, comments, evidence names), so it is
treated as hostile: the template escapes everything, free text is capped, and
WeasyPrint gets a URL fetcher that serves only the app's own static files and
`data:` URIs. `file:`, `http(s):` and everything else is refused, so nothing
outside the app can be read or contacted while rendering.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessments.models import Assessment
from assessments.reports.cache import report_inputs, report_key

TLP_MARKINGS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
DEFAULT_TLP = "AMBER"
STATIC_SCHEME = "app-static:"
MAX_FREE_TEXT = 1500


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside the app's own static files."""


def make_fetcher():
    """A WeasyPrint URL fetcher limited to `data:` URIs and `app-static:` files."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AppStaticFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_SCHEME):
                relative = PurePosixPath(url[len(STATIC_SCHEME) :].lstrip("/"))
                if ".." not in relative.parts and str(relative) != ".":
                    found = finders.find(str(relative))
                    if found:
                        mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
                        body = Path(found).read_bytes()
                        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
            self.refused.append(url[:200])
            raise RefusedURL(f"refused to fetch {url[:200]!r}: only the app's static files")

    return AppStaticFetcher()


def report_html(assessment: Assessment, *, tlp: str, language: str | None = None) -> str:
    from assessments.results.assemble import build_results
    from assessments.results.present import answer_rows, results_context

    css_path = finders.find("css/report.css")
    if not isinstance(css_path, str):
        raise RuntimeError("static/css/report.css is missing")
    css = Path(css_path).read_text(encoding="utf-8")
    # The whole report in the reader's language: the framework's texts are chosen while
    # the context is built, so that happens inside the override too.
    with translation.override(language or translation.get_language()):
        data = build_results(assessment)
        context = results_context(data)
        return render_to_string(
            "reports/assessment_report.html",
            {
                **context,
                "assessment": assessment,
                "answers": answer_rows(assessment, data.responses),
                "tlp": tlp,
                "css": css,
                "generated_at": timezone.now(),
                "max_text": MAX_FREE_TEXT,
                "min_group": data.min_group,
                "epsilon_per_statistic": settings.PEER_EPSILON_PER_STATISTIC,
                "validated": assessment.status == Assessment.Status.VALIDATED,
            },
        )


def render_pdf(html: str) -> tuple[bytes, list[str]]:
    """Render report HTML; returns the PDF bytes and the URLs the fetcher refused."""
    import weasyprint

    fetcher = make_fetcher()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=STATIC_SCHEME + "/")
    pdf = document.write_pdf(attachments=[], uncompressed_pdf=False)
    return pdf, fetcher.refused


def _report_names(assessment: Assessment, *, tlp: str, language: str) -> tuple[str, str]:
    """(folder, file name) of this state's cached PDF in the reports storage."""
    prefix = f"{tlp.replace('+', '_')}-{language}-"
    key = report_key(report_inputs(assessment, tlp=tlp, language=language))
    return str(assessment.pk), f"{prefix}{key}.pdf"


def cached_report(assessment: Assessment, *, tlp: str, language: str) -> bytes | None:
    """The cached PDF of this exact state, or None (never renders)."""
    from ops.storage import report_storage

    folder, name = _report_names(assessment, tlp=tlp, language=language)
    storage = report_storage()
    if not storage.exists(f"{folder}/{name}"):
        return None
    with storage.open(f"{folder}/{name}", "rb") as cached:
        return cached.read()


def report_pdf(
    assessment: Assessment,
    *,
    tlp: str,
    language: str | None = None,
    render: Callable[[str], tuple[bytes, list[str]]] | None = None,
) -> tuple[bytes, bool]:
    """The PDF for this assessment state, from the cache when unchanged; (bytes, cached).

    Cached PDFs live in the "reports" storage (ops.storage: a private folder or S3),
    one folder per assessment; `render` replaces the in-process renderer (the task
    worker passes one with a time and memory limit, ops.render).
    """
    from django.core.files.base import ContentFile

    from ops.storage import report_storage

    if tlp not in TLP_MARKINGS:
        raise ValueError(f"unknown TLP marking {tlp!r}")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    cached = cached_report(assessment, tlp=tlp, language=language)
    if cached is not None:
        return cached, True
    html = report_html(assessment, tlp=tlp, language=language)
    pdf, _refused = (render or render_pdf)(html)
    folder, name = _report_names(assessment, tlp=tlp, language=language)
    storage = report_storage()
    prefix = name.rsplit("-", 1)[0] + "-"
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        files = []
    for old in files:  # earlier states of this marking and language
        if old.startswith(prefix) and old != name:
            storage.delete(f"{folder}/{old}")
    if not storage.exists(f"{folder}/{name}"):  # another worker may have just stored it
        storage.save(f"{folder}/{name}", ContentFile(pdf))
    return pdf, False
