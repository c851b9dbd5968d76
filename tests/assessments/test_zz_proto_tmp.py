import io, time
from pypdf import PdfReader
from assessments.reports.pdf import report_pdf, report_html, render_pdf


def test_proto(assessment, settings, tmp_path):
    for i in range(3):
        t = time.perf_counter()
        html = report_html(assessment, tlp="AMBER")
        t1 = time.perf_counter()
        pdf, refused = render_pdf(html)
        t2 = time.perf_counter()
        print("html", t1 - t, "pdf", t2 - t1)
    t = time.perf_counter()
    pdf, refused = render_pdf(
        '<p>x</p><link rel="attachment" href="data:text/plain,hello"><a rel="attachment" href="data:text/plain,bye">y</a>'
    )
    print("tiny", time.perf_counter() - t)
    r = PdfReader(io.BytesIO(pdf))
    print(
        r.attachments,
        b"/EmbeddedFile" in pdf,
        [a.get_object() for a in r.pages[0].get("/Annots", [])],
    )
    print(r.trailer["/Root"])
