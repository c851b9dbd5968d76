"""The answer form, built from framework data by one small factory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from assessments.services import InvalidAnswer, clean_value
from frameworks import kinds
from frameworks.models import Question


def answer_choices(question: Question, level_names: dict[int, str]) -> list[tuple[str, str]]:
    return kinds.get(question.kind).choices(question.spec(), level_names)


class AnswerForm(forms.Form):
    """One question's answer; prefix `q<question id>` keeps names unique on a page."""

    value = forms.CharField(required=False, max_length=4000)
    not_applicable = forms.BooleanField(required=False)
    comment = forms.CharField(required=False, max_length=4000, widget=forms.Textarea)
    evidence_link = forms.CharField(required=False, max_length=500)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"q{question.pk}")
        super().__init__(*args, **kwargs)
        self.question = question

    def clean_value(self) -> str:
        try:
            return clean_value(self.question, self.cleaned_data.get("value", ""))
        except InvalidAnswer as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_not_applicable(self) -> bool:
        na = self.cleaned_data.get("not_applicable", False)
        if na and not self.question.allow_na:
            raise forms.ValidationError(_("This question cannot be marked not applicable."))
        return na

    def clean_evidence_link(self) -> str:
        link = self.cleaned_data.get("evidence_link", "").strip()
        if link:
            try:
                URLValidator(schemes=["http", "https"])(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Enter a full web address starting with https:// or http://.")
                ) from None
        return link

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("not_applicable"):
            data["value"] = ""
        return data
