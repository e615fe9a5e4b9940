"""Who is asking: the session from a bearer token or the cookie, the views that need one, and
the CSRF check on cookie writes. No bcrypt and no database per request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, request

from scc import clock
from scc.auth import sessions
from scc.errors import Forbidden, Unauthorized

F = TypeVar("F", bound=Callable[..., Any])
SESSION_COOKIE = "scc_session"
CSRF_COOKIE = "scc_csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REFRESH_AFTER = 5 * 60  # re-sign a cookie at most every 5 minutes of use (idle lifetime)


def lifetimes() -> tuple[int, int]:
    """The session's idle and absolute lifetimes, in seconds."""
    config = current_app.config
    return config["SESSION_IDLE_SECONDS"], config["SESSION_MAX_SECONDS"]


def current_session() -> sessions.Session | None:
    """The request's session from `Authorization: Bearer` or the cookie (read once)."""
    if "scc_session" not in g:
        idle, absolute = lifetimes()
        secret = current_app.config["SECRET_KEY"]
        header = request.headers.get("Authorization", "")
        found, g.scc_via_cookie = None, False
        if header.startswith("Bearer "):
            found = sessions.read(secret, header[7:].strip(), idle=idle, absolute=absolute)
        elif SESSION_COOKIE in request.cookies:
            found = sessions.read(
                secret, request.cookies[SESSION_COOKIE], idle=idle, absolute=absolute
            )
            g.scc_via_cookie = found is not None
        g.scc_session = found
    return cast(sessions.Session | None, g.scc_session)


def login_required(view: F) -> F:
    """Refuse the view without a valid session; cookie sessions need the CSRF header to write."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        session = current_session()
        if session is None:
            raise Unauthorized("Please sign in to continue.")
        if (
            g.scc_via_cookie
            and request.method in UNSAFE
            and not sessions.csrf_matches(session, request.headers.get(CSRF_HEADER))
        ):
            raise Forbidden("This request is missing its security token; reload the page.")
        return view(*args, **kwargs)

    return cast(F, wrapped)


def current_role() -> str:
    """The signed-in member's role: `owner` or `crew`. Until crew accounts exist, everyone who
    signs in (with the shared password) is an owner."""
    return "owner"


def is_owner() -> bool:
    """For templates: show the owner's buttons (void, refund, cancel, export, the roster)."""
    return current_session() is not None and current_role() == "owner"


def owner_required(view: F) -> F:
    """A signed-in owner only; crew get a 403 that says an owner can do it."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_role() != "owner":
            raise Forbidden("Only an owner can do that; ask the owner of the business.")
        return view(*args, **kwargs)

    return login_required(cast(F, wrapped))


def signed_in_crew() -> str:
    """The crew id of the signed-in crew member (call inside a login_required view)."""
    session = current_session()
    if session is None:  # login_required guarantees one; this keeps a mistake from passing
        raise Unauthorized("Please sign in to continue.")
    return session.crew_id


def current_crew() -> str | None:
    """For templates: who is signed in, if anyone."""
    session = current_session()
    return session.crew_id if session else None


def cookie_path() -> str:
    """Cookies belong to the app's prefix (/ or /_staging/)."""
    return request.script_root + "/" if request.script_root else "/"


def set_cookies(response: Response, token: str, csrf: str) -> None:
    secure = current_app.config["SECURE_COOKIES"]
    idle, _ = lifetimes()
    for name, value, httponly in ((SESSION_COOKIE, token, True), (CSRF_COOKIE, csrf, False)):
        response.set_cookie(
            name,
            value,
            max_age=idle,
            secure=secure,
            httponly=httponly,
            samesite="Strict",
            path=cookie_path(),
        )


def clear_cookies(response: Response) -> None:
    secure = current_app.config["SECURE_COOKIES"]
    for name, httponly in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(
            name, path=cookie_path(), secure=secure, httponly=httponly, samesite="Strict"
        )


def refresh_cookie(response: Response) -> Response:
    """Slide a cookie session's idle lifetime forward while it is used (absolute stays fixed).
    Not for bearer tokens, refused requests, or a request that ended its session."""
    session = g.get("scc_session")
    if session is None or not g.get("scc_via_cookie") or response.status_code >= 400:
        return response
    if int(clock.now().timestamp()) - session.issued < REFRESH_AFTER:
        return response
    secret = current_app.config["SECRET_KEY"]
    token = sessions.issue(
        secret, session.crew_id, started=session.started, csrf=session.csrf_token
    )
    set_cookies(response, token, session.csrf_token)
    return response


def init_app(app: Flask) -> None:
    app.after_request(refresh_cookie)
    app.jinja_env.globals.update(current_crew=current_crew, is_owner=is_owner)
