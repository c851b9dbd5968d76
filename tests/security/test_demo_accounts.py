"""seed_demo never changes an account that it did not create (issue #11)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from assessments.demo import DEFAULT_PASSWORD


def test_seed_demo_never_changes_an_account_it_did_not_create(db):
    from assessments.demo import _demo_users

    User = get_user_model()
    theirs = User.objects.create_user(
        username="admin", password="their own password", email="ops@agency.example"
    )
    users, skipped = _demo_users(DEFAULT_PASSWORD)
    assert skipped == ["admin"] and "admin" not in users
    theirs.refresh_from_db()
    assert theirs.check_password("their own password")
    assert not theirs.is_superuser and not theirs.is_staff
    # The others are seed_demo's own, marked so that a later run may refresh them.
    assert User.objects.get(username="advisor").demo_account.role == "advisor"
