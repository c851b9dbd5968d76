"""The access matrix's world (org A's assessment with an answer and a file, and
org B's), shared by the security tests."""

from __future__ import annotations

from tests.assessments import test_access_matrix as matrix

framework = matrix.framework
world = matrix.world
fast_pdf = matrix.fast_pdf
