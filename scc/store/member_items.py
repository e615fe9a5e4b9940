"""The crew roster's items (members, their secrets and passkeys) and SCC's dataclasses: split
from scc.store.items, whose helpers (compact) it uses; their keys are scc.store.keys'."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from scc import clock
from scc.models import Member, Passkey, Secrets
from scc.store import keys
from scc.store.items import compact, from_map


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


def passkey_to_map(passkey: Passkey) -> dict[str, Any]:
    return {"key": passkey.public_key, "count": passkey.sign_count, "added": passkey.added}
