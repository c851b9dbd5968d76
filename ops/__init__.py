"""Running the platform for real: everything operations owns.

- `ops.storage`: the private file storage behind evidence and cached reports
  (local folder by default, S3-compatible through django-storages).
- `ops.tasks` and `ops.render`: background work on Django's tasks framework
  (PDF reports with a time and memory limit per render, e-mails, exports).
- `ops.reports`: asking for a report in the background and polling for it.
- `ops.health` and `ops.views.healthz`: `/healthz` for load balancers.
- `ops.logging` and `ops.middleware`: JSON logs with request ids, the maintenance
  page (503) when the disk is full or the database is read-only.
- `ops.backup`: `manage.py backup` / `manage.py restore`.
- `ops.serve` (`make serve`) and `ops.deploy_check` (`make deploy-check`).
- `ops.models`: worker heartbeats and notification bookkeeping (opt-outs, sent
  reminders); the e-mails themselves are written in `assessments.notifications`.
"""
