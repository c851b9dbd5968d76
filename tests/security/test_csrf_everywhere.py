"""CSRF on every state-changing view (issue #11): a POST without a token to any
URL pattern of the project — ours, allauth's and the admin's — is refused by the
CSRF check before a view runs, for a signed-in user and for an anonymous one
(login, password reset and invitation acceptance are anonymous forms)."""

from __future__ import annotations

import pytest

from tests.assessments.test_access_matrix import World, snapshot
from tests.assessments.test_csrf import refused_for_csrf
from tests.security.test_url_walk import client_as, filler_for, post_data
from tests.security.urlwalk import every_pattern


@pytest.mark.parametrize("actor", ["alice", "root", "anonymous"])
def test_a_post_without_a_token_is_refused_on_every_url(
    world: World, fast_pdf: None, actor: str
) -> None:
    filler = filler_for(world)
    before = snapshot()
    client = client_as(world, actor)
    client.handler.enforce_csrf_checks = True
    accepted = []
    for pattern in every_pattern():
        url = filler.url(pattern)
        response = client.post(url, post_data(world))
        # The JSON API (issue 15) is read-only: its routes take GET only, so a POST is
        # refused with 405 before any view code runs.
        read_only = pattern.name.startswith("api-v1:") and response.status_code == 405
        if not (refused_for_csrf(response) or read_only):
            accepted.append(f"{pattern.name} {url}: {response.status_code}")
    assert not accepted, "\n".join(accepted)
    assert snapshot() == before
