"""The PDF report, rendered by WeasyPrint from the same context as the results page.

Report HTML carries user text (names, comments, evidence names), so it is
treated as hostile: the template escapes everything, free text is capped, and
WeasyPrint gets a URL fetcher that serves only the app's own static files and
`data:` URIs. `file:`, `http(s):` and everything else is refused, so nothing
outside the app can be read or contacted while rendering.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessments.models import Assessment
from assessments.reports.cache import report_inputs, report_key

if TYPE_CHECKING:
    from assessments.results.assemble import Results

TLP_MARKINGS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
DEFAULT_TLP = "AMBER"
STATIC_SCHEME = "app-static:"
MAX_FREE_TEXT = 1500


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside the app's own static files."""


class UnknownLanguage(ValueError):
    """A report language the app has no catalogue for."""


def report_language(primary: str, also: str | None = None) -> str:
    """The report's language code: "fr", or "fr+en" for French with English beside it.

    A bilingual report (for partner governments) sets the second language beside
    the first on the cover, the executive summary and the domain table; the rest of
    the report is in the first. Raises UnknownLanguage for a code we do not ship.
    """
    known = {code for code, _name in settings.LANGUAGES}
    primary = (primary or settings.LANGUAGE_CODE).split("-")[0]
    if primary not in known:
        raise UnknownLanguage(primary)
    if not also or also == primary:
        return primary
    if also not in known:
        raise UnknownLanguage(also)
    return f"{primary}+{also}"


def split_language(language: str) -> tuple[str, str | None]:
    """("fr", "en") for "fr+en"; ("fr", None) for "fr"."""
    primary, _sep, also = language.partition("+")
    return primary, also or None


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
    from assessments.results.present import answer_rows

    css_path = finders.find("css/report.css")
    if not isinstance(css_path, str):
        raise RuntimeError("static/css/report.css is missing")
    css = Path(css_path).read_text(encoding="utf-8")
    primary, also = split_language(language or translation.get_language() or "en")
    generated_at = timezone.now()
    # The whole report in the reader's language: the framework's texts are chosen while
    # the context is built, so that happens inside the override too.
    with translation.override(primary):
        data = build_results(assessment)
        context = _context(assessment, data, tlp=tlp, generated_at=generated_at)
        sides = []
        if also:
            sides = [_side(context), _side_in(assessment, also, tlp=tlp, at=generated_at)]
        return compact_html(
            render_to_string(
                "reports/assessment_report.html",
                {
                    **context,
                    "answers": answer_rows(assessment, data.responses),
                    "css": css,
                    "max_text": MAX_FREE_TEXT,
                    "epsilon_per_statistic": settings.PEER_EPSILON_PER_STATISTIC,
                    "sides": sides,
                },
            )
        )


_WHITESPACE = re.compile(r"\s+")


def compact_html(html: str) -> str:
    """Runs of white space as one space: the report shows none of them (it has no
    preformatted text), and WeasyPrint parses and lays out fewer, shorter text nodes."""
    return _WHITESPACE.sub(" ", html)


_FONTS = threading.local()


def _font_config() -> object:
    """One WeasyPrint font configuration per thread, kept between reports (a warm
    worker does not look its fonts up again)."""
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_FONTS, "config"):
        _FONTS.config = FontConfiguration()
    return _FONTS.config


def _context(
    assessment: Assessment, data: Results, *, tlp: str, generated_at: datetime
) -> dict[str, object]:
    """What the report and each side of a bilingual report show, in the active language."""
    from assessments.results.present import results_context

    return {
        **results_context(data),
        "assessment": assessment,
        "tlp": tlp,
        "generated_at": generated_at,
        "min_group": data.min_group,
        "validated": assessment.status == Assessment.Status.VALIDATED,
    }


def _side_in(assessment: Assessment, language: str, *, tlp: str, at: datetime) -> dict[str, str]:
    """The cover and summary of the report in a second language."""
    from assessments.results.assemble import build_results

    with translation.override(language):
        return _side(_context(assessment, build_results(assessment), tlp=tlp, generated_at=at))


def _side(context: dict[str, object]) -> dict[str, str]:
    """One language's column of a bilingual report (rendered in the active language)."""
    return {
        "lang": translation.get_language() or "en",
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "cover": render_to_string("reports/_side_cover.html", context),
        "summary": render_to_string("reports/_side_summary.html", context),
    }


def render_pdf(html: str) -> tuple[bytes, list[str]]:
    """Render report HTML; returns the PDF bytes and the URLs the fetcher refused."""
    import weasyprint

    fetcher = make_fetcher()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=STATIC_SCHEME + "/")
    pdf = document.write_pdf(attachments=[], uncompressed_pdf=False, font_config=_font_config())
    return pdf, fetcher.refused


def _report_names(assessment: Assessment, *, tlp: str, language: str) -> tuple[str, str]:
    """(folder, file name) of this state's cached PDF in the reports storage."""
    prefix = f"{tlp.replace('+', '_')}-{language.replace('+', '_')}-"
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
