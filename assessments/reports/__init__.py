"""Reports of one assessment: the PDF (WeasyPrint), the exports (JSON, CSV, XLSX), their
downloads and the report cache key (`cache`).

Reads `assessments.results` (assembled and presented data) and never a page's view.
"""
