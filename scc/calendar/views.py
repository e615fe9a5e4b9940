"""Calendar links: `GET /api/crew/me/calendar` answers one's own feed link (made on first use),
`POST` replaces it (the old one answers 404 from then on), `GET /api/cal/<token>.ics` is the
feed for whoever holds the link (a calendar app: no session).

The token is derived from the signing key, the crew id and the link's generation (an HMAC), so
the same link is shown again without being stored; only its SHA-256 is kept (scc.store.calendars).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import Blueprint, Response, current_app, jsonify, make_response, render_template, url_for

from scc import clock
from scc.auth.guard import current_role, login_required, signed_in_crew
from scc.calendar import feed
from scc.errors import Contended, NotFound
from scc.store import board, boats, calendars, get_store, roster
from scc.web import today
from scc.web.htmx import is_htmx

bp = Blueprint("calendar", __name__, template_folder="templates")
LAST_DAY = "9999-12-31"
TOKEN_LENGTH = 43  # 32 bytes, base64url without padding


def _token(crew_id: str, gen: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    mac = hmac.new(key, f"scc-calendar:{crew_id}:{gen}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _answer(token: str) -> Response:
    url = current_app.config.get("SITE_URL", "") + url_for("calendar.feed_of", token=token)
    if is_htmx():
        return make_response(render_template("calendar/_calendar.html", url=url))
    return jsonify({"url": url})


def _make(old: calendars.Link | None, gen: int) -> str:
    crew_id = signed_in_crew()
    token = _token(crew_id, gen)
    new = calendars.Link(crew_id, current_role(), gen, _hash(token))
    if not calendars.replace(get_store(), old, new):
        raise Contended()  # another request of theirs replaced it at the same moment
    return token


@bp.get("/api/crew/me/calendar")
@login_required
def my_calendar() -> Response:
    """One's own feed link; made on first use (and again after the signing key changed)."""
    link = calendars.of(get_store(), signed_in_crew())
    gen = link.gen if link else 1
    token = _token(signed_in_crew(), gen)
    if link is None or not hmac.compare_digest(link.link_hash, _hash(token)):
        token = _make(link, gen if link is None else gen + 1)
    return _answer(token)


@bp.post("/api/crew/me/calendar")
@login_required
def new_calendar() -> Response:
    """A new link; the one before stops working."""
    link = calendars.of(get_store(), signed_in_crew())
    return _answer(_make(link, (link.gen if link else 0) + 1))


@bp.get("/api/cal/<token>.ics")
def feed_of(token: str) -> Response:
    """The feed, for whoever holds the link; an unknown or replaced link: 404."""
    store = get_store()
    link = calendars.holder(store, _hash(token)) if len(token) == TOKEN_LENGTH else None
    found = roster.find(store, link.crew_id) if link else None
    if link is None or (found is not None and not found[0].active):
        raise NotFound("There is no such calendar; ask for a new link in My calendar.")
    owner = (found[0].role if found else link.role) == "owner"
    first = (today() - feed.BACK).isoformat()
    trips = board.dated(store, first, LAST_DAY, feed.ATTRIBUTES)
    body = feed.calendar(trips, boats.fleet(store), link.crew_id, owner=owner, stamp=clock.now())
    disposition = {"Content-Disposition": 'inline; filename="scc.ics"'}
    return Response(body, content_type="text/calendar; charset=utf-8", headers=disposition)
