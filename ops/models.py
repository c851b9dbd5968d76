"""Worker heartbeats and notification bookkeeping.

Notification preferences and sent reminders live here (not in `assessments`) so
that the assessment models and their migrations stay as they are.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last sign of life of one task worker (`manage.py db_worker`)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} at {self.beat_at:%H:%M:%S}"


class NotificationPreference(models.Model):
    """Per-user opt-out of each kind of e-mail; no row means every e-mail is wanted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    submitted = models.BooleanField(
        _("an assessment I advise on is submitted for review"), default=True
    )
    reviewed = models.BooleanField(
        _("an assessment I coordinate is returned or validated"), default=True
    )
    reminders = models.BooleanField(_("a cycle's deadline is approaching"), default=True)
    mentions = models.BooleanField(_("someone mentions me in a discussion"), default=True)

    def __str__(self) -> str:
        return f"notifications of {self.user}"


class ReminderSent(models.Model):
    """One deadline reminder per person, cycle and assessment: makes `send_reminders` idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    deadline = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assessment", "deadline"], name="ops_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"reminder to {self.user} for {self.assessment_id} ({self.deadline})"
