"""A message and what can go wrong sending it: shared by the backends (scc.notify.mail,
scc.notify.gmail) and the notices that make messages (scc.notify.notices)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.utils import formataddr
from typing import Any, Protocol

from scc import validation
from scc.errors import Invalid

log = logging.getLogger("scc.notify")
TIMEOUT = 3.0  # seconds per HTTP attempt; a send makes at most two (scc.notify.gmail, SES's client)
_ADDRESS = re.compile(r"(?P<name>[^<>]*?)\s*<(?P<angle>[^<>\s]+)>|(?P<bare>[^<>\s,;]+)")


@dataclass(frozen=True)
class Message:
    """One email to one recipient, with a plain-text and an HTML body."""

    to: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Notice:
    """One message a stream record calls for; `key` is unique to it (de-duplication, the log)."""

    key: str
    kind: str
    message: Message


class NotifyError(Exception):
    """A send that failed. `permanent` when retrying the same message cannot succeed."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Mailer(Protocol):
    def send(self, message: Message) -> str:
        """Send one message; return the provider's message id, or raise NotifyError."""
        ...


def attempt(mailer: Mailer, message: Message) -> tuple[bool, str, bool]:
    """Send one message: (True, the provider's id, False) when sent, else (False, why not,
    whether that is for good: a refusal of the message itself; an outage or a bug passes)."""
    try:
        return True, str(mailer.send(message)), False
    except NotifyError as exc:
        return False, str(exc), exc.permanent
    except ValueError as exc:  # the email package refusing a header: sending again can't help
        return False, str(exc), True
    except Exception as exc:  # a bug must not stop the other messages
        log.exception("notify: sending %r to %s failed", message.subject, masked(message.to))
        return False, type(exc).__name__, False


def address(value: Any, what: str) -> str:
    """A checked address, `name@example.com` or `Name <name@example.com>`; NotifyError if not.

    Stricter than email.utils.parseaddr, which reads `a@b.c, x@y.z` or `a@b.c\nBcc: …` as a@b.c.
    """
    found = _ADDRESS.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if found is None:
            raise Invalid("no address")
        name = validation.text(found["name"] or "", "name", "The name", required=False)
        checked = validation.email(found["angle"] or found["bare"], required=True)
    except Invalid:
        raise NotifyError(f"{what} is not a usable email address.", permanent=True) from None
    name = name.strip('"').strip()
    return formataddr((name, str(checked))) if name else str(checked)


def usable(value: Any, what: str, *, unsent: str = "", level: int = logging.WARNING) -> str | None:
    """The checked address, or None when there is none or it is not usable (then logged at
    `level`, with `unsent` saying what is not sent for want of it, when given)."""
    try:
        return address(value, what) if value else None
    except NotifyError as exc:
        if unsent:
            log.log(level, "notify: %s %s", exc, unsent)
        return None


def masked(value: str) -> str:
    """An address as logs show it: `dana@example.com` -> `d***@example.com` (whoever it is, the
    log says which domain and nothing more of a patron's address)."""
    found = _ADDRESS.fullmatch(value.strip()) if isinstance(value, str) else None
    bare = (found["angle"] or found["bare"]) if found else str(value)
    local, at, domain = bare.rpartition("@")
    return f"{local[:1]}***@{domain}" if at and local else "***"
