"""Organisations, people's scopes, cycles, assessments and their answers.

`Assessment.objects.visible_to(user)` (and `Organisation.objects.visible_to`)
is the one door to tenant data: every view, form choice, download, report and
export goes through it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from frameworks.models import Domain, Framework, Question

User = settings.AUTH_USER_MODEL


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrganisationQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if OfficialScope.objects.filter(user=user, all_organisations=True).exists():
            return self.all()
        # Three indexed lookups in a UNION; an OR across three joins with DISTINCT
        # could use no index and grew with the number of organisations.
        ids = (
            Membership.objects.filter(user_id=user.pk)
            .values("organisation_id")
            .union(
                AdvisorAssignment.objects.filter(advisor_id=user.pk).values("organisation_id"),
                OfficialScope.organisations.through.objects.filter(
                    officialscope__user_id=user.pk
                ).values("organisation_id"),
            )
        )
        return self.filter(pk__in=ids)


class OfficialScopeQuerySet(models.QuerySet):
    def covering(self, organisation: Organisation | OuterRef) -> OfficialScopeQuerySet:
        """Scopes that include `organisation` (or the outer query's organisation):
        the official's scope rule, in one place."""
        return self.filter(Q(all_organisations=True) | Q(organisations=organisation))


class SizeBand(models.TextChoices):
    SMALL = "small", _("Small (under 5 million people)")
    MEDIUM = "medium", _("Medium (5 to 50 million people)")
    LARGE = "large", _("Large (over 50 million people)")


class Organisation(models.Model):
    class Type(models.TextChoices):
        CSIRT = "csirt", _("National CERT / CSIRT")
        REGULATOR = "regulator", _("Regulator")
        MINISTRY = "ministry", _("Ministry")
        OPERATOR = "operator", _("Critical-infrastructure operator")
        AGENCY = "agency", _("National cybersecurity agency")

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(_("country (ISO 3166 alpha-2)"), max_length=2)
    region = models.CharField(_("region"), max_length=80)
    org_type = models.CharField(_("type"), max_length=20, choices=Type)
    income_group = models.CharField(_("income group"), max_length=40, blank=True)
    size_band = models.CharField(
        _("country size"),
        max_length=6,
        choices=SizeBand,
        default=SizeBand.MEDIUM,
        help_text=_("Chooses the numeric thresholds of frameworks that scale them by size."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="assessments_org_country_iso"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def peer_attributes(self) -> dict[str, str]:
        return {"region": self.region, "org_type": self.org_type, "income_group": self.income_group}


class Membership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        RESPONDENT = "respondent", _("Respondent")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="assessments_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class AdvisorAssignment(models.Model):
    """An organisation in an advisor's portfolio."""

    advisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="portfolio")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="advisor_assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["advisor", "organisation"], name="assessments_advisor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.advisor} advises {self.organisation}"


class OfficialScope(models.Model):
    """Read-only access for a ministry or programme official."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="official_scope")
    all_organisations = models.BooleanField(_("all organisations"), default=False)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="official_scopes")

    objects = OfficialScopeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} (official)"


class PeerGroup(models.Model):
    """One of the fixed peer groups the administrator offers (no free filters)."""

    class Attribute(models.TextChoices):
        ALL = "", _("All organisations")
        REGION = "region", _("Same region")
        TYPE = "org_type", _("Same type")
        INCOME = "income_group", _("Same income group")

    name = models.CharField(_("name"), max_length=100)
    attribute = models.CharField(
        _("peers share"), max_length=20, choices=Attribute, blank=True, unique=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language when it is the standard one for its kind."""
        standard = self.Attribute(self.attribute)
        with translation.override("en"):
            english = str(standard.label)
        return str(standard.label) if self.name == english else self.name


class Cycle(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    # Indexed: lists sorted newest cycle first walk cycles in this order and stop at
    # the end of their page instead of sorting every assessment.
    starts_on = models.DateField(_("starts on"), db_index=True)
    deadline = models.DateField(_("deadline"))
    is_open = models.BooleanField(_("open for new assessments"), default=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("starts_on")),
                name="assessments_cycle_deadline_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


def validated_overall(status: str, frozen: dict | None) -> float | None:
    """The overall score lists show: the frozen one, once validated."""
    if status != "validated" or not frozen:
        return None
    overall = (frozen.get("scores") or {}).get("overall")
    return float(overall) if overall is not None else None


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        """The one door: assessments this user may see at all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organisation__in=Organisation.objects.visible_to(user))

    def for_listing(self) -> AssessmentQuerySet:
        """Rows for a list or a table: organisation and cycle joined, each framework
        revision read once (not joined to every row: its translations are large), the
        frozen record left unread."""
        return (
            self.select_related("organisation", "cycle")
            .prefetch_related("framework")
            .defer("frozen_result")
        )

    def first_rows(self, limit: int) -> list[Assessment]:
        """The first `limit` assessments in this queryset's order: chosen from the
        indexes alone, then only those rows read."""
        return Assessment.objects.in_order(list(self.values_list("pk", flat=True)[:limit]))

    def in_order(self, ids: list[int]) -> list[Assessment]:
        """These assessments, for listing, in the order of `ids`."""
        found = self.for_listing().in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        VALIDATED = "validated", _("Validated")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    # Copied from the framework so that the uniqueness rule spans all revisions.
    framework_key = models.SlugField(max_length=63, editable=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(_("advisor's note"), max_length=4000, blank=True)
    # The Traffic Light Protocol marking of the reports, set by the coordinator or
    # the advisor (issue #11); a download may be stricter, never looser.
    tlp = models.CharField(_("TLP marking"), max_length=12, default="AMBER")
    # Frozen on validation so that a report can always be reproduced.
    frozen_result = models.JSONField(null=True, blank=True, editable=False)
    answers_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The validated overall score, copied from `frozen_result` by `save` (None until
    # validated): lists sort and page on it in the database without reading the
    # frozen record, which is about 15 kB per assessment (issue 13).
    overall_score = models.FloatField(null=True, blank=True, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-cycle__starts_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "framework_key", "cycle"],
                name="assessments_assessment_unique",
            )
        ]
        # Covering indexes: the lists, the home page and the portfolio pick their page
        # of rows from these alone, never from the wide rows (SQLite keeps the frozen
        # record in line, so reading any later column of a row walks its overflow pages).
        indexes = [
            models.Index(
                fields=["cycle", "organisation", "framework", "status"],
                name="assessment_listing",
            ),
            models.Index(
                fields=["framework_key", "cycle", "status", "organisation", "overall_score"],
                name="assessment_portfolio",
            ),
            models.Index(
                fields=["updated_at", "organisation", "cycle", "status"],
                name="assessment_updated",
            ),
            # The home page's queues, oldest submission and latest validation first:
            # each walks only the rows of its status, already in order. (Not partial
            # indexes: SQLite cannot match their condition to a bound parameter.)
            models.Index(
                fields=["status", "submitted_at", "organisation"],
                name="assessment_awaiting_review",
            ),
            models.Index(
                fields=["status", "validated_at", "organisation"],
                name="assessment_recently_validated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.framework.name} – {self.cycle}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.overall_score = validated_overall(self.status, self.frozen_result)
        fields = kwargs.get("update_fields")
        if fields is not None and {"status", "frozen_result"} & set(fields):
            kwargs["update_fields"] = {*fields, "overall_score"}
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Response(models.Model):
    """The organisation's answer to one question; `version` guards concurrent edits."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("answer"), max_length=4000, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    # Advisor moderation, beside the organisation's own answer.
    moderated_value = models.CharField(max_length=4000, blank=True)
    moderated_not_applicable = models.BooleanField(default=False)
    moderation_reason = models.TextField(max_length=4000, blank=True)
    moderated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="assessments_response_unique"
            ),
            models.CheckConstraint(
                condition=~(Q(not_applicable=True) & ~Q(value="")),
                name="assessments_response_na_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.question_id} v{self.version}"

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or self.value != ""

    @property
    def is_moderated(self) -> bool:
        return bool(self.moderated_value or self.moderated_not_applicable)


class Evidence(models.Model):
    """An uploaded file, stored under a random name outside any web root."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class TargetLevel(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="targets")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("target level"))
    set_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="assessments_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="assessments_target_in_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain.code}: {self.level}"


class PeerRelease(models.Model):
    """Peer statistics of one group, released once with differential privacy.

    Pages and reports read releases; nothing recomputes peers per view. A round releases
    every group of a framework revision and cycle at once (`results/releases.py`).
    """

    class Status(models.TextChoices):
        RELEASED = "released", _("Released")
        WITHHELD = "withheld", _("Withheld: too few organisations")
        SUPPRESSED = "suppressed", _("Suppressed: too close to a larger group")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="peer_releases")
    attribute = models.CharField(max_length=20, blank=True)  # "" = all organisations
    value = models.CharField(max_length=100, blank=True)
    round = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status)
    stats = models.JSONField(default=dict)  # {column: {"q1", "median", "q3"}}
    epsilon = models.FloatField()  # privacy loss of this release
    released_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["framework", "cycle", "-round", "attribute", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "cycle", "attribute", "value", "round"],
                name="assessments_peer_release_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework} {self.cycle} {self.attribute or 'all'}={self.value} #{self.round}"


class AuditEventManager(models.Manager["AuditEvent"]):
    def create(self, **kwargs: Any) -> AuditEvent:
        """Keep the actor's username beside the link, so the row says who acted even
        after the account is gone."""
        user = kwargs.get("user")
        if user is not None and not kwargs.get("user_name"):
            kwargs["user_name"] = user.get_username()
        return super().create(**kwargs)


class AuditEvent(models.Model):
    """Append-only trail of every change to an assessment; never cascade-deleted."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="audit")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    objects = AuditEventManager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


# --- Teamwork (issue 16): assignments and the discussion per question ----------


class Assignment(models.Model):
    """A domain, or one question, of an assessment given to one respondent."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assigned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "assigned_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(domain__isnull=False) & Q(question__isnull=True))
                | (Q(domain__isnull=True) & Q(question__isnull=False)),
                name="assessments_assignment_domain_xor_question",
            ),
            models.UniqueConstraint(
                fields=["assessment", "domain"],
                condition=Q(domain__isnull=False),
                name="assessments_assignment_domain_unique",
            ),
            models.UniqueConstraint(
                fields=["assessment", "question"],
                condition=Q(question__isnull=False),
                name="assessments_assignment_question_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} → {self.assignee}"

    @property
    def item(self) -> Domain | Question:
        """The domain or question assigned (the check constraint makes it exactly one)."""
        item = self.question or self.domain
        if item is None:
            raise ValueError(f"assignment {self.pk} names neither a domain nor a question")
        return item


class QuestionComment(models.Model):
    """One message of the discussion on a question between organisation and advisor."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["assessment", "question"], name="assessments_comment_question")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.question_id} {self.created_at:%Y-%m-%d %H:%M}"
