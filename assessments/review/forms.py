"""The advisor's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewForm(forms.Form):
    DECISIONS = (("validate", _("Validate and lock")), ("return", _("Return for revision")))
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect, label=_("Decision"))
    note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Note to the organisation"),
    )

    reason = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason for validating with insufficient evidence"),
        help_text=_(
            "Needed only when fewer questions are answered than the framework's completeness "
            "threshold; kept with the frozen result and shown in the report."
        ),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not data.get("note", "").strip():
            self.add_error("note", _("Say what the organisation should revise."))
        return data
