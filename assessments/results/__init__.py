"""Results in three steps: `assemble` (database -> plain data), compute (the pure
`assessments.scoring` and `assessments.peers`), `present` (view models for the page,
the PDF and exports); plus `charts` (SVG, one code path for page and PDF), `targets`,
`definition` (a revision's cached scoring definition) and the `portfolio`.

May import `assessments.models`, `access`, `services` and `frameworks`; never
`questionnaire`, `review` or `reports`.
"""
