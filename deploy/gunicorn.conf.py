"""gunicorn settings for the app servers (`make serve`, deploy/resilience-web.service).

Every value can be overridden from the environment; the defaults suit a small
machine serving a few hundred people.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# (2 x CPUs) + 1 sync workers, at most 9: requests are short (autosave, pages);
# PDF rendering happens in the task worker, not here.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 9))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck request is killed after this
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycle workers now and then so that a slow leak never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
limit_request_line = 8190
# Only the proxy in front may say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker heartbeat files in memory, so a slow disk never looks like a hung worker.
SHM = "/dev/shm"  # noqa: S108 (gunicorn heartbeat files, not data)
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
accesslog = None  # the app writes one JSON line per request (ops.middleware)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
control_socket_disable = True
proc_name = "resilience-web"
