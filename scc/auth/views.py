"""Crew sign-in: one shared password (bcrypt, once per sign-in), then a signed session token."""

from __future__ import annotations

from typing import Any

import bcrypt
from flask import Blueprint, current_app, g, jsonify, make_response, render_template

from scc import clock
from scc.auth import sessions
from scc.auth.guard import clear_cookies, lifetimes, login_required, set_cookies
from scc.errors import Invalid, Throttled, Unauthorized
from scc.store import counters, get_store
from scc.validation import crew_id as valid_crew_id
from scc.web.address import client_ip
from scc.web.forms import payload
from scc.web.htmx import is_htmx, retarget, trigger

bp = Blueprint("auth", __name__, template_folder="templates")

FAILURE_LIMIT = 10  # failures allowed per window; the next attempt is refused
FAILURE_WINDOW = 15 * 60
BAD_LOGIN = "That crew id and password do not match."


def _password_ok(password: str) -> bool:
    stored = current_app.config["ADMIN_PASS_HASH"].encode()
    raw = password.encode("utf-8", "surrogatepass")
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
    try:
        crew_id: str | None = valid_crew_id(crew)
    except Invalid:
        crew_id = None
    crew_key = crew_id or "?"  # ids that can't exist share one counter
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
    if crew_id is None or not isinstance(password, str) or not _password_ok(password):
        counters.hit(store, "login", f"crew:{crew_key}", FAILURE_WINDOW)
        counters.hit(store, "login", f"ip:{ip}", FAILURE_WINDOW)
        raise Unauthorized(BAD_LOGIN)
    counters.clear(store, "login", f"crew:{crew_key}")

    secret = current_app.config["SECRET_KEY"]
    token, session = sessions.start(secret, crew_id)
    idle, absolute = lifetimes()
    g.scc_session, g.scc_via_cookie = session, False  # the session line shows who signed in
    if is_htmx():
        response = make_response(render_template("auth/_signed_in.html", crew_id=crew_id))
        trigger(response, "scc:toast", f"Signed in as {crew_id}.")
    else:
        response = jsonify(
            {
                "token": token,
                "crew_id": crew_id,
                "expires_at": clock.iso(session.expires_at(idle, absolute)),
                "csrf_token": session.csrf_token,
            }
        )
    set_cookies(response, token, session.csrf_token)
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
    clear_cookies(response)
    g.scc_session = None
    return response
