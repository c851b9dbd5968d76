"""One simulated respondent per locust user: log in (with CSRF), open their own
assessment's questionnaire, then answer its maturity questions through autosave with
think time.

Every save the server acknowledged (HTTP 200) is appended to ACK_FILE as
"username question_id value", so that the run can check afterwards that the database
holds each question's last acknowledged value.
"""

from __future__ import annotations

import os
import random
import re
import threading

from locust import HttpUser, between, task

ACK_FILE = os.environ.get("LOAD_ACK_FILE", "var/load/acks.txt")
USERS = [line.split() for line in open(os.environ.get("LOAD_USERS_FILE", "var/load/users.txt"))]
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password")
_lock = threading.Lock()
_next = iter(range(len(USERS)))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIELD = re.compile(r'name="(login|username)"')
VERSION = re.compile(r'name="q(\d+)-version"[^>]*?value="(\d+)"')


def _found(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    if match is None:
        raise RuntimeError(f"expected {pattern.pattern!r} in the login page")
    return match.group(1)


class Respondent(HttpUser):
    wait_time = between(0.5, 2.0)  # think time between answers

    def on_start(self) -> None:
        with _lock:
            index = next(_next)
        self.username, self.assessment, self.domain, questions = USERS[index]
        self.questions = [int(q) for q in questions.split(",")]
        page = self.client.get("/accounts/login/", name="login page")
        token, field = _found(CSRF, page.text), _found(FIELD, page.text)
        self.client.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, field: self.username, "password": PASSWORD},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )
        self.load_page()

    def load_page(self) -> None:
        url = f"/assessments/{self.assessment}/domains/{self.domain}/"
        page = self.client.get(url, name="questionnaire page")
        self.versions = {int(q): int(v) for q, v in VERSION.findall(page.text)}
        self.csrf = self.client.cookies.get("csrftoken", "")

    @task
    def autosave(self) -> None:
        question = random.choice(self.questions)
        value = str(random.randint(1, 5))
        with self.client.post(
            f"/assessments/{self.assessment}/questions/{question}/save/",
            {f"q{question}-value": value, f"q{question}-version": self.versions.get(question, 0)},
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true"},
            name="autosave",
            catch_response=True,
        ) as reply:
            if reply.status_code == 200:
                # The reply carries the stored version (an out-of-band hidden input).
                stored = dict(VERSION.findall(reply.text)).get(str(question))
                self.versions[question] = (
                    int(stored) if stored is not None else self.versions.get(question, 0) + 1
                )
                with _lock, open(ACK_FILE, "a") as acks:
                    acks.write(f"{self.username} {question} {value}\n")
                reply.success()
            else:
                reply.failure(f"HTTP {reply.status_code}")
