"""The Gmail API backend: a refresh token becomes an access token (cached while it is valid), and
`users.messages.send` takes the message as base64url MIME.

Plain urllib rather than google-auth or the API client: two HTTPS POSTs need no dependency, and
every import counts at a Lambda cold start. Every call is bounded: 3 s per attempt, at most two
attempts on a 5xx, a 429 or a network error, one refresh on a 401, and 8 s for a whole send.
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode, urlsplit

from scc.notify.message import TIMEOUT, Message, NotifyError

SEND_PATH = "/gmail/v1/users/me/messages/send"
ATTEMPTS = 2
PERMANENT = frozenset({400, 413})
BUDGET = 8.0  # seconds for one send, refreshes and retries included
EXPIRY_MARGIN = 60  # refresh this long before Google says the token expires


def mime(message: Message, sender: str = "") -> str:
    """The message as Gmail's `raw`: base64url of a multipart/alternative MIME message."""
    mail = EmailMessage()
    mail["To"] = message.to
    if sender:  # without From, Gmail uses the account the token belongs to
        mail["From"] = sender
    mail["Subject"] = message.subject
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return base64.urlsafe_b64encode(mail.as_bytes()).decode("ascii")


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class GmailMailer:
    """Send through the Gmail API as the account that granted the refresh token."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        sender: str = "",
        token_url: str,
        api_url: str,
        timeout: float = TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for url in (token_url, api_url):
            if urlsplit(url).scheme not in ("https", "http"):
                raise NotifyError("The Gmail URLs must be http(s).")
        self._credentials = {
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
        }
        self.sender = sender
        self.token_url = token_url
        self.send_url = api_url.rstrip("/") + SEND_PATH
        self.timeout = timeout
        self._clock = clock
        # The access token lives in this process only, as a cache: any instance can refresh.
        self._token = ""
        self._expires = 0.0

    def send(self, message: Message) -> str:
        deadline = self._clock() + BUDGET
        body = json.dumps({"raw": mime(message, self.sender)}).encode()
        status, data = self._send(body, deadline)
        if status == 401:  # revoked or expired early: refresh once, try once more
            self._token = ""
            status, data = self._send(body, deadline)
        if status == 200:
            return str(data.get("id", ""))
        # 400/413: Gmail rejects this message as it is, so resending cannot help. Anything else
        # (401 twice, 403 quota or scope) is the account's state, which the operator can fix.
        raise NotifyError(
            f"Gmail refused the message: {self._reason(status, data)}",
            permanent=status in PERMANENT,
        )

    def _send(self, body: bytes, deadline: float) -> tuple[int, dict[str, Any]]:
        token = self._access_token(deadline)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return self._post("send", self.send_url, body, headers, deadline)

    def _access_token(self, deadline: float) -> str:
        if self._token and self._clock() < self._expires:
            return self._token
        form = urlencode(self._credentials).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, data = self._post("token refresh", self.token_url, form, headers, deadline)
        token = data.get("access_token")
        if status != 200 or not isinstance(token, str) or not token:
            # invalid_grant: the refresh token was revoked or has expired; the operator must
            # put a new GMAIL_REFRESH_TOKEN in the function's environment.
            raise NotifyError(f"Gmail token refresh failed: {self._reason(status, data)}")
        lifetime = data.get("expires_in")
        seconds = lifetime if isinstance(lifetime, int) else 0  # OAuth: whole seconds
        self._token = token
        self._expires = self._clock() + max(0, seconds - EXPIRY_MARGIN)
        return token

    def _post(
        self, what: str, url: str, body: bytes, headers: dict[str, str], deadline: float
    ) -> tuple[int, dict[str, Any]]:
        """POST with bounded time; 5xx, 429 and network errors get one more attempt."""
        last = ""
        for _ in range(ATTEMPTS):
            left = min(self.timeout, deadline - self._clock())
            if left <= 0:
                last = last or "no time left"
                break
            # The URL is http(s), checked in __init__ (https in production, loopback in tests).
            request = urllib.request.Request(url, body, headers, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=left) as response:  # noqa: S310
                    return int(response.status), _json(response.read())
            except urllib.error.HTTPError as exc:
                try:
                    status, data = exc.code, _json(exc.read())
                finally:
                    exc.close()
                if status < 500 and status != 429:
                    return status, data
                last = f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
                reason = getattr(exc, "reason", exc)
                last = type(reason).__name__ if isinstance(reason, BaseException) else str(reason)
        raise NotifyError(f"Gmail {what} did not succeed in {ATTEMPTS} attempts: {last}")

    def _reason(self, status: int, data: dict[str, Any]) -> str:
        """Google's own words about an error, short, with anything secret scrubbed out."""
        error = data.get("error")
        if isinstance(error, dict):  # the API: {"error": {"code", "message", "status"}}
            text = f"{error.get('status', '')} {error.get('message', '')}"
        else:  # the token endpoint: {"error": "invalid_grant", "error_description": "..."}
            text = f"{error or ''} {data.get('error_description', '')}"
        text = f"HTTP {status} {text.strip()}".strip()[:200]
        for secret in (*self._credentials.values(), self._token):
            if len(secret) >= 4:
                text = text.replace(secret, "********")
        return text
