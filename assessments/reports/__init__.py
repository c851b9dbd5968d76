"""Reports of one assessment: PDF (WeasyPrint) and exports (JSON, CSV, XLSX)."""
