"""Frameworks as versioned data.

A `Framework` row is one *revision* of a framework file: importing a changed
file with the same id adds a revision and never edits an old one, because
assessments are pinned to the revision they started on.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from frameworks import kinds


class FrameworkQuerySet(models.QuerySet):
    def latest_revisions(self) -> FrameworkQuerySet:
        """The newest revision of each framework id."""
        newest = self.model._default_manager.filter(key=models.OuterRef("key")).order_by(
            "-revision"
        )
        return self.filter(pk=models.Subquery(newest.values("pk")[:1])).order_by("name")


class Framework(models.Model):
    class Method(models.TextChoices):
        AVERAGE = "average", _("Average of answers, with score bands")
        GATED = "gated", _("Gated by practices at each level")

    key = models.SlugField(_("framework id"), max_length=63)
    revision = models.PositiveIntegerField(_("revision"))
    version = models.CharField(_("version"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    licence_notice = models.TextField(_("licence notice"))
    licence_source = models.TextField(_("licence source"))
    redistributable = models.BooleanField(_("may be redistributed"))
    scoring_method = models.CharField(_("scoring method"), max_length=10, choices=Method)
    scale = models.JSONField(_("maturity scale"))  # [{"level", "name", "description"}]
    bands = models.JSONField(_("score bands"), default=list)  # [{"level", "min_score"}]
    completeness_threshold = models.FloatField(_("completeness needed for a level"), default=0.8)
    comparable_with = models.JSONField(_("comparable earlier versions"), default=list)
    # {"not"|"partial"|"largely"|"fully": {"label", "criteria"}}; {} = the generic scale
    practice_scale = models.JSONField(_("practice scale"), default=dict)
    translations = models.JSONField(_("translations"), default=dict)
    tags = models.JSONField(
        _("tags"), default=list, blank=True
    )  # [{"code", "name", "description"}]
    content_hash = models.CharField(_("content hash"), max_length=64)
    source_name = models.CharField(_("source file"), max_length=255)
    question_count = models.PositiveIntegerField(_("questions"), default=0)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["key", "revision"], name="frameworks_revision_unique"),
            models.UniqueConstraint(
                fields=["key", "content_hash"], name="frameworks_content_unique"
            ),
            models.UniqueConstraint(fields=["key", "version"], name="frameworks_version_unique"),
            models.CheckConstraint(
                condition=Q(completeness_threshold__gte=0, completeness_threshold__lte=1),
                name="frameworks_completeness_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version} (rev. {self.revision})"

    def comparable_versions(self) -> list[str]:
        """Version labels whose validated results are compared with this revision's."""
        return [self.version, *self.comparable_with]

    def level_name(self, level: int | None) -> str:
        if level is None:
            return "—"
        if level == 0:
            return str(_("Not reached"))
        names = self.level_names()
        return names.get(level, str(level))

    def level_names(self) -> dict[int, str]:
        names = {item["level"]: item["name"] for item in self.scale}
        lang = (get_language() or "en").split("-")[0]
        local = self.translations.get(lang, {}).get("scale", {})
        for level, text in local.items():
            if text.get("name"):
                names[int(level)] = text["name"]
        return names


class Domain(models.Model):
    """A top-level domain, or a sub-domain when `parent` is set."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subdomains"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    target_level = models.PositiveSmallIntegerField(_("default target level"), default=3)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="frameworks_domain_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="frameworks_domain_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Question(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="questions")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Domain, on_delete=models.CASCADE, null=True, blank=True, related_name="section_questions"
    )
    code = models.CharField(_("code"), max_length=32)
    text = models.TextField(_("question"))
    guidance = models.TextField(_("guidance"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=kinds.CHOICES)
    weight = models.FloatField(_("weight"), default=1.0)
    allow_na = models.BooleanField(_("N/A allowed"), default=False)
    required = models.BooleanField(_("required"), default=True)
    evidence_hint = models.TextField(_("evidence hint"), blank=True)
    level_descriptors = models.JSONField(_("level descriptors"), default=list)
    practice_level = models.PositiveSmallIntegerField(_("practice level"), null=True, blank=True)
    thresholds = models.JSONField(_("thresholds"), default=list)
    thresholds_by_band = models.JSONField(_("thresholds by country size"), default=dict)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    recommendations = models.JSONField(_("recommendations"), default=dict)
    tags = models.JSONField(_("tags"), default=list, blank=True)  # codes of Framework.tags
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="frameworks_question_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="frameworks_question_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    def thresholds_for(self, band: str = "medium") -> tuple[tuple[float, float], ...]:
        """(min, score) thresholds for a country of this size band."""
        chosen = self.thresholds_by_band.get(band) or self.thresholds
        return tuple((t["min"], t["score"]) for t in chosen)

    def spec(self, band: str = "medium") -> kinds.Spec:
        """The kind-specific fields, as `frameworks.kinds` takes them."""
        return kinds.Spec(
            levels=tuple(self.level_descriptors),
            practice_level=self.practice_level,
            thresholds=self.thresholds_for(band),
            recommendations={int(k): v for k, v in self.recommendations.items()},
            unit=self.unit,
        )
