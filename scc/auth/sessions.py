"""Signed, expiring session tokens (HMAC via itsdangerous): no bcrypt, no database per request."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from scc import clock

SALT = "scc-session"


class _ClockSigner(TimestampSigner):
    """Timestamps come from scc.clock, so expiry can be tested by moving the clock."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


@dataclass(frozen=True)
class Session:
    crew_id: str
    csrf_token: str
    started: int  # when the crew member signed in (epoch seconds): the absolute lifetime
    issued: int  # when this token was signed: the idle lifetime

    def expires_at(self, idle: int, absolute: int) -> datetime:
        return datetime.fromtimestamp(min(self.issued + idle, self.started + absolute), clock.UTC)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT, signer=_ClockSigner)


def start(secret: str, crew_id: str) -> tuple[str, Session]:
    """A new session at sign-in: its token and what it holds."""
    now = int(clock.now().timestamp())
    session = Session(crew_id, secrets.token_urlsafe(32), now, now)
    return issue(secret, crew_id, started=now, csrf=session.csrf_token), session


def issue(secret: str, crew_id: str, *, started: int | None = None, csrf: str | None = None) -> str:
    """Sign a token for a crew member (a new one at sign-in, a refreshed one while in use)."""
    start = int(clock.now().timestamp()) if started is None else started
    body = {"c": crew_id, "s": start, "x": csrf or secrets.token_urlsafe(32)}
    token: str = _serializer(secret).dumps(body)
    return token


def read(secret: str, token: str, *, idle: int, absolute: int) -> Session | None:
    """Return the session in a token, or None when it is forged, tampered, idle or too old."""
    if not token or len(token) > 1024:
        return None
    try:
        body, signed_at = _serializer(secret).loads(token, return_timestamp=True)
    except BadSignature:
        return None
    if not isinstance(body, dict):
        return None
    crew_id, start, csrf = body.get("c"), body.get("s"), body.get("x")
    if not (isinstance(crew_id, str) and isinstance(start, int) and isinstance(csrf, str)):
        return None
    session = Session(crew_id, csrf, start, int(signed_at.timestamp()))
    now = int(clock.now().timestamp())
    if not 0 <= now - session.issued <= idle:
        return None
    if now - session.started > absolute or session.started > now + 60:
        return None
    return session


def csrf_matches(session: Session, sent: str | None) -> bool:
    """Constant-time comparison of the CSRF header with the session's token."""
    return bool(sent) and hmac.compare_digest(session.csrf_token, sent or "")
