"""The read-only JSON API under /api/v1/ (django-ninja), schema at /api/v1/openapi.json.

Callers authenticate with a personal token (``Authorization: Bearer rsl_...``,
see `interchange.tokens`) or a logged-in session. Every assessment and
organisation goes through the same door as the pages
(`Assessment.objects.visible_to`, `Organisation.objects.visible_to`): anything
else is a 404, exactly like the pages. List endpoints are paginated and run a
constant number of queries whatever the page size.

Peer statistics are what the results page shows for the assessment's peer
groups (withheld below the minimum group size). That part is kept thin on
purpose: peer statistics are becoming stored releases, and the endpoint will
then read the release.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, django_auth

from assessments import scoring
from assessments.models import Assessment, Organisation, Response
from assessments.results.assemble import answers_of
from assessments.results.definition import framework_def
from frameworks.dump import spec_data, spec_of
from frameworks.models import Framework
from interchange.tokens import token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Cyber-resilience assessment API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs would load scripts from a CDN
    auth=[BearerToken(), django_auth],
)


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)

    def paginate_queryset(  # type: ignore[override]
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        limit = max(1, min(pagination.limit, settings.API_PAGE_SIZE))
        offset = max(0, pagination.offset)
        return {
            "items": queryset[offset : offset + limit],
            "count": self._items_count(queryset),
        }


# --- schemas --------------------------------------------------------------------------


class RevisionOut(Schema):
    revision: int
    version: str
    content_hash: str
    imported_at: datetime
    question_count: int


class FrameworkOut(Schema):
    key: str
    name: str
    version: str
    revision: int
    scoring_method: str
    licence_notice: str
    licence_source: str
    redistributable: bool
    question_count: int


class FrameworkDetailOut(FrameworkOut):
    revisions: list[RevisionOut]


class OrganisationOut(Schema):
    id: int
    name: str
    country: str
    region: str
    org_type: str


class ScoresOut(Schema):
    overall: float | None
    domains: dict[str, float | None]
    frozen: bool  # True: the validated, stored result; False: computed now (provisional)


class AssessmentOut(Schema):
    id: int
    organisation: OrganisationOut
    framework: str
    framework_revision: int
    cycle: str
    status: str
    submitted_at: datetime | None
    validated_at: datetime | None
    scores: ScoresOut


class AnswerOut(Schema):
    question: str
    domain: str
    kind: str
    value: str
    not_applicable: bool
    comment: str
    evidence_link: str
    evidence: list[str]
    version: int
    updated_at: datetime | None
    moderated_value: str
    moderated_not_applicable: bool
    moderation_reason: str


class StatOut(Schema):
    q1: float
    median: float
    q3: float


class PeerGroupOut(Schema):
    key: str
    label: str
    value: str | None
    status: str  # released / withheld / suppressed / unreleased
    release_round: int | None
    stats: dict[str, StatOut]


class PeersOut(Schema):
    assessment: int
    min_group: int
    groups: list[PeerGroupOut]


class ErrorOut(Schema):
    detail: str


class InvalidInputOut(Schema):
    detail: list[dict[str, Any]]


# Every operation may answer these, besides its 200.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: InvalidInputOut}


# --- helpers --------------------------------------------------------------------------


def _user(request: HttpRequest):
    # Both authenticators leave the caller in request.user (BearerToken sets it).
    return request.user


def _visible(request: HttpRequest):
    return Assessment.objects.visible_to(_user(request)).select_related(
        "organisation", "framework", "cycle"
    )


def _scores_for(assessments: list[Assessment]) -> dict[int, ScoresOut]:
    """Scores of a page of assessments in a fixed number of queries.

    Validated: the stored (frozen) validated scores. Otherwise: the current
    answers scored now, with the advisor's moderation where set.
    """
    open_ids = [a.pk for a in assessments if not (a.frozen_result or {}).get("scores")]
    responses: dict[int, list[Response]] = {}
    if open_ids:
        for r in Response.objects.filter(assessment_id__in=open_ids).select_related("question"):
            responses.setdefault(r.assessment_id, []).append(r)
    out = {}
    for a in assessments:
        frozen = (a.frozen_result or {}).get("scores")
        if frozen:
            domains = {k: v for k, v in frozen.items() if k != "overall"}
            out[a.pk] = ScoresOut(overall=frozen.get("overall"), domains=domains, frozen=True)
            continue
        result = scoring.score_assessment(
            framework_def(a.framework), answers_of(responses.get(a.pk, []), moderated=True)
        )
        out[a.pk] = ScoresOut(
            overall=result.overall_score,
            domains={d.code: d.score for d in result.domains},
            frozen=False,
        )
    return out


def _assessment_out(a: Assessment, scores: ScoresOut) -> dict[str, Any]:
    o = a.organisation
    return {
        "id": a.pk,
        "organisation": {
            "id": o.pk,
            "name": o.name,
            "country": o.country,
            "region": o.region,
            "org_type": o.org_type,
        },
        "framework": a.framework.key,
        "framework_revision": a.framework.revision,
        "cycle": a.cycle.name,
        "status": a.status,
        "submitted_at": a.submitted_at,
        "validated_at": a.validated_at,
        "scores": scores,
    }


def _with_scores(rows) -> list[dict[str, Any]]:
    page = list(rows)
    scores = _scores_for(page)
    return [_assessment_out(a, scores[a.pk]) for a in page]


# --- endpoints ------------------------------------------------------------------------


@api.get("/frameworks", response={200: list[FrameworkOut], **ERRORS}, tags=["frameworks"])
@paginate(Pages)
def framework_list(request: HttpRequest):
    """The newest revision of every framework."""
    return Framework.objects.latest_revisions()


@api.get("/frameworks/{key}", response={200: FrameworkDetailOut, **ERRORS}, tags=["frameworks"])
def framework_detail(request: HttpRequest, key: str):
    """The newest revision of one framework, with every revision."""
    revisions = list(Framework.objects.filter(key=key).order_by("-revision"))
    if not revisions:
        raise Http404
    newest = revisions[0]
    return {**FrameworkOut.from_orm(newest).dict(), "revisions": revisions}


@api.get(
    "/frameworks/{key}/revisions/{revision}",
    response={200: dict[str, Any], **ERRORS},
    tags=["frameworks"],
)
def framework_revision(request: HttpRequest, key: str, revision: int):
    """One revision's full content, in the framework file format."""
    framework = get_object_or_404(Framework, key=key, revision=revision)
    return spec_data(spec_of(framework))


@api.get("/organisations", response={200: list[OrganisationOut], **ERRORS}, tags=["organisations"])
@paginate(Pages)
def organisation_list(request: HttpRequest):
    """The organisations this user may see."""
    return Organisation.objects.visible_to(_user(request)).order_by("name", "pk")


@api.get(
    "/organisations/{organisation_id}/assessments",
    response={200: list[AssessmentOut], **ERRORS},
    tags=["assessments"],
)
@paginate(Pages)
def organisation_assessments(request: HttpRequest, organisation_id: int):
    """An organisation's assessments with their scores."""
    get_object_or_404(Organisation.objects.visible_to(_user(request)), pk=organisation_id)
    return _Scored(_visible(request).filter(organisation_id=organisation_id).order_by("-pk"))


@api.get("/assessments", response={200: list[AssessmentOut], **ERRORS}, tags=["assessments"])
@paginate(Pages)
def assessment_list(request: HttpRequest):
    """Every assessment this user may see, newest first, with scores."""
    return _Scored(_visible(request).order_by("-pk"))


@api.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **ERRORS},
    tags=["assessments"],
)
def assessment_detail(request: HttpRequest, assessment_id: int):
    assessment = get_object_or_404(_visible(request), pk=assessment_id)
    return _with_scores([assessment])[0]


@api.get(
    "/assessments/{assessment_id}/answers",
    response={200: list[AnswerOut], **ERRORS},
    tags=["assessments"],
)
def assessment_answers(request: HttpRequest, assessment_id: int):
    """Every answer of one assessment (unanswered questions are left out)."""
    assessment = get_object_or_404(_visible(request), pk=assessment_id)
    rows = (
        Response.objects.filter(assessment=assessment)
        .select_related("question__domain")
        .prefetch_related("evidence")
        .order_by("question__position")
    )
    return [
        {
            "question": r.question.code,
            "domain": r.question.domain.code,
            "kind": r.question.kind,
            "value": r.value,
            "not_applicable": r.not_applicable,
            "comment": r.comment,
            "evidence_link": r.evidence_link,
            "evidence": [e.original_name for e in r.evidence.all()],
            "version": r.version,
            "updated_at": r.updated_at,
            "moderated_value": r.moderated_value,
            "moderated_not_applicable": r.moderated_not_applicable,
            "moderation_reason": r.moderation_reason,
        }
        for r in rows
    ]


@api.get(
    "/assessments/{assessment_id}/peers",
    response={200: PeersOut, **ERRORS},
    tags=["peers"],
)
def assessment_peers(request: HttpRequest, assessment_id: int):
    """The released peer statistics of the assessment's peer groups: quartiles only,
    never a group size, minimum or maximum; groups not released come without stats."""
    from assessments.results.assemble import build_results

    assessment = get_object_or_404(_visible(request), pk=assessment_id)
    data = build_results(assessment)
    return {
        "assessment": assessment.pk,
        "min_group": data.min_group,
        "groups": [
            {
                "key": g.key,
                "label": str(g.label),
                "value": g.value,
                "status": g.status,
                "release_round": g.round,
                "stats": {
                    column: {"q1": s.q1, "median": s.median, "q3": s.q3}
                    for column, s in g.stats.items()
                }
                if not g.withheld
                else {},
            }
            for g in data.groups
        ],
    }


class _Scored:
    """A queryset whose page slices come back with scores, for the paginator."""

    def __init__(self, queryset) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return _with_scores(self.queryset[item])

    def all(self):
        return self
