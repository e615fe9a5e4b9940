"""Who is asking: the session from a bearer token or the cookie, the views that need one (and
which role), and the CSRF check on cookie writes. No bcrypt per request, and no database on reads.

How a session learns that its member was deactivated, demoted or signed out everywhere:
- every write (POST/PATCH/PUT/DELETE) and every owner-only view asks the roster first (one
  GetItem): such a request from a cut session fails at once (401), with the role as it is now;
- any other request trusts the token for CHECK_EVERY (5 minutes) after the roster last vouched
  for it; past that it asks the roster once and the token is re-issued with a fresh stamp (the
  cookie re-set; bearer clients get the new token in X-SCC-Token). So reads cost no DynamoDB call
  but one per session every 5 minutes at most, and a cut session ends within 5 minutes.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, request

from scc import clock
from scc.auth import sessions
from scc.errors import Forbidden, Unauthorized
from scc.keys import signing_keys
from scc.models import Member, Secrets
from scc.store import get_store, roster

F = TypeVar("F", bound=Callable[..., Any])
SESSION_COOKIE = "scc_session"
CSRF_COOKIE = "scc_csrf"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_HEADER = "X-SCC-Token"  # noqa: S105 - a header name: a bearer session re-issued after a check
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REFRESH_AFTER = 5 * 60  # re-sign a cookie at most every 5 minutes of use (idle lifetime)
CHECK_EVERY = 5 * 60  # a session is checked against the roster again after this long
ROLE_RANK = {"crew": 0, "owner": 1}
NOT_ALLOWED = {"owner": "Only an owner can do that; ask the owner of the business."}
ENDED = "Your session has ended; please sign in again."
TURNED_OFF = (
    "An owner has turned off your access to ShipCaptainCrew, so you have been signed out. "
    "Ask an owner if you need it back."
)
SIGN_IN = "Please sign in to continue."


def lifetimes() -> tuple[int, int]:
    """The session's idle and absolute lifetimes, in seconds."""
    config = current_app.config
    return config["SESSION_IDLE_SECONDS"], config["SESSION_MAX_SECONDS"]


def _vouch(session: sessions.Session) -> sessions.Session | None:
    """Ask the roster whether the session still stands, and as what role (one GetItem)."""
    standing = roster.standing(get_store(), session.crew_id)
    g.scc_vouched, g.scc_member = True, standing.found if standing else None
    if standing is None:  # deactivated (or no longer on the roster): say so, not just "ended"
        g.scc_ended = TURNED_OFF
        return None
    if standing.gen != session.gen:  # signed out everywhere
        g.scc_ended = ENDED
        return None
    return sessions.vouched(session, standing.role)


def _no_session() -> Unauthorized:
    """Why there is no session: the roster ended it in this request (its access turned off, or
    signed out everywhere), or there was none."""
    return Unauthorized(g.get("scc_ended") or SIGN_IN)


def current_session() -> sessions.Session | None:
    """The request's session from `Authorization: Bearer` or the cookie (read once); checked
    against the roster when its last check is older than CHECK_EVERY."""
    if "scc_session" not in g:
        idle, absolute = lifetimes()
        header = request.headers.get("Authorization", "")
        found, g.scc_via_cookie = None, False
        if header.startswith("Bearer "):
            token = header[7:].strip()
        else:
            token = request.cookies.get(SESSION_COOKIE, "")
            g.scc_via_cookie = bool(token)
        if token:
            found = sessions.read(signing_keys(), token, idle=idle, absolute=absolute)
        if found is not None and not 0 <= clock.epoch() - found.checked < CHECK_EVERY:
            found = _vouch(found)
        g.scc_session = found
    return cast(sessions.Session | None, g.scc_session)


def checked_session() -> sessions.Session:
    """The session, confirmed by the roster during this request (Unauthorized when it no longer
    stands): what writes and owner-only views rely on."""
    session = current_session()
    if session is not None and not g.get("scc_vouched"):
        session = g.scc_session = _vouch(session)
    if session is None:
        raise _no_session()
    return session


def checked_member() -> tuple[Member, Secrets] | None:
    """The signed-in member and their secrets as the roster read them to check the session in
    this request (no read of its own); None for the owner of a new installation, who is not on
    the roster yet."""
    checked_session()
    return cast(tuple[Member, Secrets] | None, g.get("scc_member"))


def login_required(view: F) -> F:
    """Refuse the view without a valid session; cookie sessions need the CSRF header to write,
    and every write checks the session against the roster first."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        session = current_session()
        if session is None:
            raise _no_session()
        if request.method in UNSAFE:
            sent = request.headers.get(CSRF_HEADER, "")  # compared in constant time
            if g.scc_via_cookie and not (sent and hmac.compare_digest(session.csrf_token, sent)):
                raise Forbidden("This request is missing its security token; reload the page.")
            checked_session()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def current_role() -> str:
    """The signed-in member's role: `owner` or `crew` ("" when nobody is signed in)."""
    session = current_session()
    return session.role if session is not None else ""


def is_owner() -> bool:
    """For templates: show the owner's buttons (void, refund, cancel, export, the roster)."""
    return current_role() == "owner"


def role_required(role: str) -> Callable[[F], F]:
    """A view for members with this role or a higher one (owner > crew). The role is the one
    the roster gives now, not the one at sign-in; anyone below it gets a 403 with a sentence."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            session = checked_session()
            if ROLE_RANK.get(session.role, -1) < ROLE_RANK[role]:
                raise Forbidden(NOT_ALLOWED.get(role, "Your role can't do that."))
            return view(*args, **kwargs)

        wrapped.scc_role = role  # type: ignore[attr-defined]  # the tests find these views by it
        return login_required(cast(F, wrapped))

    return decorator


owner_required = role_required("owner")


def signed_in_crew() -> str:
    """The crew id of the signed-in crew member (call inside a login_required view)."""
    session = current_session()
    if session is None:  # login_required guarantees one; this keeps a mistake from passing
        raise _no_session()
    return session.crew_id


def current_crew() -> str | None:
    """For templates: who is signed in, if anyone."""
    session = current_session()
    return session.crew_id if session else None


def _cookie(name: str) -> dict[str, Any]:
    """A cookie's attributes: the app's prefix (/ or /_staging/), Strict, Secure when set up;
    only the CSRF token's is readable by the page."""
    return {
        "path": request.script_root + "/",
        "secure": current_app.config["SECURE_COOKIES"],
        "httponly": name == SESSION_COOKIE,
        "samesite": "Strict",
    }


def set_cookies(response: Response, token: str, csrf: str) -> None:
    idle, _ = lifetimes()
    response.set_cookie(SESSION_COOKIE, token, max_age=idle, **_cookie(SESSION_COOKIE))
    response.set_cookie(CSRF_COOKIE, csrf, max_age=idle, **_cookie(CSRF_COOKIE))


def clear_cookies(response: Response) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, **_cookie(name))


def refresh_cookie(response: Response) -> Response:
    """Re-issue a session the roster just vouched for, and slide a cookie session's idle
    lifetime forward while it is used (absolute stays fixed). A session the roster cut loses its
    cookies. Not for refused requests, or a request that ended its session."""
    if g.get("scc_ended") and g.get("scc_via_cookie"):
        clear_cookies(response)
        return response
    session = g.get("scc_session")
    if session is None or response.status_code >= 400:
        return response
    fresh = g.get("scc_vouched", False)
    if not g.get("scc_via_cookie"):
        if fresh and request.headers.get("Authorization", "").startswith("Bearer "):
            response.headers[TOKEN_HEADER] = sessions.issue(signing_keys(), session)
        return response
    if fresh or clock.epoch() - session.issued >= REFRESH_AFTER:
        set_cookies(response, sessions.issue(signing_keys(), session), session.csrf_token)
    return response


def init_app(app: Flask) -> None:
    app.after_request(refresh_cookie)
    app.jinja_env.globals.update(
        current_crew=current_crew, current_role=current_role, is_owner=is_owner
    )
