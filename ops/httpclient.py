"""A tiny browser-like HTTP client (standard library only) for the smoke and load checks.

Keeps cookies, logs in through the real login form with its CSRF token, and
sends the CSRF header htmx would send.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def first_group(pattern: str | re.Pattern[str], text: str) -> str:
    """The first group of `pattern` in `text`; a clear error when the page lacks it."""
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"expected {getattr(pattern, 'pattern', pattern)!r} in the page")
    return match.group(1)


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Session:
    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("only http(s) URLs")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, *, htmx: bool = False
    ) -> Reply:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        url = self.base_url + path  # http(s) only, checked in __init__
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310
        request.add_header("Connection", "close")
        if method != "GET":
            request.add_header("X-CSRFToken", self.cookie("csrftoken"))
            request.add_header("Referer", self.base_url + path)
        if htmx:
            request.add_header("HX-Request", "true")
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Reply(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read(), dict(error.headers))

    def get(self, path: str, *, htmx: bool = False) -> Reply:
        return self.request("GET", path, htmx=htmx)

    def post(self, path: str, data: dict[str, str], *, htmx: bool = False) -> Reply:
        return self.request("POST", path, data, htmx=htmx)

    def login(self, username: str, password: str) -> None:
        form = self.get("/accounts/login/")
        match = _CSRF_INPUT.search(form.text)
        if form.status != 200 or not match:
            raise RuntimeError(f"login page answered {form.status}")
        reply = self.post(
            "/accounts/login/",
            # allauth's form calls the username field "login".
            {"csrfmiddlewaretoken": match.group(1), "login": username, "password": password},
        )
        if reply.status != 200 or 'name="password"' in reply.text:
            raise RuntimeError(f"login as {username} failed ({reply.status})")
