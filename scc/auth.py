"""Crew sign-in: one shared password (bcrypt, once per login), then a signed session token."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import bcrypt
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
)

from scc import clock, counters, sessions
from scc.errors import Forbidden, Invalid, Throttled, Unauthorized
from scc.htmx import is_htmx, retarget, trigger
from scc.store import get_store
from scc.validation import crew_id as valid_crew_id
from scc.web import payload

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])
SESSION_COOKIE = "scc_session"
CSRF_COOKIE = "scc_csrf"
CSRF_HEADER = "X-CSRF-Token"
FAILURE_LIMIT = 10  # failures allowed per window; the next attempt is refused
FAILURE_WINDOW = 15 * 60
BAD_LOGIN = "That crew id and password do not match."
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REFRESH_AFTER = 5 * 60  # re-sign a cookie at most every 5 minutes of use (idle lifetime)


def client_ip() -> str:
    """The viewer's IP: CloudFront's viewer address when present, else the source IP."""
    viewer = request.headers.get("CloudFront-Viewer-Address", "").strip()
    if viewer:
        # "198.51.100.10:46532" or "2001:db8::1:46532": the address, then the viewer's port.
        host, sep, port = viewer.rpartition(":")
        return (host if sep and port.isdigit() else viewer).strip("[]")[:64]
    return (request.remote_addr or "unknown")[:64]


def _lifetimes(config: Mapping[str, Any]) -> tuple[int, int]:
    """The session's idle and absolute lifetimes, in seconds."""
    return config["SESSION_IDLE_SECONDS"], config["SESSION_MAX_SECONDS"]


def current_session() -> sessions.Session | None:
    """The request's session from `Authorization: Bearer` or the cookie; no bcrypt, no database."""
    ctx = g._get_current_object()  # one context lookup for the reads and writes below
    if "scc_session" in ctx.__dict__:
        return cast(sessions.Session | None, ctx.scc_session)
    config = current_app.config
    secret, (idle, absolute) = config["SECRET_KEY"], _lifetimes(config)
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    found, via_cookie = None, False
    if header.startswith("Bearer "):
        found = sessions.read(secret, header[7:].strip(), idle=idle, absolute=absolute)
    elif SESSION_COOKIE in request.cookies:
        found = sessions.read(secret, request.cookies[SESSION_COOKIE], idle=idle, absolute=absolute)
        via_cookie = found is not None
    ctx.scc_via_cookie, ctx.scc_session = via_cookie, found
    return found


def login_required(view: F) -> F:
    """Refuse the view without a valid session; cookie sessions need the CSRF header to write."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        session = current_session()
        if session is None:
            raise Unauthorized("Please sign in to continue.")
        via_cookie = g.scc_via_cookie
        if (
            via_cookie
            and request.method in UNSAFE
            and not sessions.csrf_matches(session, request.headers.get(CSRF_HEADER))
        ):
            raise Forbidden("This request is missing its security token; reload the page.")
        answer = view(*args, **kwargs)
        if not via_cookie:  # bearer tokens are not re-signed
            return answer
        return refresh_cookie(current_app.make_response(answer))

    return cast(F, wrapped)


def signed_in_crew() -> str:
    """The crew id of the signed-in crew member (call inside a login_required view)."""
    session = current_session()
    assert session is not None  # noqa: S101 - guaranteed by login_required
    return session.crew_id


def _cookie_path() -> str:
    """Cookies belong to the app's prefix (/ or /_staging/)."""
    return request.script_root + "/" if request.script_root else "/"


def _set_cookies(response: Response, token: str, csrf: str) -> None:
    secure = current_app.config["SECURE_COOKIES"]
    path = _cookie_path()
    idle, _ = _lifetimes(current_app.config)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=idle,
        secure=secure,
        httponly=True,
        samesite="Strict",
        path=path,
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=idle,
        secure=secure,
        httponly=False,
        samesite="Strict",
        path=path,
    )


def refresh_cookie(response: Response) -> Response:
    """Slide a cookie session's idle lifetime forward while it is used (absolute stays fixed):
    after each signed-in view (login_required), unless the view ended the session."""
    session = g.get("scc_session")
    if session is None or response.status_code >= 400:
        return response
    if int(clock.now().timestamp()) - session.issued < REFRESH_AFTER:
        return response
    secret = current_app.config["SECRET_KEY"]
    token = sessions.issue(
        secret, session.crew_id, started=session.started, csrf=session.csrf_token
    )
    _set_cookies(response, token, session.csrf_token)
    return response


def _password_ok(password: str) -> bool:
    stored = current_app.config["ADMIN_PASS_HASH"].encode()
    raw = password.encode("utf-8", "surrogatepass") if isinstance(password, str) else b""
    # bcrypt reads at most 72 bytes; longer passwords are refused rather than truncated.
    if not stored or not raw or len(raw) > 72:
        return False
    try:
        return bcrypt.checkpw(raw, stored)
    except ValueError:
        return False


@bp.get("/api/admin/login")
def login_form() -> Any:
    """The sign-in form fragment (the shell asks for it when this browser holds no session)."""
    return render_template("auth/_login.html")


@bp.post("/api/admin/login")
def login() -> Any:
    """Check the shared password once, then issue a session token and cookies."""
    data = payload()
    crew, password = data.get("crew_id"), data.get("password")
    missing = [f for f, v in (("crew_id", crew), ("password", password)) if v in (None, "")]
    if missing:
        label = "your crew id" if missing[0] == "crew_id" else "the password"
        raise Invalid(f"Please enter {label}.", missing[0])
    crew_key = crew.strip().lower()[:64] if isinstance(crew, str) else "?"
    ip = client_ip()
    store = get_store()
    blocked = [
        c
        for c in counters.peek(store, "login", [f"crew:{crew_key}", f"ip:{ip}"])
        if c.hits >= FAILURE_LIMIT
    ]
    if blocked:
        wait = max(c.retry_after() for c in blocked)
        raise Throttled(
            f"Too many failed sign-ins. Try again in {(wait + 59) // 60} minutes.", wait
        )
    try:
        crew_id = valid_crew_id(crew)
    except Invalid:
        crew_id = None
    if crew_id is None or not isinstance(password, str) or not _password_ok(password):
        counters.hit(store, "login", f"crew:{crew_key}", FAILURE_WINDOW)
        counters.hit(store, "login", f"ip:{ip}", FAILURE_WINDOW)
        raise Unauthorized(BAD_LOGIN)
    counters.clear(store, "login", f"crew:{crew_key}")

    secret = current_app.config["SECRET_KEY"]
    token = sessions.issue(secret, crew_id)
    idle, absolute = _lifetimes(current_app.config)
    session = sessions.read(secret, token, idle=idle, absolute=absolute)
    assert session is not None  # noqa: S101 - we just signed it
    body = {
        "token": token,
        "crew_id": crew_id,
        "expires_at": clock.iso(session.expires_at(idle, absolute)),
        "csrf_token": session.csrf_token,
    }
    if is_htmx():
        g.scc_session = session  # for the session line the fragment shows
        response = make_response(render_template("auth/_signed_in.html", crew_id=crew_id))
        trigger(response, "scc:toast", f"Signed in as {crew_id}.")
    else:
        response = jsonify(body)
    _set_cookies(response, token, session.csrf_token)
    return response


@bp.post("/api/admin/logout")
@login_required
def logout() -> Any:
    """End the session in this browser: clear both cookies."""
    if is_htmx():
        response = make_response(render_template("auth/_login.html"))
        retarget(response, "#board", "innerHTML")
        trigger(response, "scc:toast", "Signed out.")
    else:
        response = jsonify({"status": "signed out"})
    path = _cookie_path()
    response.delete_cookie(
        SESSION_COOKIE,
        path=path,
        secure=current_app.config["SECURE_COOKIES"],
        httponly=True,
        samesite="Strict",
    )
    response.delete_cookie(
        CSRF_COOKIE, path=path, secure=current_app.config["SECURE_COOKIES"], samesite="Strict"
    )
    g.scc_session = None
    return response
