"""A session begun or ended in a response: the answer to every way of signing in (password,
passkey, enrollment link) and of signing out. Not a blueprint: each auth blueprint uses it, and
none imports another."""

from __future__ import annotations

from flask import Response, g, jsonify, make_response, render_template

from scc import clock
from scc.auth import sessions, throttle
from scc.auth.guard import clear_cookies, lifetimes, set_cookies
from scc.keys import signing_keys
from scc.web.htmx import is_htmx, retarget, trigger


def signed_in(
    crew_id: str, role: str, gen: int, *, status: int = 200, attempts: int = 1
) -> Response:
    """A sign-in that held: its throttle count given back (`attempts`: see
    throttle.succeeded), and a session started: the board (HX) or the token as JSON, and the
    cookies."""
    throttle.succeeded(crew_id, attempts=attempts)
    token, session = sessions.start(signing_keys(), crew_id, role, gen)
    g.scc_session, g.scc_via_cookie = session, False  # the session line shows who signed in
    if is_htmx():
        response = make_response(render_template("auth/_signed_in.html"), status)
        trigger(response, "scc:toast", f"Signed in as {crew_id}.")
    else:
        expires = clock.iso(session.expires_at(*lifetimes()))
        answer = {"token": token, "crew_id": crew_id, "role": role, "expires_at": expires}
        response = make_response(jsonify(answer | {"csrf_token": session.csrf_token}), status)
    set_cookies(response, token, session.csrf_token)
    return response


def signed_out(message: str) -> Response:
    """End the session in this browser: the sign-in form (HX) or JSON, and no cookies."""
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
