"""Moving data in and out of the platform.

- `docx_report`: the editable Word report (same context as the PDF).
- `workbook`: the signed offline fieldwork workbook and its upload preview.
- `bundle`: moving one assessment between instances (export_bundle / import_bundle).
- `api` and `tokens`: the read-only JSON API under /api/v1/ and personal API tokens.

Framework interchange lives with the frameworks: `frameworks/xlsx.py` (Excel
authoring), `frameworks/ciso.py` (CISO Assistant libraries), `frameworks/dump.py`.
"""
