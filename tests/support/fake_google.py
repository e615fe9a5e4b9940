"""A fake Google OAuth token endpoint and Gmail send API on loopback, one per session: answers
can be scripted (401, 500, a stall), and every request is recorded for the tests to read."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl

import pytest

SEND_PATH = "/gmail/v1/users/me/messages/send"
CLIENT_ID = "fake-client.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-client-secret-9c8b"  # noqa: S105 - a test value
REFRESH_TOKEN = "1//fake-refresh-token-Zx9Lk2"  # noqa: S105 - a test value


@dataclass
class FakeGoogle:
    url: str = ""
    token_requests: list[dict[str, str]] = field(default_factory=list)
    send_attempts: list[str] = field(default_factory=list)  # the Authorization header of each
    sent: list[EmailMessage] = field(default_factory=list)
    token_script: list[int] = field(default_factory=list)  # statuses for the next refreshes
    send_script: list[int] = field(default_factory=list)  # statuses for the next sends
    stall: bool = False  # hold every send until `release` is set (the client times out first)
    release: threading.Event = field(default_factory=threading.Event)
    issued: list[str] = field(default_factory=list)
    # One release per send that reached the server: a client that timed out has sent its
    # request, but a loaded machine may run the server's thread for it only later.
    arrived: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def reset(self) -> None:
        self.release.set()  # free any handler still holding a stalled request
        for items in (self.token_requests, self.send_attempts, self.sent, self.issued):
            items.clear()
        self.token_script.clear()
        self.send_script.clear()
        self.stall = False
        self.release = threading.Event()
        self.arrived = threading.Semaphore(0)

    def config(self, **overrides: Any) -> dict[str, Any]:
        """App config for the Gmail backend pointed at this server."""
        return {
            "MAIL_BACKEND": "gmail",
            "GMAIL_CLIENT_ID": CLIENT_ID,
            "GMAIL_CLIENT_SECRET": CLIENT_SECRET,
            "GMAIL_REFRESH_TOKEN": REFRESH_TOKEN,
            "GMAIL_TOKEN_URL": self.url + "/token",
            "GMAIL_API_URL": self.url,
            **overrides,
        }


def _handler(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
            """Keep the test output quiet."""

        def _answer(self, status: int, data: dict[str, Any]) -> None:
            body = json.dumps(data).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (a timeout test)
                pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/token":
                self._token(dict(parse_qsl(raw.decode())))
            elif self.path == SEND_PATH:
                self._send(raw)
            else:
                self._answer(404, {"error": {"code": 404, "message": "not found"}})

        def _token(self, form: dict[str, str]) -> None:
            fake.token_requests.append(form)
            status = fake.token_script.pop(0) if fake.token_script else 200
            if status != 200 or form.get("refresh_token") != REFRESH_TOKEN:
                error = {"error": "invalid_grant", "error_description": "Token has been revoked."}
                self._answer(status if status != 200 else 400, error)
                return
            token = f"ya29.fake-access-{len(fake.issued) + 1}"
            fake.issued.append(token)
            self._answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

        def _send(self, raw: bytes) -> None:
            authorization = self.headers.get("Authorization", "")
            fake.send_attempts.append(authorization)
            fake.arrived.release()
            if fake.stall:
                fake.release.wait(5)
                return self._answer(503, {"error": {"code": 503, "message": "stalled"}})
            status = fake.send_script.pop(0) if fake.send_script else 200
            current = fake.issued[-1] if fake.issued else None
            if status == 200 and authorization != f"Bearer {current}":
                status = 401  # only the newest access token is good
            if status != 200:
                message = {401: "Invalid Credentials", 500: "Backend Error"}.get(status, "error")
                self._answer(status, {"error": {"code": status, "message": message}})
                return
            data = json.loads(raw)["raw"]
            parsed = message_from_bytes(base64.urlsafe_b64decode(data), policy=policy.default)
            fake.sent.append(cast(EmailMessage, parsed))
            self._answer(200, {"id": f"gmail-{len(fake.sent)}", "threadId": "t"})

    return Handler


@pytest.fixture(scope="session")
def google_server() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def google(google_server: FakeGoogle) -> Iterator[FakeGoogle]:
    """The session's fake Google, with nothing scripted or recorded."""
    google_server.reset()
    yield google_server
    google_server.reset()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies of a sent message."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return cast(EmailMessage, text).get_content(), cast(EmailMessage, html).get_content()
