"""Private file storage for evidence and cached reports.

`storages["evidence"]` and `storages["reports"]` (settings.STORAGES) are either
this local storage or django-storages' S3 storage. Neither has a public URL:
evidence leaves only through the permission-checked view, reports through the
report view.

The local storage reads its folder from a setting on every use (so tests can
point it elsewhere) and writes through a temporary file that is linked into
place only when complete: a failed write (disk full) leaves no partial file, and
a reader never sees half a report.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import DatabaseError

# errno values that mean "the machine cannot take writes now", not "a bug".
UNAVAILABLE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO}


class PrivateFileStorage(FileSystemStorage):
    def __init__(self, root_setting: str = "EVIDENCE_ROOT", **kwargs: Any) -> None:
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)
        self.root_setting = root_setting

    @property
    def base_location(self) -> str:
        return str(getattr(settings, self.root_setting))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private storage has no public URL")

    def _save(self, name: str, content: File) -> str:
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=full_path.parent, prefix=".incoming-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o640)
            # link() refuses to replace an existing file, like FileSystemStorage.
            while True:
                try:
                    os.link(tmp, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = Path(self.path(name))
        finally:
            Path(tmp).unlink(missing_ok=True)
        return str(name).replace("\\", "/")


def evidence_storage() -> Storage:
    return storages["evidence"]


def report_storage() -> Storage:
    return storages["reports"]


def is_unavailable(exc: BaseException) -> bool:
    """Whether an error means a full disk or a read-only database (maintenance), not a bug."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in UNAVAILABLE_ERRNOS:
            return True
        if isinstance(current, DatabaseError):
            text = str(current).lower()
            if any(
                phrase in text
                for phrase in (
                    "readonly database",
                    "read-only",
                    "read only",
                    "database or disk is full",
                    "disk i/o error",
                    "no space left",
                    "could not extend file",
                )
            ):
                return True
            sqlstate = getattr(current.__cause__, "sqlstate", None)
            if sqlstate in {"25006", "53100", "53000"}:  # read-only transaction, disk full
                return True
        current = current.__cause__ or current.__context__
    return False
