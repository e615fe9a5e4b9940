"""Crew sign-in with a password (bcrypt, once per sign-in) and sign-out, the sign-in form and
one's own account dialog. Passkeys are in passkey_views; the answer that starts or ends a
session, which all of them share, is scc.auth.signin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from scc.auth import forms, members, throttle
from scc.auth.guard import login_required
from scc.auth.signin import signed_in, signed_out
from scc.errors import Unauthorized
from scc.store import get_store
from scc.web.forms import payload

bp = Blueprint("auth", __name__, template_folder="templates")

BAD_LOGIN = "That crew id and password do not match."


@bp.get("/api/admin/login")
def login_form() -> Any:
    """The sign-in form fragment (the shell asks for it when this browser holds no session)."""
    return render_template("auth/_login.html")


@bp.post("/api/admin/login")
def login() -> Any:
    """Count the attempt, check the password once, then issue a session token and cookies."""
    throttle.same_site()
    crew_id, password = forms.sign_in(payload())
    throttle.take(crew_id)  # before bcrypt: at most LIMIT checks, however many arrive at once
    verdict = members.password_sign_in(get_store(), crew_id, password)
    if crew_id is None or not verdict.ok:
        raise Unauthorized(BAD_LOGIN)
    return signed_in(crew_id, verdict.role, verdict.gen)


@bp.post("/api/admin/logout")
@login_required
def logout() -> Any:
    """End the session in this browser: clear both cookies."""
    return signed_out("Signed out.")


@bp.get("/api/admin/account")
@login_required
def account() -> Any:
    """The signed-in member's own dialog: add a passkey, sign out everywhere."""
    return render_template("auth/_account.html")
