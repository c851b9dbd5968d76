from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from assessments.services import assessment_start
from frameworks.loader import load_file
from frameworks.models import Framework, Question
from frameworks.services import frameworks_import

STRATEGY = Path(__file__).resolve().parents[2] / "frameworks" / "data" / "national-strategy.yaml"
# The first edition translates only some texts, so it shows the fallback.
FIRST_EDITION = STRATEGY.parents[1] / "first-edition" / "national-strategy.yaml"


@pytest.fixture
def strategy(db) -> Framework:
    frameworks_import(loaded=[load_file(STRATEGY)])
    return Framework.objects.get(key="national-strategy")


def test_the_questionnaire_shows_the_framework_in_the_users_language(
    client, strategy, cycle, org_a, bob, alice
) -> None:
    assessment = assessment_start(organisation=org_a, framework=strategy, cycle=cycle, user=alice)
    question = Question.objects.get(framework=strategy, code="GOV-01")
    french = strategy.translations["fr"]["questions"]["GOV-01"]["text"]
    client.force_login(bob)
    url = reverse("questionnaire", args=[assessment.pk, question.domain_id])

    in_french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    in_english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert french in in_french
    assert question.text in in_english and french not in in_english


def test_a_text_the_translation_leaves_out_stays_in_the_original_language(client, db, bob) -> None:
    frameworks_import(loaded=[load_file(FIRST_EDITION)])
    strategy = Framework.objects.get(key="national-strategy")
    question = Question.objects.get(framework=strategy, code="GOV-01")
    client.force_login(bob)

    page = client.get(
        reverse("framework_detail", args=["national-strategy"]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert question.guidance.split(".")[0].replace("'", "&#x27;") in page
