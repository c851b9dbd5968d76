"""The editable Word report: the PDF's content, as a .docx an official can edit.

It reads the very context the results page and the PDF read
(`results_context`, `answer_rows`), in the same language and with the same
Traffic Light Protocol marking, so the three never disagree. The PDF's SVG
charts are not embedded (Word has no safe SVG path); the tables beside them
carry the same numbers. python-docx escapes all text itself.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Assessment

MAX_FREE_TEXT = 1500
RTL_LANGUAGES = {"ar", "he", "fa", "ur"}
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _clip(value: object, limit: int = MAX_FREE_TEXT) -> str:
    text = str(value or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return formats.number_format(value, digits)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _level(number: int | None, name: str) -> str:
    return "—" if number is None else f"{number} · {name}"


def _domain_level(row) -> str:
    from assessments import scoring

    if row.level is not None:
        return _level(row.level, row.level_name)
    if row.status == scoring.NOT_ASSESSED:
        return _("Not assessed")
    if row.status == scoring.INSUFFICIENT:
        return _("Insufficient evidence")
    return "—"


def report_docx(assessment: Assessment, *, tlp: str, language: str | None = None) -> bytes:
    """The report as Word bytes, in `language` (default: the active one)."""
    from assessments.results.assemble import build_results
    from assessments.results.present import answer_rows, results_context

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        data = build_results(assessment)
        context = results_context(data)
        answers = answer_rows(assessment, data.responses)
        return _write(assessment, context, answers, tlp=tlp, language=language)


def _write(assessment: Assessment, c: dict, answers: list, *, tlp: str, language: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from assessments import scoring
    from assessments.templatetags.assessment_tags import percent

    validated = assessment.status == Assessment.Status.VALIDATED
    framework = assessment.framework
    rtl = language.split("-")[0] in RTL_LANGUAGES
    doc = Document()
    doc.core_properties.title = (
        f"{assessment.organisation.name} · {framework.name} · {assessment.cycle.name}"
    )
    doc.core_properties.author = assessment.organisation.name
    doc.core_properties.subject = f"TLP:{tlp}"
    doc.core_properties.language = language
    style = doc.styles["Normal"]
    style.font.size = Pt(10)
    if rtl:
        # Right-to-left paragraphs and tables for Arabic (start/end, never left/right).
        for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
            ppr = doc.styles[name].element.get_or_add_pPr()
            ppr.append(ppr.makeelement(qn("w:bidi"), {}))

    marking = f"TLP:{tlp}"
    for section in doc.sections:
        section.header.paragraphs[0].text = marking
        section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        section.footer.paragraphs[0].text = _("Confidential self-assessment")

    def table(header: list[str], rows: list[list[str]]) -> None:
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        if rtl:
            tpr = t._tbl.tblPr
            tpr.append(tpr.makeelement(qn("w:bidiVisual"), {}))
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for values in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = str(text)

    def bullets(items: list[str], style: str = "List Number") -> None:
        for item in items:
            doc.add_paragraph(item, style=style)

    # Cover
    doc.add_paragraph(_("Cyber-resilience maturity assessment"))
    doc.add_paragraph().add_run(marking).bold = True
    doc.add_heading(_clip(assessment.organisation.name, 200), level=0)
    doc.add_paragraph(framework.name)
    status = assessment.get_status_display()
    if validated and assessment.validated_at:
        status += " · " + formats.date_format(assessment.validated_at, "j F Y")
    table(
        [_("Framework"), framework.name],
        [
            [
                _("Framework version"),
                f"v{framework.version} ("
                + _("revision %(rev)s") % {"rev": framework.revision}
                + ")",
            ],
            [_("Cycle"), assessment.cycle.name],
            [_("Status"), status],
            [
                _("Country"),
                f"{assessment.organisation.country} · {assessment.organisation.region}",
            ],
            [_("Report date"), formats.date_format(timezone.now(), "j F Y")],
        ],
    )
    if not validated:
        doc.add_paragraph(
            _(
                "Draft: this assessment is not validated. Scores are provisional and change "
                "as answers change."
            )
        ).runs[0].bold = True
    doc.add_paragraph(
        _("Marked TLP:%(tlp)s under the Traffic Light Protocol: share only as that marking allows.")
        % {"tlp": tlp}
    )
    if not c.get("intact", True):
        doc.add_paragraph(
            _("Integrity warning.")
            + " "
            + _(
                "The stored answers of this validated assessment no longer match the "
                "fingerprint taken at validation. The scores in this report are the ones frozen "
                "at validation; the appendix shows the answers as stored now."
            )
        ).runs[0].bold = True
    if validated and assessment.answers_hash:
        doc.add_paragraph(f"{_('Answers fingerprint (SHA-256)')}: {assessment.answers_hash}")
    doc.add_page_break()

    # Executive summary
    result = c["result"]
    doc.add_heading(_("Executive summary"), level=1)
    table(
        [_("Overall score"), _("Overall level"), _("Among peers"), _("Completeness")],
        [
            [
                f"{_num(result.overall_score)} / 100",
                c["overall_level_name"],
                c["overall_position_label"] if c["overall_position"] else "—",
                _("Not assessed")
                if result.status == scoring.NOT_ASSESSED
                else _pct(result.completeness),
            ]
        ],
    )
    if c["moderated"]:
        doc.add_paragraph(
            _(
                "Scores shown are validated by the advisor; the organisation's own answers "
                "give an overall score of %(s)s."
            )
            % {"s": _num(c["self_result"].overall_score)}
        )
    doc.add_heading(_("Strengths"), level=3)
    bullets(
        [f"{r.name} — {_num(r.score, 0)} ({r.level_name})" for r in c["strengths"]]
        or [_("Not enough answers yet.")]
    )
    doc.add_heading(_("Priorities"), level=3)
    bullets(
        [
            f"{r.name} — "
            + _("at %(level)s, target %(target)s")
            % {"level": r.level_name, "target": r.target_name}
            for r in c["priorities"]
        ]
        or [_("Every domain has reached its target.")]
    )

    # Domains
    doc.add_heading(_("Domains"), level=1)
    header = [_("Domain"), _("Score")]
    if c["moderated"]:
        header.append(_("Self-assessed"))
    header.append(_("Level"))
    if c["is_gated"]:
        header.append(_("Coverage"))
    header += [_("Target"), _("Gap"), _("Among peers"), _("Answered")]
    rows = []
    for r in c["rows"]:
        values = [r.name, _num(r.score)]
        if c["moderated"]:
            values.append(_num(r.self_score))
        values.append(_domain_level(r))
        if c["is_gated"]:
            values.append(_pct(r.coverage))
        gap = "—" if r.gap is None else (str(r.gap) if r.gap > 0 else _("met"))
        values += [
            _level(r.target, r.target_name) if r.target else "",
            gap,
            r.position_label if r.position else "—",
            f"{r.answered}/{r.answerable}",
        ]
        rows.append(values)
    overall = [_("Overall"), _num(result.overall_score)]
    if c["moderated"]:
        overall.append(_num(c["self_result"].overall_score))
    overall.append(c["overall_level_name"])
    if c["is_gated"]:
        overall.append("")
    overall += ["", "", c["overall_position_label"] if c["overall_position"] else "—", ""]
    rows.append(overall)
    table(header, rows)
    if c["is_gated"]:
        doc.add_paragraph(
            _(
                "Gated levels: a level is reached only when every practice at that level and "
                "below is largely or fully implemented. Coverage is the share of all practices "
                "largely or fully implemented."
            )
        )

    # Trend
    doc.add_heading(_("Trend"), level=1)
    table(
        [_("Cycle"), _("Overall score")],
        [
            [t.cycle + (f" ({_('this assessment')})" if t.current else ""), _num(t.overall)]
            for t in c["trend"]
        ],
    )

    # Peers
    doc.add_heading(_("Comparison with peers"), level=1)
    group = c["group"]
    if group is not None and not group.withheld:
        doc.add_paragraph(
            _(
                "Peer group: %(label)s — at least %(k)s validated assessments of the same "
                "framework in the same cycle (release %(round)s)."
            )
            % {"label": group.label, "k": c["min_group"], "round": group.round}
        )
    else:
        doc.add_paragraph(
            _(
                "Peer statistics are not released for this group: it has fewer than %(k)s "
                "validated assessments, is nearly the same as a larger group, or no release has "
                "been made yet; smaller groups could reveal individual organisations."
            )
            % {"k": c["min_group"]}
        )
    peer_rows = []
    for g in c["groups"]:
        s = g.stats.get("overall") if not g.withheld else None
        label = g.label + (f" ({g.value})" if g.value else "")
        if s is None:
            peer_rows.append([label, _("not released"), "", ""])
        else:
            peer_rows.append([label, _num(s.q1), _num(s.median), _num(s.q3)])
    table([_("Peer group"), _("Overall Q1"), _("Median"), _("Q3")], peer_rows)
    if group is not None and not group.withheld:
        stats = group.stats
        table(
            [_("Domain"), _("Overall Q1"), _("Median"), _("Q3"), _("Score")],
            [
                [
                    r.name,
                    _num(stats[r.code].q1) if r.code in stats else "—",
                    _num(stats[r.code].median) if r.code in stats else "—",
                    _num(stats[r.code].q3) if r.code in stats else "—",
                    _num(r.score),
                ]
                for r in c["rows"]
            ],
        )

    # Gaps
    doc.add_heading(_("Gap analysis and recommendations"), level=1)
    table(
        [_("Domain"), _("Current level"), _("Target"), _("Gap")],
        [
            [
                r.name,
                _domain_level(r),
                _level(r.target, r.target_name) if r.target else "",
                str(r.gap) if r.gap is not None and r.gap > 0 else "—",
            ]
            for r in c["rows"]
        ],
    )
    if c["is_gated"]:
        from frameworks.kinds import PRACTICE_LABELS

        doc.add_heading(_("Blockers"), level=3)
        for r in c["rows"]:
            if not r.blockers:
                continue
            doc.add_paragraph(
                f"{r.name} → "
                + _("level %(n)s · %(name)s") % {"n": r.next_level, "name": r.next_level_name}
            ).runs[0].bold = True
            bullets(
                [
                    f"{b.code} {_clip(b.text, 300)} — "
                    + (str(PRACTICE_LABELS.get(b.value, b.value)) if b.value else _("not answered"))
                    for b in r.blockers
                ],
                style="List Bullet",
            )
    doc.add_heading(_("Recommendations, most important first"), level=3)
    bullets(
        [
            f"{rec.domain} · {rec.question} ("
            + _("towards level %(l)s") % {"l": rec.level}
            + f"): {rec.text}"
            for rec in c["recommendations"]
        ]
        or [_("No recommendation: every domain has reached its target.")]
    )

    # Appendix
    doc.add_heading(_("Appendix: every answer"), level=1)
    domain = None
    for a in answers:
        if a.domain != domain:
            domain = a.domain
            doc.add_heading(domain, level=2)
        p = doc.add_paragraph()
        p.add_run(f"{a.code} ").bold = True
        p.add_run(_clip(a.text, 400))
        line = doc.add_paragraph()
        line.add_run(_clip(a.label)).bold = True
        if a.moderated_value or a.moderated_not_applicable:
            shown = _("Not applicable") if a.moderated_not_applicable else a.moderated_value
            line.add_run(f" · {_('Validated')}: {_clip(shown, 200)}")
        if a.updated_by:
            when = formats.date_format(a.updated_at, "j M Y") if a.updated_at else ""
            line.add_run(f" — {_clip(a.updated_by, 80)}, {when}")
        if a.comment:
            doc.add_paragraph(_clip(a.comment))
        if a.evidence:
            doc.add_paragraph(f"{_('Files')}: " + "; ".join(_clip(n, 120) for n in a.evidence))
        if a.evidence_link:
            doc.add_paragraph(f"{_('Link')}: {_clip(a.evidence_link, 200)}")

    # Methodology
    doc.add_heading(_("Methodology"), level=1)
    doc.add_heading(_("Scoring"), level=3)
    method = [
        _(
            "Each scored answer maps to a value between 0 and 1: a maturity level L gives "
            "(L−1)/4; a practice that is not, partially, largely or fully implemented gives 0, "
            "1/3, 2/3 or 1; yes gives 1 and no 0; numbers are scored by the framework's "
            "thresholds. Free-text answers are not scored."
        ),
        _("Not applicable answers are left out of both the numerator and the denominator."),
        _(
            "A domain's score is the weighted mean of its answers × 100; the overall score is "
            "the weighted mean of the domain scores."
        ),
    ]
    if c["is_gated"]:
        method.append(
            _(
                "Levels are gated: a domain reaches a level only when every practice tagged at "
                "that level and below is largely or fully implemented; an unanswered practice "
                "blocks. The overall level is the lowest domain level."
            )
        )
    else:
        bands = ", ".join(f"{b['level']} ≥ {b['min_score']}" for b in framework.bands)
        method.append(_("Levels come from score bands defined by the framework:") + f" {bands}.")
    method.append(
        _(
            "An unanswered question counts as 0 in the score and as not met in a gated level, "
            "so silence never raises a result."
        )
    )
    method.append(
        _(
            "A domain gets a level only when at least %(t)s of its questions are answered (not "
            "applicable counts as answered); below that it reads “insufficient evidence”, and "
            "a domain where everything is not applicable is “not assessed”. The overall level "
            "follows the same rule."
        )
        % {"t": percent(c["completeness_threshold"])}
    )
    method.append(
        _(
            "The gap is the target level minus the current level; recommendations list first "
            "the practices that block a domain's next level, lowest level first, then the "
            "other shortfalls by question weight × gap."
        )
    )
    bullets(method, style="List Bullet")
    doc.add_heading(_("Peer comparison"), level=3)
    bullets(
        [
            _(
                "Peers are validated assessments of the same framework revision (or revisions "
                "declared comparable) in the same cycle, in peer groups defined by the "
                "administrator. Their quartiles are released once with differential privacy and "
                "stored, so everyone sees the same numbers until the next release. No minimum, "
                "maximum, exact group size or any peer's name is shown. Groups of fewer than "
                "%(k)s organisations, or nearly identical to a larger group, are not released."
            )
            % {"k": c["min_group"]},
            _("Each released quartile carries a privacy loss of ε = %(eps)s per organisation.")
            % {"eps": settings.PEER_EPSILON_PER_STATISTIC},
            _(
                "This organisation's position (lowest to top quarter) is read against the "
                "released quartiles only."
            ),
        ],
        style="List Bullet",
    )
    doc.add_heading(_("Framework"), level=3)
    doc.add_paragraph(
        f"{framework.name} v{framework.version} ("
        + _("revision %(rev)s") % {"rev": framework.revision}
        + f"). {framework.licence_notice}"
    )
    doc.add_paragraph(framework.licence_source)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
