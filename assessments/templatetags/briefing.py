"""The report as a briefing (issue 16): country names, the TLP sharing rule, a narrative,
the top actions by topic with a horizon, and per-domain change since the previous cycle.

Kept as template helpers so that the PDF's context builder and cache stay untouched.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from assessments.models import Assessment
from frameworks import kinds

register = template.Library()

# What each Traffic Light Protocol 2.0 label allows, in one line for headers and footers.
TLP_RULES = {
    "CLEAR": gettext_noop("TLP:CLEAR — disclosure is not limited."),
    "GREEN": gettext_noop("TLP:GREEN — share within the community, not publicly."),
    "AMBER": gettext_noop(
        "TLP:AMBER — share on a need-to-know basis within the organisation and its clients."
    ),
    "AMBER+STRICT": gettext_noop("TLP:AMBER+STRICT — share only within the organisation."),
    "RED": gettext_noop("TLP:RED — for the named recipients only; no further sharing."),
}


@register.filter
def country_name(code: str) -> str:
    """ISO 3166 alpha-2 code -> the country's name in the current language."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse((get_language() or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return locale.territories.get((code or "").upper(), code)


@register.filter
def tlp_rule(tlp: str) -> str:
    return _(TLP_RULES.get(tlp, TLP_RULES["AMBER"]))


@register.simple_tag
def answer_display(kind: str, value: str, assessment: Assessment) -> str:
    """A stored value as a reader sees it ("3 · Established" rather than "3")."""
    if not value:
        return ""
    try:
        return kinds.get(kind).display(value, level_names=assessment.framework.level_names())
    except (KeyError, ValueError):
        return value


def horizon(gap: int | None) -> str:
    """A suggested horizon for closing a gap of `gap` levels."""
    if gap is None or gap <= 1:
        return _("within 12 months")
    if gap == 2:
        return _("12 to 24 months")
    return _("24 to 36 months")


@register.simple_tag
def top_actions(recommendations: list, rows: list, count: int = 3) -> list[dict]:
    """The first recommendation of each of the `count` most important topics (domains)."""
    by_code = {r.code: r for r in rows}
    actions: list[dict] = []
    seen: set[str] = set()
    for rec in recommendations:
        if rec.domain in seen:
            continue
        seen.add(rec.domain)
        row = by_code.get(rec.domain)
        actions.append(
            {
                "topic": row.name if row else rec.domain,
                "text": rec.text,
                "question": rec.question,
                "level": rec.level,
                "horizon": horizon(row.gap if row else None),
            }
        )
        if len(actions) == count:
            break
    return actions


@register.simple_tag
def domain_titles(recommendations: list, rows: list) -> list[dict]:
    """Every recommendation titled by its topic's name, with a horizon."""
    by_code = {r.code: r for r in rows}
    out = []
    for rec in recommendations:
        row = by_code.get(rec.domain)
        out.append(
            {
                "topic": row.name if row else rec.domain,
                "text": rec.text,
                "question": rec.question,
                "level": rec.level,
                "horizon": horizon(row.gap if row else None),
            }
        )
    return out


def previous_scores(assessment: Assessment) -> tuple[str, dict]:
    """The previous validated cycle's name and frozen scores for this organisation."""
    before = (
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id,
            framework_key=assessment.framework_key,
            status=Assessment.Status.VALIDATED,
            cycle__starts_on__lt=assessment.cycle.starts_on,
        )
        .order_by("-cycle__starts_on")
        .values_list("cycle__name", "frozen_result__scores")
        .first()
    )
    return (before[0], before[1] or {}) if before else ("", {})


@register.simple_tag
def domain_trends(assessment: Assessment, rows: list, overall: float | None) -> dict:
    """Per-domain change since the previous validated cycle, with small-multiple bars."""
    cycle, scores = previous_scores(assessment)
    if not cycle:
        return {"cycle": "", "rows": [], "overall": None, "overall_before": None}
    out = []
    for r in rows:
        before = scores.get(r.code)
        change = None if before is None or r.score is None else r.score - before
        out.append(
            {
                "name": r.name,
                "before": before,
                "now": r.score,
                "change": change,
                "svg": _bars(before, r.score),
            }
        )
    before_overall = scores.get("overall")
    return {
        "cycle": cycle,
        "rows": out,
        "overall": None if before_overall is None or overall is None else overall - before_overall,
        "overall_before": before_overall,
    }


def _bars(before: float | None, now: float | None) -> str:
    """Two small horizontal bars, previous (grey) and now (blue), on a 0-100 scale."""
    width = 120

    def bar(y: int, value: float | None, colour: str) -> str:
        if value is None:
            return ""
        return (
            f'<rect x="0" y="{y}" width="{max(value, 0) / 100 * width:.1f}" height="7" '
            f'fill="{colour}"/>'
        )

    return mark_safe(  # noqa: S308 - numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="18" '
        f'viewBox="0 0 {width} 18" role="img" aria-hidden="true">'
        f'<rect x="0" y="0" width="{width}" height="18" fill="#f1f3f5"/>'
        f"{bar(1, before, '#8a94a6')}{bar(10, now, '#1f5fbf')}</svg>"
    )
