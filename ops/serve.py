"""`make serve`: the production profile on this machine, in one command.

    python -m ops.serve [--host 127.0.0.1] [--port 8000] [--demo]

Sets DJANGO_ENV=production (DEBUG off, JSON logs, tasks queued in the
database), generates a secret key once into var/secret_key when none is given,
runs migrations, imports the shipped frameworks and collects static files
(compressed, content-hashed, served by WhiteNoise), then starts gunicorn and
one task worker (`manage.py db_worker`) and keeps them together: when one
stops, or on Ctrl-C / SIGTERM, both are stopped.

On plain http (this machine, no TLS proxy) it turns the SSL redirect, HSTS and
secure cookies off unless they are set explicitly; behind a TLS proxy use the
systemd units in deploy/ instead (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PLAIN_HTTP = {
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_SESSION_COOKIE_SECURE": "0",
    "DJANGO_CSRF_COOKIE_SECURE": "0",
    "DJANGO_PROXY_SSL_HEADER": "0",  # no proxy in front: nobody may claim https
}


def secret_key_file() -> Path:
    return Path(os.environ.get("DJANGO_SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))


def ensure_secret_key() -> None:
    """Create var/secret_key (mode 600) the first time; settings read it from there."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return
    path = secret_key_file()
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50) + "\n")
        print(f"Generated a secret key into {path} (keep it; back it up separately).")


def production_env(host: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_ENV", "production")
    env.setdefault("DJANGO_TASKS_BACKEND", "database")
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for name, value in PLAIN_HTTP.items():
        env.setdefault(name, value)
    wildcard = host in ("0.0.0.0", "::")  # noqa: S104 (the operator chose to listen everywhere)
    hosts = {"127.0.0.1", "localhost", "127.0.0.1" if wildcard else host}
    env.setdefault("DJANGO_ALLOWED_HOSTS", ",".join(sorted(hosts)))
    env.setdefault("DJANGO_SITE_URL", f"http://{host}:{port}")
    env.setdefault("PYTHONUNBUFFERED", "1")
    if not env.get("DJANGO_SECRET_KEY"):
        env["DJANGO_SECRET_KEY_FILE"] = str(secret_key_file())
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def prepare(env: dict[str, str], *, demo: bool) -> None:
    manage("migrate", "--noinput", "-v0", env=env)
    manage("import_framework", "frameworks/data", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    if demo:  # seed_demo refuses the production profile; it is asked for explicitly here
        manage("seed_demo", env={**env, "DJANGO_ENV": "development"})


def start(host: str, port: int, env: dict[str, str]) -> list[subprocess.Popen]:
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
         "--bind", f"{host}:{port}", "config.wsgi:application"],
        cwd=BASE_DIR, env=env,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--queue-name", "*"],
        cwd=BASE_DIR, env=env,
    )  # fmt: skip
    return [web, worker]


def stop(children: list[subprocess.Popen], grace: float = 25.0) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--demo", action="store_true", help="also load the demo data")
    options = parser.parse_args(argv)

    ensure_secret_key()
    env = production_env(options.host, options.port)
    prepare(env, demo=options.demo)
    children = start(options.host, options.port, env)
    print(
        f"Serving the production profile on http://{options.host}:{options.port}/ "
        f"(gunicorn + task worker; /healthz; Ctrl-C to stop)",
        flush=True,
    )
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop(children)
    failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed and not stopping else 0


if __name__ == "__main__":
    sys.exit(main())
