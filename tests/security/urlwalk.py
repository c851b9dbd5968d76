"""Every URL pattern of the project, with its arguments filled from real objects.

`every_pattern()` walks the whole URLconf (namespaces included: the admin,
allauth, ours), so a new view is covered by the tests that use it without being
listed anywhere. `Filler.kwargs` knows how to fill each argument name; an
argument it does not know fails the test until someone teaches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

ARG = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class Pattern:
    name: str  # with its namespace, e.g. "admin:auth_user_change"
    route: str
    args: tuple[str, ...]
    module: str


def every_pattern() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[None]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                args = tuple(m.group(2) or m.group(3) for m in ARG.finditer(route))
                found.append(
                    Pattern(
                        name=namespace + pattern.name,
                        route=route,
                        args=args,
                        module=getattr(pattern.callback, "__module__", ""),
                    )
                )
                yield None

    for _ in walk(get_resolver().url_patterns, "", ""):
        pass
    return found


@dataclass
class Filler:
    """Which object fills which argument name."""

    assessment_pk: int
    domain_pk: int
    question_pk: int
    evidence_pk: int
    membership_pk: int
    framework_key: str
    framework_revision: int
    content_type_id: int
    organisation_pk: int = 0  # the API's organisation_id

    # Arguments that point at one organisation's data: a URL that has one must
    # answer another organisation's people with a 404 or a redirect.
    TENANT_ARGS = ("pk", "evidence_pk", "object_id", "id", "assessment_id", "organisation_id")

    def kwargs(self, pattern: Pattern) -> dict[str, object]:
        values: dict[str, object] = {
            "pk": self.membership_pk if pattern.name == "membership_remove" else self.assessment_pk,
            "domain_pk": self.domain_pk,
            "question_pk": self.question_pk,
            "evidence_pk": self.evidence_pk,
            "fmt": "csv",
            "key": "not-a-real-key" if pattern.name.startswith("account_") else self.framework_key,
            "revision": self.framework_revision,
            "token": "not-a-real-token",
            "uidb36": "1",
            "app_label": "assessments",
            "object_id": str(self.assessment_pk),
            "id": str(self.assessment_pk),
            "content_type_id": self.content_type_id,
            "url": "nowhere/",
            # ops (issue 12): a background export job nobody started answers 404.
            "job_id": "00000000-0000-4000-8000-000000000000",
            "assessment_id": self.assessment_pk,
            "organisation_id": self.organisation_pk,
        }
        unknown = [arg for arg in pattern.args if arg not in values]
        assert not unknown, f"{pattern.name}: teach Filler how to fill {unknown}"
        return {arg: values[arg] for arg in pattern.args}

    def url(self, pattern: Pattern) -> str | None:
        """The URL, or None for a pattern that cannot be reversed with these values
        (an admin catch-all, or an app label the admin does not know)."""
        from django.urls import NoReverseMatch

        try:
            return reverse(pattern.name, kwargs=self.kwargs(pattern) or None)
        except NoReverseMatch:
            return None

    def is_tenant_url(self, pattern: Pattern) -> bool:
        return any(arg in self.TENANT_ARGS for arg in pattern.args)
