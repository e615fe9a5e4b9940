"""The roster's rules: who signs in with what, enrollment links, the last owner.

Enrollment links are `<crew id>.<secret>`: the crew id finds the member (one GetItem), the
secret is 256 random bits of which only the SHA-256 is stored. A new link replaces the old one;
using it removes it (conditional write), so each works once, for 72 hours."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app, url_for

from scc import clock
from scc.auth import passwords, throttle
from scc.errors import Conflict, Gone
from scc.models import Member, Secrets
from scc.store import Store, roster

LINK_LIFETIME = 72 * 60 * 60


@dataclass(frozen=True)
class Verdict:
    """The outcome of a password sign-in: whether it holds, and the session it gives."""

    ok: bool
    role: str = ""
    gen: int = 0


def password_sign_in(store: Store, crew_id: str | None, password: object) -> Verdict:
    """Check a password (bcrypt runs once, whoever the crew id is, so timing says nothing).

    While the roster is empty, any well-formed crew id with the shared password signs in as an
    owner. After that only active members do: with their own password once they have enrolled
    (own password or passkey), with the shared one until then."""
    shared = current_app.config["ADMIN_PASS_HASH"]
    if crew_id is None:
        passwords.matches(password, shared)
        return Verdict(False)
    found = roster.find(store, crew_id)
    if found is None:
        ok = passwords.matches(password, shared)
        return Verdict(True, "owner", 0) if ok and roster.is_empty(store) else Verdict(False)
    member, keys = found
    stored = keys.password_hash if member.enrolled else shared
    ok = passwords.matches(password, stored or shared) and bool(stored) and member.active
    return Verdict(ok, member.role, member.gen)


def new_link(crew_id: str) -> tuple[str, str, int]:
    """A fresh enrollment link's token, the hash stored for it, and when it expires."""
    secret = secrets.token_urlsafe(32)
    expires = clock.epoch() + LINK_LIFETIME
    return f"{crew_id}.{secret}", _digest(secret), expires


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def link_crew_id(token: object) -> str | None:
    """The crew id a link token names (for the throttle), without checking it."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    crew_id, dot, secret = token.rpartition(".")
    return crew_id if dot and crew_id and secret else None


def link_holder(store: Store, token: object) -> tuple[Member, Secrets]:
    """The member a valid, unused, unexpired link belongs to, and their secrets (one GetItem):
    `link_hash` is this link's, to spend it with; Gone else."""
    crew_id = link_crew_id(token)
    found = roster.find(store, crew_id) if crew_id else None
    if found is None or not isinstance(token, str):
        raise Gone(roster.SPENT)
    member, keys = found
    digest = _digest(token.rpartition(".")[2])
    usable = member.active and keys.link_expires > clock.epoch()
    if not (usable and keys.link_hash and hmac.compare_digest(keys.link_hash, digest)):
        raise Gone(roster.SPENT)
    return member, keys


def claim_link(store: Store, token: object) -> tuple[Member, Secrets]:
    """The holder of a link that is being used, the attempt counted first as a password's is
    (Throttled), then the link checked (Gone): see link_holder."""
    throttle.take(link_crew_id(token))
    return link_holder(store, token)


def link_url(token: str) -> str:
    """Where a link takes its holder: the public address when SCC_SITE_URL is set, else a path
    (the Crew dialog's Copy button makes it absolute against the page, as pay links are)."""
    return str(current_app.config["SITE_URL"]) + url_for("crew.enroll_page", token=token)


def keep_an_owner(everyone: list[Member], was: Member, role: str, active: bool) -> list[str]:
    """The other active owners a change relies on (empty when it takes nothing from owners);
    Conflict when it would leave the business without an active owner."""
    if not (was.role == "owner" and was.active) or (role == "owner" and active):
        return []
    others = [
        m.crew_id for m in everyone if m.role == "owner" and m.active and m.crew_id != was.crew_id
    ]
    if not others:
        raise Conflict(
            f"{was.crew_id} is the last active owner; make someone else an owner first.", "role"
        )
    return others
