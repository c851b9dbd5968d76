"""Frameworks as versioned data: the file schema, the answer kinds, the importers and the
browsing pages.

- `kinds`: each answer kind defined once (pure: no ORM, no request).
- `schema`, `loader`, `coverage`: validating a framework file and its translations.
- `models`, `services`: storing revisions (a version label names one content for good).
- `i18n`: framework texts in the reader's language.
`frameworks` never imports `assessments`.
"""
