"""The chosen language is remembered per person, on every device (issue 14)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import LanguagePreference


def test_choosing_a_language_is_remembered_on_another_device(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert LanguagePreference.objects.get(user=alice).language == "ar"

    other = Client()  # a new browser, with no language cookie
    other.force_login(alice)
    page = other.get(reverse("home"))
    assert '<html lang="ar" dir="rtl"' in page.content.decode()
    assert page.cookies["django_language"].value == "ar"


def test_an_anonymous_choice_is_not_stored(client, db):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert not LanguagePreference.objects.exists()
