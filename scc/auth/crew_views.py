"""The roster (owner only): list, add, change, deactivate, new enrollment links, sign out
everywhere; and the enrollment page where a new member sets a password or adds a passkey.

The enrollment page is `/api/crew/enroll?token=…`: under /api/, which CloudFront already sends to
Lambda, so no new behaviour is needed (docs/DEPLOY.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, g, jsonify, make_response, render_template, request, url_for

from scc import clock, validation
from scc.auth import forms, members, passwords, throttle
from scc.auth.guard import (
    NOT_ALLOWED,
    checked_member,
    checked_session,
    owner_required,
    role_required,
)
from scc.auth.signin import signed_in, signed_out
from scc.errors import Forbidden, Gone, Invalid, NotFound
from scc.models import Member
from scc.store import get_store, roster
from scc.web.forms import payload
from scc.web.htmx import is_htmx, trigger
from scc.web.shapes import record_json

bp = Blueprint("crew", __name__, template_folder="templates")


def linked_json(m: Member, url: str) -> dict[str, Any]:
    """A member with their new one-time enrollment link: what adding a member and a new link
    both answer (the link's `link_expires` with it)."""
    return {**record_json(m), "enroll_url": url}


def _panel(*, link: dict[str, str] | None = None, note: str = "", status: int = 200) -> Response:
    """The roster panel inside the Crew dialog (every roster action answers with it)."""
    everyone = roster.members(get_store())
    body = render_template(
        "auth/_crew_panel.html", members=everyone, link=link, note=note, me=checked_session()
    )
    return make_response(body, status)


def _crew_id_from_url(crew_id: str) -> str:
    try:
        return validation.crew_id(crew_id)
    except Invalid:
        raise NotFound(f"There is no crew member {crew_id}.") from None


@bp.get("/api/crew")
@owner_required
def list_crew() -> Any:
    """The roster: the Crew dialog (HX) or JSON."""
    everyone = roster.members(get_store())
    if is_htmx():
        return render_template("auth/_crew.html", members=everyone, me=checked_session())
    return jsonify({"crew": [record_json(m) for m in everyone]})


@bp.post("/api/crew")
@owner_required
def add() -> Any:
    """Add a member; answer with their one-time enrollment link (72 hours)."""
    g.error_target = "#crew-error"
    member = forms.new_member(payload())
    crew_id, store = member.crew_id, get_store()
    me = checked_session()
    # On a new installation the owner signed in with the shared password is not on the roster
    # yet: they join it as its first owner (whatever role the form held when they add themselves),
    # so the roster never starts without one and its owner's routes never lock them out. The
    # session's check has just read the roster: a signed-in owner who is not on it means the
    # roster was empty (scc.store.roster.standing), so it is not read again.
    also, added = None, f"Added {crew_id}."
    if checked_member() is None:
        if crew_id == me.crew_id:
            member, added = replace(member, role="owner"), f"Added {crew_id}, as the first owner."
        else:
            also = Member(crew_id=me.crew_id, name=me.crew_id, role="owner")
    token, link_hash, expires = members.new_link(crew_id)
    roster.add(store, member, link_hash=link_hash, link_expires=expires, also=also)
    link = {"crew_id": crew_id, "url": members.link_url(token)}
    if is_htmx():
        return trigger(_panel(link=link, status=201), "scc:toast", added)
    shown = replace(member, link_expires=clock.iso(datetime.fromtimestamp(expires, clock.UTC)))
    return jsonify(linked_json(shown, link["url"])), 201


@bp.patch("/api/crew/<crew_id>")
@owner_required
def change(crew_id: str) -> Any:
    """Change a member's name, role or standing (the last active owner stays one)."""
    g.error_target = "#crew-error"
    wanted, store = _crew_id_from_url(crew_id), get_store()
    everyone = roster.members(store)  # one Query: the member, and the owners a change relies on
    was = next((m for m in everyone if m.crew_id == wanted), None)
    if was is None:
        raise NotFound(f"There is no crew member {crew_id}.")
    form = forms.member_change(payload())
    name, role = form.name or was.name, form.role or was.role
    active = was.active if form.active is None else form.active
    owners = members.keep_an_owner(everyone, was, role, active)
    now = roster.change(store, was, name=name, role=role, active=active, owners=owners)
    if is_htmx():
        return _panel(
            note=f"{now.crew_id}: {now.role}, {'active' if now.active else 'deactivated'}."
        )
    return jsonify(record_json(now))


@bp.post("/api/crew/<crew_id>/enroll-link")
@owner_required
def enroll_link(crew_id: str) -> Any:
    """A new one-time link for a member; the one before stops working."""
    g.error_target = "#crew-error"
    wanted = _crew_id_from_url(crew_id)  # an unknown member: the write's condition, a 404
    token, link_hash, expires = members.new_link(wanted)
    now = roster.new_link(get_store(), wanted, link_hash=link_hash, link_expires=expires)
    url = members.link_url(token)
    if is_htmx():
        return _panel(link={"crew_id": wanted, "url": url})
    return jsonify(linked_json(now, url))


@bp.post("/api/crew/<crew_id>/sign-out")
@role_required("crew")
def sign_out_everywhere(crew_id: str) -> Any:
    """End every session of a member issued before now: a member for themselves, an owner for
    anyone. Writes notice at once, reads within 5 minutes (scc.auth.guard)."""
    g.error_target = "#crew-error"
    me = checked_session()
    if crew_id != me.crew_id and me.role != "owner":
        raise Forbidden(NOT_ALLOWED["owner"])
    wanted = _crew_id_from_url(crew_id)  # an unknown member: the write's condition, a 404
    roster.sign_out_everywhere(get_store(), wanted)
    if wanted == me.crew_id:
        return signed_out("Signed out everywhere.")
    if is_htmx():
        return _panel(note=f"{wanted} is signed out everywhere.")
    return jsonify({"crew_id": wanted, "status": "signed out everywhere"})


# --- enrollment (the holder of a link) -----------------------------------------------------------


@bp.get("/api/crew/enroll")
def enroll_page() -> Response:
    """Where a one-time link leads: set a password or add a passkey. A spent link: 410."""
    token = request.args.get("token", "")
    try:
        member, _ = members.link_holder(get_store(), token)
    except Gone as exc:
        return make_response(render_template("auth/enroll.html", gone=exc.message), 410)
    return make_response(render_template("auth/enroll.html", member=member, token=token))


@bp.post("/api/crew/enroll")
def enroll() -> Any:
    """Set one's own password with a link (spending it), and be signed in."""
    throttle.same_site()
    data = payload()
    token = data.get("token")
    password = passwords.check_rules(data.get("password"), members.link_crew_id(token) or "")
    store = get_store()
    member, keys = members.claim_link(store, token)
    roster.set_password(store, member.crew_id, passwords.hashed(password), link_hash=keys.link_hash)
    response = signed_in(member.crew_id, member.role, member.gen, status=201)
    if is_htmx():
        response.headers["HX-Redirect"] = url_for("trips.shell")
    return response
