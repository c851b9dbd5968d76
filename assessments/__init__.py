"""Organisations, cycles, assessments and everything done with them.

Packages, each owning one job (and what it may import):
- `models`, `access`: the data and the one door (`Assessment.objects.visible_to`,
  `access.get_assessment_for_user` -> `Permissions`). Everyone may import them.
- `scoring`, `peers`: pure rules, plain data in and out; no Django ORM, no request.
- `services`: shared write primitives (errors, row lock, `touch`, starting an assessment).
- `questionnaire/`: answering, autosave and evidence.
- `review/`: submit, return, moderate, validate.
- `results/`: assemble (database -> plain data), compute (`scoring`, `peers`),
  present (view models for page, PDF and exports), charts, portfolio, targets.
- `reports/`: PDF, exports and their downloads; reads `results` only.
Views import services and `results`/`reports` functions; they never query another
package's models for logic of their own. `frameworks` never imports `assessments`.
"""
