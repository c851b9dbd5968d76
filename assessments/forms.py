"""Starting an assessment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Cycle, Organisation
from frameworks.models import Framework


class StartAssessmentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    framework = forms.ModelChoiceField(queryset=Framework.objects.none(), label=_("Framework"))
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none(), label=_("Cycle"))

    def __init__(self, *args: Any, organisations, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "organisation": organisations,
            "framework": Framework.objects.latest_revisions(),
            "cycle": Cycle.objects.filter(is_open=True),
        }
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
            # Nothing to choose when there is one option: it is filled in.
            if queryset.count() == 1:
                field.initial = queryset.first()
                field.empty_label = None
        self.existing: Assessment | None = None

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        org, fw, cycle = data.get("organisation"), data.get("framework"), data.get("cycle")
        if org and fw and cycle:
            self.existing = Assessment.objects.filter(
                organisation=org, framework_key=fw.key, cycle=cycle
            ).first()
            if self.existing is not None:
                raise forms.ValidationError(
                    _(
                        "This organisation already has an assessment of this framework "
                        "in this cycle."
                    )
                )
        return data
