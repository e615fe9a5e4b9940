"""The crew roster: one item per member in the partition `#crew` (sort key: the crew id), which
no trip id can collide with.

A member's item also holds what proves who they are: their password's bcrypt hash, the SHA-256
of their current enrollment link's secret (and when it expires), and their passkeys' public keys.
Those come out of here only as `Secrets`, for the sign-in code; `Member` (what pages and JSON
show) never carries them."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from scc import clock
from scc.errors import Conflict, Gone, NotFound
from scc.models import Member, Passkey, Secrets
from scc.store import keys
from scc.store.changes import Change
from scc.store.gateway import ConditionFailed, Store
from scc.store.items import compact, from_map

MAX_PASSKEYS = 10
SPENT = "This link has been used, replaced or has expired. Ask the owner for a new one."


@dataclass(frozen=True)
class Standing:
    """What a session needs to know: the member's role and their sessions' generation; and the
    member as read for it, so the request needs no second read (None: the owner of a new
    installation, not on the roster yet)."""

    role: str
    gen: int
    found: tuple[Member, Secrets] | None = None


# --- items ---------------------------------------------------------------------------------------


def member_from_item(item: Mapping[str, Any]) -> Member:
    expires = int(item.get("link_expires", 0))
    link = datetime.fromtimestamp(expires, clock.UTC) if item.get("link_hash") else None
    return from_map(
        Member,
        {"name": item["crew_id"], **item},
        has_password=bool(item.get("password_hash")),
        passkeys=len(item.get("passkeys") or {}),
        link_expires=clock.iso(link) if link and expires > clock.epoch() else None,
    )


def secrets_from_item(item: Mapping[str, Any]) -> Secrets:
    return Secrets(
        password_hash=item.get("password_hash") or None,
        link_hash=item.get("link_hash") or None,
        link_expires=int(item.get("link_expires", 0)),
        passkeys={
            cid: Passkey(cid, bytes(p["key"]), int(p.get("count", 0)), p.get("added", ""))
            for cid, p in (item.get("passkeys") or {}).items()
        },
    )


def member_to_item(member: Member, link_hash: str, link_expires: int) -> dict[str, Any]:
    """A new member's item, with their enrollment link (its hash) and no passkeys yet."""
    item: dict[str, Any] = {
        **keys.member(member.crew_id),
        "name": member.name,
        "role": member.role,
        "active": member.active,
        "gen": member.gen,
        "passkeys": {},  # always a map, so a passkey is added with one SET of its path
        "link_hash": link_hash,
        "link_expires": link_expires,
        "added_at": clock.iso(clock.now()),
        "email": member.email,
        "phone": member.phone,
    }
    return compact(item)


# --- reads --------------------------------------------------------------------------------------


def members(store: Store) -> list[Member]:
    """Everyone on the roster, by crew id (one Query; empty on a new installation)."""
    return [member_from_item(item) for item in store.collection(keys.ROSTER)]


def find(store: Store, crew_id: str) -> tuple[Member, Secrets] | None:
    """One member and their secrets (one GetItem), or None."""
    item = store.get(keys.member(crew_id))
    return None if item is None else (member_from_item(item), secrets_from_item(item))


def is_empty(store: Store) -> bool:
    """True on a new installation: nobody is on the roster yet (the roster's Query, its first
    page only: a roster is a few dozen small items)."""
    return next(store.collection(keys.ROSTER), None) is None


def standing(store: Store, crew_id: str) -> Standing | None:
    """Whether a session of this crew id still stands, and as what: an active member's role and
    generation (one GetItem of the whole item: a read costs the same whatever it projects); on an
    empty roster, anyone signed in with the shared password is an owner."""
    found = find(store, crew_id)
    if found is not None:
        member = found[0]
        return Standing(member.role, member.gen, found) if member.active else None
    return Standing("owner", 0) if is_empty(store) else None


# --- writes -------------------------------------------------------------------------------------


def add(
    store: Store, member: Member, *, link_hash: str, link_expires: int, also: Member | None = None
) -> None:
    """Put a new member on the roster with an enrollment link (and, on a new installation, the
    owner who is adding them, so the roster never starts without an owner). Conflict if taken."""
    writes = [store.put_request(member_to_item(member, link_hash, link_expires), new=True)]
    if also is not None:
        writes.append(store.put_request(member_to_item(also, "", 0), new=True))
    try:
        store.transact(writes)
    except ConditionFailed:
        raise Conflict(f"There is already a crew member {member.crew_id}.", "crew_id") from None


def _update(store: Store, crew_id: str, change: Change, refused: Exception | None = None) -> Member:
    """Write a change to a member on the roster: NotFound when there is none, or `refused` when
    given and the change's condition fails."""
    try:
        item = store.update(keys.member(crew_id), change.also("attribute_exists(crew_id)"))
    except ConditionFailed:
        raise refused or NotFound(f"There is no crew member {crew_id}.") from None
    return member_from_item(item)


def new_link(store: Store, crew_id: str, *, link_hash: str, link_expires: int) -> Member:
    """A new enrollment link for a member; the one before stops working."""
    change = Change().assign({"link_hash": link_hash, "link_expires": link_expires})
    return _update(store, crew_id, change)


def _write_spending(store: Store, crew_id: str, change: Change, link_hash: str | None) -> None:
    """Write a member's change; with link_hash, spending their enrollment link: it must be this
    one, unexpired, its member active; and it is removed (used once)."""
    if link_hash is not None:
        spend = change.also(
            "#lh = :lh AND #le > :now AND #act = :yes",
            {"#lh": "link_hash", "#le": "link_expires", "#act": "active"},
            {":lh": link_hash, ":now": clock.epoch(), ":yes": True},
        )
        change = replace(spend, remove=(*change.remove, "#lh", "#le"))
    _update(store, crew_id, change, Gone(SPENT))


def set_password(store: Store, crew_id: str, password_hash: str, *, link_hash: str | None) -> None:
    """Set a member's own password, spending their enrollment link (Gone when it is spent)."""
    change = Change().assign({"password_hash": password_hash})
    _write_spending(store, crew_id, change, link_hash)


def add_passkey(store: Store, crew_id: str, passkey: Passkey, *, link_hash: str | None) -> None:
    """Keep a member's new passkey (spending the enrollment link it came with, if any)."""
    stored = {"key": passkey.public_key, "count": passkey.sign_count, "added": passkey.added}
    change = Change(
        set=("#pk.#id = :pk",),
        condition="size(#pk) < :most",
        names={"#pk": "passkeys", "#id": passkey.credential_id},
        values={":pk": stored, ":most": MAX_PASSKEYS},
    )
    _write_spending(store, crew_id, change, link_hash)


def passkey_used(store: Store, crew_id: str, credential_id: str, sign_count: int) -> None:
    """Remember an authenticator's signature counter (a copied authenticator falls behind it)."""
    change = Change(
        set=("#pk.#id.#n = :n",),
        condition="attribute_exists(#pk.#id)",
        names={"#pk": "passkeys", "#id": credential_id, "#n": "count"},
        values={":n": sign_count},
    )
    with contextlib.suppress(ConditionFailed):  # removed meanwhile: nothing to remember
        store.update(keys.member(crew_id), change)


def change(
    store: Store, was: Member, *, name: str, role: str, active: bool, owners: list[str]
) -> Member:
    """Change a member's name, role or standing. Demoting or deactivating an active owner holds
    only while the other active owners read (`owners`) still are: one transaction, so two owners
    demoting each other at once cannot leave the business without one. Deactivation also moves
    the sessions' generation on, so reactivating someone does not revive old sessions."""
    step = 1 if was.active and not active else 0
    update = Change(
        set=("#gen = #gen + :step",),
        condition="attribute_exists(crew_id)",
        names={"#gen": "gen"},
        values={":step": step},
    ).assign({"name": name, "role": role, "active": active})
    still_owner = Change(
        condition="#r = :owner AND #act = :yes",
        names={"#r": "role", "#act": "active"},
        values={":owner": "owner", ":yes": True},
    )
    writes = [store.update_request(keys.member(was.crew_id), update)]
    writes += [store.check_request(keys.member(owner), still_owner) for owner in owners]
    try:
        store.transact(writes)
    except ConditionFailed:
        raise Conflict(
            "The roster changed meanwhile (another owner was demoted or deactivated); "
            "reload it and try again."
        ) from None
    return replace(was, name=name, role=role, active=active, gen=was.gen + step)


def sign_out_everywhere(store: Store, crew_id: str) -> None:
    """End every session of a member issued before now (their generation moves on)."""
    _update(store, crew_id, Change(add=("#gen :one",), names={"#gen": "gen"}, values={":one": 1}))
