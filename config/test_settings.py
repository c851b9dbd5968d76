"""Test overrides: fast hashing, in-memory cache, throw-away file roots."""

from __future__ import annotations

import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_TMP = Path(tempfile.mkdtemp(prefix="resilience-tests-"))
EVIDENCE_ROOT = _TMP / "evidence"
REPORT_CACHE_ROOT = _TMP / "reports"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tasks run inside the test (deterministic); tests of the queue run the worker in-process.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
