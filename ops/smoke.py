"""Check a running production profile: `python -m ops.smoke http://127.0.0.1:8000 [TLP]`.

/healthz answers ok, a hashed static file is served (DEBUG off, WhiteNoise), and a
PDF report is rendered through the task worker (queued, polled, downloaded).
Needs the demo data (`make serve DEMO=1`).
"""

from __future__ import annotations

import json
import re
import sys
import time

from ops.httpclient import Session, first_group

DEMO_PASSWORD = "resilience-demo"  # noqa: S105 (the documented demo password)


def main(
    base_url: str, *, tlp: str = "AMBER", password: str = DEMO_PASSWORD, wait: float = 120.0
) -> int:
    s = Session(base_url)
    health = s.get("/healthz")
    print(f"/healthz -> {health.status} {json.loads(health.body)['status']}")
    assert health.status == 200, health.text

    s.login("coordinator", password)
    home = s.get("/assessments/").text
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', s.get("/").text)
    assert css, "no hashed stylesheet link: static files are not collected"
    static = s.get(css.group(1))
    print(
        f"{css.group(1)} -> {static.status}, {len(static.body)} bytes, "
        f"cache-control: {static.headers.get('Cache-Control')}"
    )
    assert static.status == 200 and b"{" in static.body

    pk = first_group(r'href="/assessments/(\d+)/"', home)
    started = time.monotonic()
    first = s.get(f"/assessments/{pk}/report/status/?tlp={tlp}", htmx=True)
    state = first.text
    offered = f'href="/assessments/{pk}/report.pdf?tlp={tlp}"'
    while offered not in state and time.monotonic() - started < wait:
        assert "could not be prepared" not in state, state
        time.sleep(1)
        state = s.get(f"/assessments/{pk}/report/status/?tlp={tlp}", htmx=True).text
    pdf = s.get(f"/assessments/{pk}/report.pdf?tlp={tlp}")
    print(
        f"report of assessment {pk}: first poll said "
        f"{'ready' if offered in first.text else 'queued' if 'queued' in first.text else '?'}, "
        f"ready after {time.monotonic() - started:.1f} s, {pdf.status} "
        f"{pdf.headers.get('Content-Type')} {len(pdf.body)} bytes"
    )
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    again = time.monotonic()
    cached = s.get(f"/assessments/{pk}/report.pdf?tlp={tlp}")
    print(f"cached download: {cached.status} in {(time.monotonic() - again) * 1000:.0f} ms")
    print("smoke check passed")
    return 0


if __name__ == "__main__":
    sys.exit(
        main(
            sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000",
            tlp=sys.argv[2] if len(sys.argv) > 2 else "AMBER",
        )
    )
