"""The security log and the audit trail (issue #11): who, what, when and from
where; append-only in the admin; audit rows keep who acted and are never
cascade-deleted; accounts are deactivated, not deleted."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityEvent
from assessments.models import AuditEvent, Membership
from tests.conftest import PASSWORD, answer, logged_in


def test_a_login_is_logged_with_the_address(bob) -> None:
    Client().post(
        reverse("account_login"), {"login": "bob", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7"
    )
    event = SecurityEvent.objects.get(action="login")
    assert event.actor == bob and event.actor_username == "bob"
    assert event.ip_address == "192.0.2.7" and event.at is not None


@pytest.mark.parametrize(
    ("name", "action"),
    [("report_pdf", "report"), ("export", "export"), ("evidence_download", "evidence")],
)
def test_every_download_is_logged(world, fast_pdf, name: str, action: str) -> None:
    client = logged_in(world.cast["olivia"])
    response = client.get(world.url(name))
    assert response.status_code == 200
    event = SecurityEvent.objects.get(action=action)
    assert event.actor_username == "olivia"
    assert str(world.assessment.pk) in event.object_ref or event.detail


def test_a_portfolio_export_is_logged(world) -> None:
    a = world.assessment
    logged_in(world.cast["carol"]).get(
        reverse("portfolio"), {"framework": a.framework.key, "cycle": a.cycle_id, "format": "csv"}
    )
    assert SecurityEvent.objects.filter(action="export", actor_username="carol").exists()


def test_role_changes_are_logged(alice, org_a, root) -> None:
    membership = Membership.objects.get(user=alice)
    membership.role = Membership.Role.RESPONDENT
    membership.save()
    event = SecurityEvent.objects.filter(action="role_granted").latest("pk")
    assert event.target_username == "alice" and event.detail["role"] == "respondent"
    alice.is_superuser = True
    alice.save()
    assert SecurityEvent.objects.filter(action="account_changed", target_username="alice").exists()


def test_the_admin_shows_the_log_but_cannot_change_or_delete_it(root, bob) -> None:
    Client().post(reverse("account_login"), {"login": "bob", "password": "wrong password"})
    event = SecurityEvent.objects.get(action="login_failed")
    admin = logged_in(root)
    assert admin.get(reverse("admin:accounts_securityevent_changelist")).status_code == 200
    assert admin.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    assert (
        admin.post(reverse("admin:accounts_securityevent_delete", args=[event.pk])).status_code
        == 403
    )
    admin.post(reverse("admin:accounts_securityevent_change", args=[event.pk]), {"action": "login"})
    event.refresh_from_db()
    assert event.action == "login_failed"
    changelist = admin.get(reverse("admin:accounts_securityevent_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_users_cannot_be_deleted_in_the_admin(root, bob) -> None:
    admin = logged_in(root)
    response = admin.post(reverse("admin:auth_user_delete", args=[bob.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(bob).objects.filter(pk=bob.pk).exists()


def test_audit_rows_keep_who_acted_when_the_account_goes(assessment, bob) -> None:
    answer(assessment, bob, "GOV-01", "3")
    bob.delete()  # only possible outside the admin; the trail still says who
    event = AuditEvent.objects.get(action="answer_saved")
    assert event.user is None and event.user_name == "bob"


def test_audit_events_are_never_cascade_deleted(assessment, alice) -> None:
    answer(assessment, alice, "GOV-01", "3")
    with pytest.raises(ProtectedError):
        assessment.delete()
    assert AuditEvent.objects.filter(assessment=assessment).count() >= 2


def test_security_events_keep_the_name_when_the_account_goes(bob) -> None:
    Client().post(reverse("account_login"), {"login": "bob", "password": PASSWORD})
    bob.delete()
    event = SecurityEvent.objects.get(action="login")
    assert event.actor is None and event.actor_username == "bob"
