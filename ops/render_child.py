"""Child process of `ops.render`: HTML on stdin, the PDF into the file named on the command line."""

from __future__ import annotations

import sys


def main() -> int:
    import django

    django.setup()
    from assessments.reports.pdf import render_pdf

    html = sys.stdin.buffer.read().decode("utf-8")
    pdf, refused = render_pdf(html)
    with open(sys.argv[1], "wb") as out:
        out.write(pdf)
    for url in refused:
        print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
