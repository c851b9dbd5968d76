from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from frameworks import kinds

register = template.Library()


@register.filter
def get_item(mapping: object, key: object) -> object:
    """`mapping|get_item:key` for dicts in templates; empty string when absent."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def practice_label(value: str) -> str:
    return kinds.PRACTICE.display(value, level_names={})


@register.filter
def css_string(value: object) -> str:
    """Escape text for a double-quoted CSS string inside a <style> element."""
    out = []
    for ch in str(value):
        if ch in '"\\<>&' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return mark_safe("".join(out))  # noqa: S308 - every special character is escaped above


@register.filter
def clip(value: object, limit: int) -> str:
    """Cap free text (comments, names) in reports; the full text stays in the exports."""
    text = str(value or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.filter
def heat_band(score: float) -> int:
    """0..4: the 20-point band of a 0-100 score, for heat-map colours."""
    return min(int(score // 20), 4)


@register.simple_tag
def heat_cell(score: float | None, strong: bool = False) -> str:
    """One portfolio cell: the score's band colour and its number (a tag, not an
    include: a page has hundreds of cells)."""
    from django.template.defaultfilters import floatformat

    if score is None:
        return mark_safe('<td class="heat text-body-secondary">—</td>')
    weight = " fw-semibold" if strong else ""
    return format_html(
        '<td class="heat heat-{}{}">{}</td>', heat_band(score), weight, floatformat(score, 0)
    )


@register.filter
def percent(share: float | None) -> str:
    """0.8 -> "80 %", formatted for the active language."""
    from django.utils.formats import number_format

    if share is None:
        return "—"
    return f"{number_format(round(share * 100))} %"


@register.filter
def local_name(framework: object) -> str:
    """A framework's name in the reader's language, from its file's translations."""
    from frameworks.i18n import framework_name
    from frameworks.models import Framework

    return framework_name(framework) if isinstance(framework, Framework) else str(framework)
