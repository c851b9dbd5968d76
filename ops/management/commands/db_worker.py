"""`manage.py db_worker`: django-tasks-db's worker, plus a heartbeat for `/healthz`.

A daemon thread records the worker's last sign of life every few seconds in
`ops.WorkerHeartbeat`; everything else is the package's command unchanged.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

HEARTBEAT_SECONDS = 10


def beat(worker_id: str, started_at: datetime) -> None:
    from ops.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )
    # Workers that stopped long ago (each start gets a new id) are forgotten.
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=1)).delete()


def _heartbeat_loop(worker_id: str, stop: threading.Event) -> None:
    started_at = timezone.now()
    while not stop.is_set():
        try:
            close_old_connections()
            beat(worker_id, started_at)
        except DatabaseError:
            pass  # a locked or unreachable database: try again at the next beat
        finally:
            connection.close()
        stop.wait(HEARTBEAT_SECONDS)


class Command(db_worker.Command):
    help = db_worker.Command.help + " (with a heartbeat for /healthz)"

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options.get("batch"):
            thread = threading.Thread(
                target=_heartbeat_loop, args=(options["worker_id"], stop), daemon=True
            )
            thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
