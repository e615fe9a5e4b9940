"""Crew sign-in and sign-out: a password (bcrypt, once per sign-in) or a passkey, then a signed
session token; and "sign out everywhere"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, make_response, render_template

from scc import clock
from scc.auth import members, sessions, throttle
from scc.auth.guard import clear_cookies, lifetimes, login_required, set_cookies
from scc.errors import Invalid, Unauthorized
from scc.keys import signing_keys
from scc.store import get_store
from scc.validation import crew_id as valid_crew_id
from scc.web.forms import payload
from scc.web.htmx import is_htmx, retarget, trigger

bp = Blueprint("auth", __name__, template_folder="templates")

BAD_LOGIN = "That crew id and password do not match."


def signed_in(crew_id: str, role: str, gen: int, *, status: int = 200) -> Response:
    """Start a session: the board (HX) or the token as JSON, and the cookies. Shared by every
    way of signing in (password, passkey, enrollment)."""
    token, session = sessions.start(signing_keys(), crew_id, role, gen)
    idle, absolute = lifetimes()
    g.scc_session, g.scc_via_cookie = session, False  # the session line shows who signed in
    if is_htmx():
        response = make_response(render_template("auth/_signed_in.html"), status)
        trigger(response, "scc:toast", f"Signed in as {crew_id}.")
    else:
        response = jsonify(
            {
                "token": token,
                "crew_id": crew_id,
                "role": role,
                "expires_at": clock.iso(session.expires_at(idle, absolute)),
                "csrf_token": session.csrf_token,
            }
        )
        response.status_code = status
    set_cookies(response, token, session.csrf_token)
    return response


@bp.get("/api/admin/login")
def login_form() -> Any:
    """The sign-in form fragment (the shell asks for it when this browser holds no session)."""
    return render_template("auth/_login.html")


@bp.post("/api/admin/login")
def login() -> Any:
    """Count the attempt, check the password once, then issue a session token and cookies."""
    throttle.same_site()
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
    throttle.take(crew_id)  # before bcrypt: at most LIMIT checks, however many arrive at once
    verdict = members.password_sign_in(get_store(), crew_id, password)
    if crew_id is None or not verdict.ok:
        raise Unauthorized(BAD_LOGIN)
    throttle.succeeded(crew_id)
    return signed_in(crew_id, verdict.role, verdict.gen)


@bp.post("/api/admin/logout")
@login_required
def logout() -> Any:
    """End the session in this browser: clear both cookies."""
    return signed_out("Signed out.")


def signed_out(message: str) -> Response:
    if is_htmx():
        response = make_response(render_template("auth/_login.html"))
        retarget(response, "#board", "innerHTML")
        trigger(response, "scc:toast", message)
        trigger(response, "scc:close-modal")
    else:
        response = jsonify({"status": "signed out"})
    clear_cookies(response)
    g.scc_session = None
    return response


@bp.get("/api/admin/account")
@login_required
def account() -> Any:
    """The signed-in member's own dialog: add a passkey, sign out everywhere."""
    return render_template("auth/_account.html")
