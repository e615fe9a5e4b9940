"""Passkey routes: add one (from an enrollment link, or while signed in) and sign in with one.

Each ceremony is two requests: options (a fresh challenge, kept server-side for 5 minutes) and
the browser's answer (the challenge taken, so it works once). scc.auth.passkeys, and py_webauthn
with it, is imported inside the views: the other routes' cold starts never load it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from scc.auth import forms, members, throttle
from scc.auth.guard import checked_member, login_required
from scc.auth.signin import signed_in
from scc.errors import Invalid, Unauthorized
from scc.models import Member, Secrets
from scc.store import challenges, get_store, roster
from scc.web.forms import payload

bp = Blueprint("passkeys", __name__)

REGISTER, SIGN_IN = "register", "sign-in"
EXPIRED = "That took too long or was already used; please try again."


def _options(purpose: str, found: tuple[Member, Secrets] | None) -> Any:
    """A challenge issued (and kept) for a sign-in, or for this member (as read already) to add
    a passkey that none of theirs duplicates."""
    from scc.auth import passkeys

    challenge_id, challenge = challenges.issue(
        get_store(), purpose, found[0].crew_id if found else ""
    )
    if found is None:
        options = passkeys.authentication_options(challenge)
    else:
        member, keys = found
        options = passkeys.registration_options(member, challenge, list(keys.passkeys))
    return jsonify({"challenge_id": challenge_id, "publicKey": options})


def _register(member: Member, data: dict[str, Any], link_hash: str | None) -> None:
    """Check the browser's new credential against the challenge issued to this member; keep it."""
    from scc.auth import passkeys

    credential = forms.credential(data.get("credential"))
    store = get_store()
    taken = challenges.take(store, data.get("challenge_id"))
    if taken is None or taken.purpose != REGISTER or taken.crew_id != member.crew_id:
        raise Invalid(EXPIRED, "credential")
    passkey = passkeys.verify_registration(credential, taken.challenge)
    roster.add_passkey(store, member.crew_id, passkey, link_hash=link_hash)


@bp.post("/api/crew/enroll/passkey-options")
def enroll_options() -> Any:
    """Options to create a passkey, for the holder of an enrollment link."""
    throttle.same_site()
    return _options(REGISTER, members.claim_link(get_store(), payload().get("token")))


@bp.post("/api/crew/enroll/passkey")
def enroll_passkey() -> Any:
    """Add the passkey made with a link (spending the link), and sign in."""
    throttle.same_site()
    data = payload()
    member, keys = members.claim_link(get_store(), data.get("token"))
    _register(member, data, keys.link_hash)
    return signed_in(member.crew_id, member.role, member.gen, status=201)


def _me() -> tuple[Member, Secrets]:
    """The signed-in member, as the session's check read them (no read of its own)."""
    found = checked_member()
    if found is None:
        raise Invalid(
            "Passkeys belong to members of the roster: ask the owner to add you to it first."
        )
    return found


@bp.post("/api/crew/me/passkey-options")
@login_required
def my_options() -> Any:
    """Options to add a passkey to one's own account, while signed in."""
    return _options(REGISTER, _me())


@bp.post("/api/crew/me/passkey")
@login_required
def my_passkey() -> Any:
    """Add a passkey to one's own account."""
    member, _ = _me()
    _register(member, payload(), None)
    return jsonify({"crew_id": member.crew_id, "passkeys": member.passkeys + 1}), 201


@bp.post("/api/admin/passkey-options")
def sign_in_options() -> Any:
    """Options to sign in with any passkey of this site (no crew id to type)."""
    throttle.same_site()
    throttle.take_address()  # each challenge is a write: counted, given back by a sign-in
    return _options(SIGN_IN, None)


@bp.post("/api/admin/passkey-login")
def passkey_login() -> Any:
    """Sign in with a passkey: the attempt is counted first, then the signature checked."""
    from scc.auth import passkeys

    throttle.same_site()
    data = payload()
    credential = data.get("credential")
    claim = passkeys.claimed(credential)
    throttle.take(claim[0] if claim else None)
    store = get_store()
    taken = challenges.take(store, data.get("challenge_id"))
    if taken is None or taken.purpose != SIGN_IN:
        raise Unauthorized(EXPIRED)
    found = roster.find(store, claim[0]) if claim else None
    key = found[1].passkeys.get(claim[1]) if found and claim else None
    if found is None or key is None or not found[0].active:
        raise Unauthorized(passkeys.NOT_ACCEPTED)
    member = found[0]
    count = passkeys.verify_authentication(credential, taken.challenge, key)
    if count > key.sign_count:
        roster.passkey_used(store, member.crew_id, key.credential_id, count)
    # Two attempts to give back: this request and its challenge.
    return signed_in(member.crew_id, member.role, member.gen, attempts=2)
