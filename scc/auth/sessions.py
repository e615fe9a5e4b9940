"""Signed, expiring session tokens (HMAC via itsdangerous): no bcrypt, no database per request.

A token carries who signed in, their role, the generation of their sessions on the roster (which
deactivation and "sign out everywhere" move on), and when the roster last vouched for it: a token
whose check is older than scc.auth.guard.CHECK_EVERY is checked again (one GetItem) and
re-issued."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from scc import clock
from scc.keys import Keys

SALT = "scc-session"
# A token's body: the session's fields under short keys (the token rides along with every request).
BODY = {"c": "crew_id", "s": "started", "x": "csrf_token", "r": "role", "g": "gen", "k": "checked"}


class _ClockSigner(TimestampSigner):
    """Timestamps come from scc.clock, so expiry can be tested by moving the clock."""

    def get_timestamp(self) -> int:
        return clock.epoch()


@dataclass(frozen=True)
class Session:
    crew_id: str
    csrf_token: str
    started: int  # when the crew member signed in (epoch seconds): the absolute lifetime
    issued: int  # when this token was signed: the idle lifetime
    role: str = ""  # "owner" or "crew"; "" in a token from before roles (checked at once)
    gen: int = 0  # the member's session generation when it was checked
    checked: int = 0  # when the roster last vouched for it (0: never)

    def expires_at(self, idle: int, absolute: int) -> datetime:
        return datetime.fromtimestamp(min(self.issued + idle, self.started + absolute), clock.UTC)


def _serializer(keys: Keys) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(keys, salt=SALT, signer=_ClockSigner)


def start(keys: Keys, crew_id: str, role: str, gen: int) -> tuple[str, Session]:
    """A new session at sign-in (the roster was just read: it counts as checked)."""
    now = clock.epoch()
    session = Session(crew_id, secrets.token_urlsafe(32), now, now, role, gen, now)
    return issue(keys, session), session


def issue(keys: Keys, session: Session) -> str:
    """Sign a token for a session (a new one at sign-in, a refreshed one while in use)."""
    body = {key: getattr(session, name) for key, name in BODY.items()}
    token: str = _serializer(keys).dumps(body)
    return token


def read(keys: Keys, token: str, *, idle: int, absolute: int) -> Session | None:
    """Return the session in a token, or None when it is forged, tampered, idle or too old."""
    if not token or len(token) > 1024:
        return None
    try:  # itsdangerous refuses a token signed more than `idle` ago, or in the future
        body, signed_at = _serializer(keys).loads(token, max_age=idle, return_timestamp=True)
    except BadSignature:
        return None
    if not isinstance(body, dict):
        return None
    crew_id, start, csrf = body.get("c"), body.get("s"), body.get("x")
    if not (isinstance(crew_id, str) and isinstance(start, int) and isinstance(csrf, str)):
        return None
    role, gen, checked = body.get("r", ""), body.get("g", 0), body.get("k", 0)
    if not (isinstance(role, str) and isinstance(gen, int) and isinstance(checked, int)):
        return None
    session = Session(crew_id, csrf, start, int(signed_at.timestamp()), role, gen, checked)
    now = clock.epoch()
    if now - session.started > absolute or session.started > now + 60:
        return None
    return session


def vouched(session: Session, role: str) -> Session:
    """The session as the roster confirms it now, with the role it has now."""
    return replace(session, role=role, checked=clock.epoch())
