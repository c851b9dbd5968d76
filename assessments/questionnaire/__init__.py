"""Answering an assessment: the domain pages, autosave, the answer form and evidence.

May import `assessments.models`, `access`, `services` and `frameworks`; never `review`,
`results` or `reports`.
"""
