from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping: object, key: object) -> object:
    """`mapping|get_item:key` for dicts in templates; empty string when absent."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def practice_label(value: str) -> str:
    from assessments.forms import PRACTICE_LABELS

    return str(PRACTICE_LABELS.get(value, value))
