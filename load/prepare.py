"""Create N respondents, each with their own organisation and draft assessment.

Writes LOAD_USERS_FILE: one line per user, "username assessment_id domain_id q1,q2,..."
(the maturity questions of the first domain, which the locust users answer 1..5).
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import django


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from assessments.models import Assessment, Cycle, Membership, Organisation
    from frameworks.models import Domain, Framework, Question

    framework = Framework.objects.filter(key="national-strategy").order_by("-revision").first()
    assert framework is not None, "import the frameworks first"
    cycle, _made = Cycle.objects.get_or_create(
        name="load", defaults={"starts_on": dt.date(2026, 1, 1), "deadline": dt.date(2026, 12, 31)}
    )
    domain = Domain.objects.filter(framework=framework, parent=None).order_by("position").first()
    assert domain is not None
    questions = list(
        Question.objects.filter(domain=domain, kind="maturity").values_list("pk", flat=True)
    )
    password = make_password(os.environ.get("LOAD_PASSWORD", "load-test-password"))
    User = get_user_model()
    lines = []
    for i in range(count):
        user, _made = User.objects.get_or_create(
            username=f"load{i:03d}",
            defaults={"password": password, "email": f"load{i:03d}@example.org"},
        )
        org, _made = Organisation.objects.get_or_create(
            name=f"Load Agency {i:03d}", defaults={"country": "KE", "region": "Africa"}
        )
        Membership.objects.get_or_create(
            user=user, organisation=org, defaults={"role": "respondent"}
        )
        assessment, _made = Assessment.objects.get_or_create(
            organisation=org,
            framework_key=framework.key,
            cycle=cycle,
            defaults={"framework": framework},
        )
        lines.append(f"{user.username} {assessment.pk} {domain.pk} {','.join(map(str, questions))}")
    path = os.environ.get("LOAD_USERS_FILE", "var/load/users.txt")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
