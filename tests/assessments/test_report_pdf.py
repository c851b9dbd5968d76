"""The PDF report (issue #5): read back with pypdf, hostile text, the fetcher, cache, views.

Rendering takes a second or two, so PDFs of the same scenario are rendered once
per module (`_rendered`) and read by several tests; the scenarios are built the
same way in every test's database, so their PDFs are the same.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Assessment, Evidence
from assessments.reports import pdf as pdf_module
from assessments.reports.pdf import RefusedURL, make_fetcher, render_pdf, report_html, report_pdf
from assessments.review.services import assessment_submit, assessment_validate
from tests.conftest import answer, answer_all, logged_in

# Every required question of tests/fixtures/mini.yaml.
ANSWERS = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}
DOMAINS = ("Governance", "Operations")
MARKING = re.compile(r"TLP:[A-Z+]+")


@pytest.fixture(autouse=True)
def _own_report_cache(settings, tmp_path: Path) -> None:
    # Test databases reuse primary keys, so no test may see another one's cached PDFs.
    settings.REPORT_CACHE_ROOT = tmp_path / "reports"


@pytest.fixture
def validated(assessment, alice, carol) -> Assessment:
    answer_all(assessment, alice, ANSWERS)
    assessment_submit(assessment=assessment, user=alice)
    assessment_validate(assessment=assessment, user=carol)
    return Assessment.objects.get(pk=assessment.pk)


def fresh(assessment: Assessment) -> Assessment:
    """The assessment as a view or command loads it: the cache key reads `updated_at`."""
    return Assessment.objects.select_related("organisation", "framework", "cycle").get(
        pk=assessment.pk
    )


_RENDERED: dict[tuple[str, str], bytes] = {}


def rendered(scenario: str, assessment: Assessment, tlp: str) -> bytes:
    """The report of a named scenario, rendered once per module."""
    if (scenario, tlp) not in _RENDERED:
        _RENDERED[(scenario, tlp)] = report_pdf(fresh(assessment), tlp=tlp)[0]
    return _RENDERED[(scenario, tlp)]


@lru_cache(maxsize=32)
def pages(pdf: bytes) -> tuple[str, ...]:
    """The text of every page (pypdf takes about as long as WeasyPrint, so once per PDF)."""
    return tuple(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeezed(text: str) -> str:
    """Text without whitespace: table cells wrap long text over several lines."""
    return re.sub(r"\s+", "", text)


def score_json(assessment: Assessment) -> dict:
    out = io.StringIO()
    call_command("score", str(assessment.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def one_decimal(value: float) -> str:
    """Scores as the web pages show them: whole numbers, halves rounded up (issue 16)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# --- what the report says ------------------------------------------------------------------


def test_it_names_the_organisation_every_domain_and_the_scores_of_score_json(
    validated: Assessment,
) -> None:
    text = "\n".join(pages(rendered("validated", validated, "AMBER")))
    result = score_json(validated)["result"]

    assert "Alpha Agency" in text
    assert f"{one_decimal(result['overall_score'])} / 100" in text
    for domain in result["domains"]:
        assert domain["name"] in DOMAINS
        assert f"{domain['name']} {one_decimal(domain['score'])}" in text
    for name in DOMAINS:
        assert name in text


@pytest.mark.parametrize("tlp", ["AMBER", "AMBER+STRICT"])
def test_it_prints_the_tlp_marking_on_every_page(validated: Assessment, tlp: str) -> None:
    texts = pages(rendered("validated", validated, tlp))

    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert f"TLP:{tlp}" in text, f"page {number}"
        assert set(MARKING.findall(text)) == {f"TLP:{tlp}"}, f"page {number}"


def test_the_cover_names_framework_version_cycle_and_status(validated: Assessment) -> None:
    cover = pages(rendered("validated", validated, "AMBER"))[0]

    for expected in ("Alpha Agency", "Mini framework", "v1.0 (revision 1)", "2026", "Validated"):
        assert expected in cover


def test_every_page_is_numbered_page_x_of_y(validated: Assessment) -> None:
    texts = pages(rendered("validated", validated, "AMBER"))

    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


def test_a_draft_carries_the_draft_watermark_on_every_page(assessment: Assessment) -> None:
    texts = pages(rendered("draft", assessment, "AMBER"))

    for number, text in enumerate(texts, start=1):
        assert "DRAFT" in text, f"page {number}"
        assert "TLP:AMBER" in text, f"page {number}"


def test_a_validated_report_has_no_draft_watermark(validated: Assessment) -> None:
    texts = pages(rendered("validated", validated, "AMBER"))

    assert not [n for n, text in enumerate(texts, start=1) if "DRAFT" in text]
    assert "Validated" in texts[0]


# --- hostile text --------------------------------------------------------------------------


@dataclass
class Recorder:
    url: str
    requests: list[str] = field(default_factory=list)


@contextmanager
def recording_server() -> Iterator[Recorder]:
    """A local HTTP server that records every request it gets."""
    recorder = Recorder(url="")

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            recorder.requests.append(f"{self.command} {self.path}")
            body = b"body { background: red }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_HEAD = do_POST = _record  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def server() -> Iterator[Recorder]:
    with recording_server() as recorder:
        yield recorder


def test_the_recording_server_records_a_request() -> None:
    # Without this, "zero requests" below could be a server that records nothing.
    with recording_server() as recorder:
        with urlopen(f"{recorder.url}/probe", timeout=5) as response:  # noqa: S310
            response.read()

    assert recorder.requests == ["GET /probe"]


def hostile_texts(url: str) -> dict[str, str]:
    return {
        "img": '<img src="file:///etc/hostname">',
        "link": '<link rel="attachment" href="file:///etc/passwd">',
        "css": (
            f'<div style="background: url({url}/inline)">x</div>'
            f"<style>@import url({url}/import.css); p {{ background: url({url}/bg) }}</style>"
        ),
        "anchor": '<a rel="attachment" href="file:///etc/group">get</a>',
        "org": f'Alpha <img src="file:///etc/hostname"> <style>*{{background:url({url}/org)}}',
        "evidence": '<link rel="attachment" href="file:///etc/passwd">.pdf',
    }


_HOSTILE: dict[str, tuple[bytes, list[str]]] = {}


def hostile_report(assessment: Assessment, alice, url: str) -> tuple[bytes, list[str]]:
    """A draft with hostile text everywhere users type; (PDF, URLs the fetcher refused)."""
    if url not in _HOSTILE:
        texts = hostile_texts(url)
        assessment.organisation.name = texts["org"]
        assessment.organisation.save()
        gov = answer(assessment, alice, "GOV-01", "2", comment=texts["img"])
        answer(assessment, alice, "GOV-02", "partial", comment=texts["link"])
        answer(
            assessment, alice, "OPS-01", "no", comment=texts["css"], evidence_link="file:///etc/x"
        )
        answer(assessment, alice, "OPS-03", texts["anchor"])
        # Uploads strip <>:"/ from names; rows written another way (an import, an
        # older version) must still be safe in the report.
        Evidence.objects.create(
            response=gov,
            original_name=texts["evidence"],
            stored_name="0" * 48,
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=alice,
        )
        html = report_html(fresh(assessment), tlp="AMBER")
        _HOSTILE[url] = render_pdf(html)
    return _HOSTILE[url]


def embedded_files(pdf: bytes) -> list[str]:
    """Every way a file can ride along: the EmbeddedFiles name tree and attachment annotations."""
    reader = PdfReader(io.BytesIO(pdf))
    found = [f"names:{name}" for name in reader.attachments]
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment":
                found.append(f"annotation on page {number}")
            action = annotation.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is not None:
                found.append(f"link on page {number}: {uri}")
    if b"/EmbeddedFile" in pdf:
        found.append("/EmbeddedFile in the raw bytes")
    return found


def test_the_attachment_check_sees_an_attachment() -> None:
    # A positive control: `data:` is allowed, so this one is embedded and must be seen.
    pdf, refused = render_pdf(
        '<link rel="attachment" href="data:text/plain,hello"><p>hi</p>'
        '<a rel="attachment" href="data:text/plain,bye">bye</a>'
    )

    assert refused == []
    found = embedded_files(pdf)
    assert any(f.startswith("names:") for f in found)
    assert "annotation on page 1" in found
    assert "/EmbeddedFile in the raw bytes" in found


def test_hostile_text_embeds_no_file(assessment: Assessment, alice, server: Recorder) -> None:
    pdf, refused = hostile_report(assessment, alice, server.url)

    assert embedded_files(pdf) == []
    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    # Escaped text never becomes markup, so WeasyPrint does not even ask for these URLs.
    assert refused == []


def test_hostile_text_contacts_no_server(assessment: Assessment, alice, server: Recorder) -> None:
    hostile_report(assessment, alice, server.url)

    assert server.requests == []


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("img", 'src="file:///etc/hostname">'),
        ("link", '<link rel="attachment" href="file:///etc/passwd">'),
        ("css", "/inline)"),
        ("css", "@import url("),
        ("anchor", '<a rel="attachment" href="file:///etc/group">get</a>'),
        ("org", "Alpha <img"),
        ("evidence", 'href="file:///etc/passwd">.pdf'),
    ],
)
def test_hostile_text_is_printed_literally(
    assessment: Assessment,
    alice,
    server: Recorder,
    key: str,
    fragment: str,
) -> None:
    pdf, _refused = hostile_report(assessment, alice, server.url)
    text = squeezed("".join(pages(pdf)))

    assert fragment in hostile_texts(server.url)[key]
    assert squeezed(fragment) in text


def test_the_fetcher_refuses_what_hostile_markup_asks_for(server: Recorder) -> None:
    # Defence in depth: were escaping ever lost, the fetcher still stops every request.
    html = (
        '<img src="file:///etc/hostname"><link rel="attachment" href="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/group">get</a>'
        f'<div style="background: url({server.url}/inline)">x</div>'
        f"<style>@import url({server.url}/import.css);</style>"
        '<img src="https://example.org/logo.png">'
    )
    pdf, refused = render_pdf(html)

    assert embedded_files(pdf) == []
    assert server.requests == []
    for url in (
        "file:///etc/hostname",
        "file:///etc/passwd",
        f"{server.url}/inline",
        f"{server.url}/import.css",
        "https://example.org/logo.png",
    ):
        assert url in refused


# --- the fetcher ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:{port}/",
        "https://example.org/",
        "app-static:../../settings.py",
        "app-static:css/../../config/settings.py",
        "app-static:///etc/passwd",
        "app-static:",
        "APP-STATIC:css/report.css",
        "ftp://127.0.0.1/",
    ],
)
def test_the_fetcher_refuses_and_records(url: str, server: Recorder) -> None:
    url = url.format(port=server.url.rsplit(":", 1)[1])
    fetcher = make_fetcher()

    with pytest.raises(RefusedURL):
        fetcher.fetch(url)

    assert fetcher.refused == [url]
    assert server.requests == []


def test_the_fetcher_serves_data_uris() -> None:
    fetcher = make_fetcher()

    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"
    assert fetcher.refused == []


def test_the_fetcher_serves_the_apps_static_files() -> None:
    fetcher = make_fetcher()

    response = fetcher.fetch("app-static:css/report.css")

    assert response.read() == Path(finders.find("css/report.css")).read_bytes()
    assert response.content_type == "text/css"
    assert fetcher.refused == []


# --- cache ---------------------------------------------------------------------------------


@dataclass
class Renders:
    """The HTML of every render report_pdf asked for (it renders only on a cache miss)."""

    html: list[str] = field(default_factory=list)


def _count_renders(monkeypatch, *, real: bool) -> Renders:
    renders = Renders()
    render: Callable[[str], tuple[bytes, list[str]]] = pdf_module.render_pdf

    def counting(html: str) -> tuple[bytes, list[str]]:
        renders.html.append(html)
        return render(html) if real else (b"%%PDF-1.7 stub %d" % len(renders.html), [])

    monkeypatch.setattr(pdf_module, "render_pdf", counting)
    return renders


@pytest.fixture
def renders(monkeypatch) -> Renders:
    return _count_renders(monkeypatch, real=True)


@pytest.fixture
def stub_renders(monkeypatch) -> Renders:
    """Counts renders without rendering: these tests are about when, not what."""
    return _count_renders(monkeypatch, real=False)


def test_an_unchanged_validated_report_comes_from_the_cache(
    validated: Assessment, renders: Renders
) -> None:
    first, first_cached = report_pdf(fresh(validated), tlp="AMBER")
    again, again_cached = report_pdf(fresh(validated), tlp="AMBER")

    assert (first_cached, again_cached) == (False, True)
    assert again == first
    assert first.startswith(b"%PDF-")
    assert len(renders.html) == 1


def test_another_tlp_marking_renders_again(validated: Assessment, stub_renders: Renders) -> None:
    report_pdf(fresh(validated), tlp="AMBER")
    _pdf, cached = report_pdf(fresh(validated), tlp="RED")

    assert not cached
    assert len(stub_renders.html) == 2
    assert "TLP:RED" in stub_renders.html[1]


def test_a_new_answer_on_a_draft_renders_again(
    assessment: Assessment,
    alice,
    stub_renders: Renders,
) -> None:
    report_pdf(fresh(assessment), tlp="AMBER")
    answer(assessment, alice, "GOV-01", "5")
    _pdf, cached = report_pdf(fresh(assessment), tlp="AMBER")

    assert not cached
    assert len(stub_renders.html) == 2
    assert "5 · Dynamic" not in stub_renders.html[0]
    assert "5 · Dynamic" in stub_renders.html[1]


def test_a_new_language_renders_again(validated: Assessment, stub_renders: Renders) -> None:
    report_pdf(fresh(validated), tlp="AMBER", language="en")
    _pdf, cached = report_pdf(fresh(validated), tlp="AMBER", language="fr")

    assert not cached
    assert len(stub_renders.html) == 2


def test_a_renamed_organisation_renders_again(validated: Assessment, stub_renders: Renders) -> None:
    report_pdf(fresh(validated), tlp="AMBER")
    validated.organisation.name = "Alpha National Agency"
    validated.organisation.save()
    _pdf, cached = report_pdf(fresh(validated), tlp="AMBER")

    assert not cached
    assert "Alpha National Agency" in stub_renders.html[-1]


def test_an_unknown_tlp_marking_is_refused(assessment: Assessment) -> None:
    with pytest.raises(ValueError, match="PURPLE"):
        report_pdf(assessment, tlp="PURPLE")


# --- views ---------------------------------------------------------------------------------


def test_members_advisers_and_officials_download_the_report(
    assessment: Assessment,
    cast: dict,
) -> None:
    url = reverse("report_pdf", args=[assessment.pk])
    for name in ("alice", "bob", "carol", "olivia"):
        response = logged_in(cast[name]).get(url)

        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf", name
        assert response["Content-Disposition"] == (
            'attachment; filename="alpha-agency-mini-2026.pdf"'
        ), name
        assert response["Cache-Control"] == "no-store, private", name
        metadata = PdfReader(io.BytesIO(response.content)).metadata
        assert metadata.subject == "TLP:AMBER", name  # the default marking
        assert metadata.author == "Alpha Agency", name


def test_an_outsider_gets_404(assessment: Assessment, charlie, stub_renders: Renders) -> None:
    response = logged_in(charlie).get(reverse("report_pdf", args=[assessment.pk]))

    assert response.status_code == 404
    assert stub_renders.html == []


def test_an_unknown_tlp_marking_gets_400(
    assessment: Assessment,
    alice,
    stub_renders: Renders,
) -> None:
    response = logged_in(alice).get(reverse("report_pdf", args=[assessment.pk]), {"tlp": "PURPLE"})

    assert response.status_code == 400
    assert stub_renders.html == []


def test_the_marking_is_read_in_any_case(
    assessment: Assessment,
    alice,
    stub_renders: Renders,
) -> None:
    response = logged_in(alice).get(
        reverse("report_pdf", args=[assessment.pk]), {"tlp": "amber+strict"}
    )

    assert response.status_code == 200
    assert 'content: "TLP:AMBER+STRICT"' in stub_renders.html[0]


# --- command -------------------------------------------------------------------------------


def test_the_command_writes_a_pdf_with_the_marking(validated: Assessment, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"

    stdout = io.StringIO()

    call_command("render_report", str(validated.pk), "-o", str(out), "--tlp", "RED", stdout=stdout)

    texts = pages(out.read_bytes())
    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert set(MARKING.findall(text)) == {"TLP:RED"}, f"page {number}"
        assert "DRAFT" not in text, f"page {number}"
    assert "rendered in" in stdout.getvalue()


def test_the_command_refuses_an_unknown_marking(assessment: Assessment, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command(
            "render_report", str(assessment.pk), "-o", str(tmp_path / "x.pdf"), "--tlp", "PURPLE"
        )

    assert not (tmp_path / "x.pdf").exists()


def test_the_command_refuses_an_unknown_assessment(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as excinfo:
        call_command("render_report", "999999", "-o", str(tmp_path / "x.pdf"))

    assert excinfo.value.returncode == 1
    assert not (tmp_path / "x.pdf").exists()
