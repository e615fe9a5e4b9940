"""Domain exceptions, raised where things go wrong and answered in one place (scc.web.errors)."""

from __future__ import annotations

from typing import Any


class SCCError(Exception):
    """Base of the app's own errors; the message is a sentence for crew or patrons."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(SCCError):
    """Input that breaks a rule; nothing was changed. `errors` maps bad fields to messages."""

    status = 422

    def __init__(
        self, message: str, field: str | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, field)
        self.errors = errors or ({field: message} if field else {})


class NotFound(SCCError):
    """The thing asked for does not exist."""

    status = 404


class Conflict(SCCError):
    """The request clashes with what is stored (duplicate id, changed meanwhile)."""

    status = 409


class Stale(Conflict):
    """An edit based on a version of the trip that is no longer current; carries the trip as it
    is now (a scc.models.Event), which the answer shows."""

    def __init__(self, message: str, event: Any) -> None:
        super().__init__(message)
        self.event = event


class Contended(Conflict):
    """Another request changed what this one relied on at the same moment; reading again and
    retrying may well succeed."""

    def __init__(
        self, message: str = "The trip changed at the same moment; please try again."
    ) -> None:
        super().__init__(message)


class Moved(Conflict):
    """The trip was rescheduled: its old id only points to the new one."""

    def __init__(self, event_id: str, moved_to: str) -> None:
        super().__init__(f"Trip {event_id} was rescheduled: it is now {moved_to}.")
        self.event_id = event_id
        self.moved_to = moved_to


class Unauthorized(SCCError):
    """No valid session."""

    status = 401


class Forbidden(SCCError):
    """A session, but the request is not allowed (e.g. missing CSRF token)."""

    status = 403


class Gone(SCCError):
    """A one-time thing (an enrollment link) that was used, replaced or has expired."""

    status = 410


class Throttled(SCCError):
    """Too many attempts; try again later."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StoreError(SCCError):
    """DynamoDB failed in a way that is not the caller's fault."""

    status = 503
