"""The workflow after answering: submit, return, advisor moderation and validation.

May import `assessments.models`, `access`, `services`, `results` (to freeze scores on
validation) and `frameworks`; never `questionnaire` views or `reports`.
"""
