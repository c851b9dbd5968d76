"""Rendering a PDF with a time and a memory limit, in a child process.

WeasyPrint runs in `python -m ops.render_child` with an address-space limit
(`REPORT_RENDER_MAX_MB`) and is killed after `REPORT_RENDER_TIMEOUT` seconds, so
one pathological report cannot stall or swell the worker that renders it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings


class RenderFailed(RuntimeError):
    """The render ran out of time or memory, or crashed."""


def _limit_memory(max_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def render_limited(html: str) -> tuple[bytes, list[str]]:
    """The same result as `assessments.reports.pdf.render_pdf`, under the limits."""
    timeout = settings.REPORT_RENDER_TIMEOUT
    max_bytes = settings.REPORT_RENDER_MAX_MB * 1024 * 1024
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
    }
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        out = Path(tmp) / "report.pdf"
        try:
            done = subprocess.run(
                [sys.executable, "-m", "ops.render_child", str(out)],
                input=html.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                cwd=settings.BASE_DIR,
                env=env,
                preexec_fn=lambda: _limit_memory(max_bytes),  # noqa: PLW1509
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RenderFailed(f"the report took longer than {timeout} s to render") from exc
        if done.returncode != 0 or not out.is_file():
            tail = done.stderr.decode("utf-8", "replace")[-500:]
            out_of_memory = ("MemoryError", "Cannot allocate memory", "Resource temporarily")
            if any(sign in tail for sign in out_of_memory):
                raise RenderFailed(
                    f"the report needed more than {settings.REPORT_RENDER_MAX_MB} MB to render"
                )
            raise RenderFailed(f"the report could not be rendered: {tail}")
        refused = [line for line in done.stdout.decode("utf-8", "replace").splitlines() if line]
        return out.read_bytes(), refused
