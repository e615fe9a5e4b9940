"""Domain exceptions, raised where things go wrong and answered in one place (scc.web_errors)."""

from __future__ import annotations


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
