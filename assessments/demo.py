"""Demo organisations, people and plausible assessments (deterministic, idempotent)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    AdvisorAssignment,
    Assessment,
    Cycle,
    Membership,
    OfficialScope,
    Organisation,
    PeerGroup,
    PeerRelease,
    Response,
)
from assessments.results.assemble import freeze
from assessments.results.releases import peer_release_round
from frameworks import kinds
from frameworks.models import Framework, Question

DEFAULT_PASSWORD = "resilience-demo"
DEMO_ORG = "National Cyber Security Centre of Arcadia"
OUTSIDER_ORG = "Borealis Computer Emergency Response Team"

REGIONS = {
    "Africa": ["KE", "GH", "SN", "RW", "NG", "MA", "CI", "TZ"],
    "Asia-Pacific": ["ID", "PH", "VN", "FJ", "LK", "MN", "BD"],
    "Europe": ["EE", "PT", "RO", "HR", "MD", "GE", "AL"],
    "Americas": ["CO", "CR", "PE", "JM", "DO", "UY"],
    "Middle East": ["JO", "OM", "TN", "LB"],
}
TYPES = list(Organisation.Type.values)
INCOME = ["low", "lower-middle", "upper-middle", "high"]
NAME_PARTS = {
    "csirt": "National CSIRT",
    "regulator": "Communications Regulatory Authority",
    "ministry": "Ministry of Digital Affairs",
    "operator": "National Power Grid Operator",
    "agency": "National Cybersecurity Agency",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str


CAST = {
    "admin": DemoUser("admin", "Ada", "Admin"),
    "coordinator": DemoUser("coordinator", "Amina", "Diallo"),
    "respondent": DemoUser("respondent", "Rafael", "Costa"),
    "advisor": DemoUser("advisor", "Clara", "Weber"),
    "official": DemoUser("official", "Omar", "Haddad"),
    "outsider": DemoUser("outsider", "Olga", "Lind"),
}


def _organisation_specs() -> list[dict]:
    specs = [
        {
            "name": DEMO_ORG,
            "country": "AR",
            "region": "Africa",
            "org_type": "agency",
            "income_group": "lower-middle",
        },
        {
            "name": OUTSIDER_ORG,
            "country": "NO",
            "region": "Europe",
            "org_type": "csirt",
            "income_group": "high",
        },
    ]
    i = 0
    for region, countries in REGIONS.items():
        for country in countries:
            org_type = TYPES[i % len(TYPES)]
            specs.append(
                {
                    "name": f"{NAME_PARTS[org_type]} ({country})",
                    "country": country,
                    "region": region,
                    "org_type": org_type,
                    "income_group": INCOME[(i * 7) % len(INCOME)],
                }
            )
            i += 1
    return specs


def _answer(question: Question, maturity: float, rng: random.Random) -> tuple[str, bool]:
    if question.allow_na and rng.random() < 0.05:
        return "", True
    value = kinds.get(question.kind).sample(question.spec(), maturity=maturity, rng=rng)
    return value, False


def _fill(
    assessment: Assessment,
    questions: list[Question],
    maturity: float,
    seed: str,
    share: float = 1.0,
    user=None,
) -> None:
    rng = random.Random(seed)
    rows = []
    domain_offset: dict[int, float] = {}
    for q in questions:
        offset = domain_offset.setdefault(q.domain_id, rng.gauss(0, 0.6))
        if rng.random() > share:
            continue
        value, na = _answer(q, maturity + offset, rng)
        if not value and not na:
            continue
        rows.append(
            Response(
                assessment=assessment,
                question=q,
                value=value,
                not_applicable=na,
                version=1,
                updated_by=user,
            )
        )
    Response.objects.bulk_create(rows)


class DemoSummary(TypedDict):
    organisations: int
    assessments_created: int
    skipped: list[str]


def seed_demo(*, password: str = DEFAULT_PASSWORD) -> DemoSummary:
    from django.conf import settings

    if getattr(settings, "PRODUCTION", False):
        raise RuntimeError("seed_demo refuses to run in production (DJANGO_ENV=production).")
    frameworks = list(Framework.objects.latest_revisions())
    if not frameworks:
        raise RuntimeError(
            "Import the frameworks first: python manage.py import_framework frameworks/data"
        )
    with transaction.atomic():
        for position, (name, attribute) in enumerate(
            [("All organisations", ""), ("Same region", "region"), ("Same type", "org_type")]
        ):
            PeerGroup.objects.get_or_create(
                attribute=attribute, defaults={"name": name, "position": position}
            )
        previous, _ = Cycle.objects.get_or_create(
            name="2025",
            defaults={
                "starts_on": dt.date(2025, 1, 1),
                "deadline": dt.date(2025, 11, 30),
                "is_open": False,
            },
        )
        current, _ = Cycle.objects.get_or_create(
            name="2026",
            defaults={"starts_on": dt.date(2026, 1, 1), "deadline": dt.date(2026, 12, 15)},
        )
        orgs = []
        for spec in _organisation_specs():
            org, _ = Organisation.objects.get_or_create(name=spec["name"], defaults=spec)
            orgs.append(org)
        demo_org, outsider_org = orgs[0], orgs[1]

        # Only users that seed_demo created are ever changed (issue #11); an existing
        # account of the same name is left exactly as it is, without demo roles.
        users, skipped = _demo_users(password)
        if "coordinator" in users:
            Membership.objects.get_or_create(
                user=users["coordinator"], organisation=demo_org, defaults={"role": "coordinator"}
            )
        if "respondent" in users:
            Membership.objects.get_or_create(
                user=users["respondent"], organisation=demo_org, defaults={"role": "respondent"}
            )
        if "outsider" in users:
            Membership.objects.get_or_create(
                user=users["outsider"], organisation=outsider_org, defaults={"role": "respondent"}
            )
        if "advisor" in users:
            for org in [demo_org, *[o for o in orgs[2:] if o.region == demo_org.region]]:
                AdvisorAssignment.objects.get_or_create(advisor=users["advisor"], organisation=org)
        if "official" in users:
            scope, _ = OfficialScope.objects.get_or_create(user=users["official"])
            scope.organisations.set([o for o in orgs if o.region == demo_org.region])
        # Administrators, advisors and officials need a second factor (issue #11).
        from accounts.demo import enrol_totp

        for role in ("admin", "advisor", "official"):
            if role in users:
                enrol_totp(users[role])

        made = 0
        now = timezone.now()
        for framework in frameworks:
            questions = list(Question.objects.filter(framework=framework).order_by("position"))
            for org in orgs:
                base = random.Random(f"{org.name}").uniform(1.6, 4.4)
                for cycle, maturity in ((previous, base - 0.4), (current, base)):
                    if org == demo_org and cycle == current:
                        continue
                    if Assessment.objects.filter(
                        organisation=org, framework_key=framework.key, cycle=cycle
                    ).exists():
                        continue
                    assessment = Assessment.objects.create(
                        organisation=org,
                        framework=framework,
                        framework_key=framework.key,
                        cycle=cycle,
                        status=Assessment.Status.VALIDATED,
                        submitted_at=now,
                        validated_at=now,
                        validated_by=users.get("advisor"),
                    )
                    _fill(
                        assessment, questions, maturity, f"{org.name}|{framework.key}|{cycle.name}"
                    )
                    assessment.answers_hash, assessment.frozen_result, _scores = freeze(assessment)
                    assessment.save(update_fields=["answers_hash", "frozen_result"])
                    made += 1
            # The demo organisation's assessment in progress (only the strategy framework).
            if (
                framework.key == "national-strategy"
                and not Assessment.objects.filter(
                    organisation=demo_org, framework_key=framework.key, cycle=current
                ).exists()
            ):
                draft = Assessment.objects.create(
                    organisation=demo_org,
                    framework=framework,
                    framework_key=framework.key,
                    cycle=current,
                    created_by=users.get("coordinator"),
                )
                _fill(draft, questions, 2.8, "demo-draft", share=0.45, user=users.get("respondent"))
                made += 1
                _demo_teamwork(draft, users)
        # One round of released peer statistics per framework and cycle, once.
        for framework in frameworks:
            for cycle in (previous, current):
                if not PeerRelease.objects.filter(framework=framework, cycle=cycle).exists():
                    peer_release_round(framework=framework, cycle=cycle, user=users.get("admin"))
    return {"organisations": len(orgs), "assessments_created": made, "skipped": skipped}


def _demo_users(password: str) -> tuple[dict[str, Any], list[str]]:
    """The demo cast: created (and marked as ours) or refreshed if ours; others skipped."""
    from accounts.models import DemoAccount

    User = get_user_model()
    users, skipped = {}, []
    hashed = make_password(password)  # one slow hash, shared by the demo users
    for role, person in CAST.items():
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User.objects.create(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@example.org",
                password=hashed,
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
            DemoAccount.objects.create(user=user, role=role)
        elif not DemoAccount.objects.filter(user=user).exists() and not _legacy_demo_user(
            user, person
        ):
            skipped.append(person.username)
            continue
        else:
            DemoAccount.objects.get_or_create(user=user, defaults={"role": role})
            user.password = hashed
            user.save(update_fields=["password"])
        users[role] = user
    return users, skipped


def _legacy_demo_user(user: Any, person: DemoUser) -> bool:
    """A demo user seeded before seed_demo marked its users (same names and address)."""
    return (
        user.email == f"{person.username}@example.org"
        and user.first_name == person.first_name
        and user.last_name == person.last_name
    )


def _demo_teamwork(draft: Assessment, users: dict) -> None:
    """Issue 16: the respondent is given the last domain, with one question discussed."""
    import datetime as dt

    from assessments.models import Assignment, QuestionComment
    from frameworks.models import Domain

    last = (
        Domain.objects.filter(framework_id=draft.framework_id, parent__isnull=True)
        .order_by("-position")
        .first()
    )
    if last is None or not {"respondent", "coordinator", "advisor"} <= users.keys():
        return  # a demo user was skipped (a foreign account with that name)
    Assignment.objects.create(
        assessment=draft,
        domain=last,
        assignee=users["respondent"],
        assigned_by=users["coordinator"],
        due_on=draft.cycle.deadline - dt.timedelta(days=30),
    )
    question = Question.objects.filter(domain=last).order_by("position").first()
    if question is not None:
        QuestionComment.objects.create(
            assessment=draft,
            question=question,
            author=users["respondent"],
            body="Does the annual review report count as evidence here?",
        )
        QuestionComment.objects.create(
            assessment=draft,
            question=question,
            author=users["advisor"],
            body="Yes, if it was presented to the oversight body. Attach the minutes.",
        )
