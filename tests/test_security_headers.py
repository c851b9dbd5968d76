"""Pages forbid inline scripts and foreign origins; templates carry no inline script."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from tests.conftest import logged_in

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_every_page_sends_a_content_security_policy(assessment, bob) -> None:
    response = logged_in(bob).get(reverse("results", args=[assessment.pk]))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if inline_script.search(path.read_text()) or handler.search(path.read_text())
    ]

    assert offenders == []
