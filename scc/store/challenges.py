"""Passkey challenges, kept server-side: each is an item with a TTL, taken (deleted) when it is
answered, so it works once and only within its lifetime."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from scc import clock
from scc.store import keys
from scc.store.gateway import Store
from scc.store.keys import TTL_ATTRIBUTE

LIFETIME = 5 * 60  # seconds: the browser's prompt times out well before


@dataclass(frozen=True)
class Challenge:
    challenge: bytes
    purpose: str  # "register" or "sign-in"
    crew_id: str  # who is registering ("" for a sign-in: the passkey says who)


def issue(store: Store, purpose: str, crew_id: str = "") -> tuple[str, bytes]:
    """A new random challenge, stored; its id (for the browser to send back) and its bytes."""
    challenge_id, challenge = secrets.token_urlsafe(24), secrets.token_bytes(32)
    item = {
        **keys.challenge(challenge_id),
        "challenge": challenge,
        "purpose": purpose,
        "who": crew_id,
        TTL_ATTRIBUTE: clock.epoch() + LIFETIME,
    }
    store.put(item, new=True)
    return challenge_id, challenge


def take(store: Store, challenge_id: object) -> Challenge | None:
    """The challenge with this id, deleted as it is read (one DeleteItem): None when unknown,
    already used or expired."""
    if not isinstance(challenge_id, str) or not 16 <= len(challenge_id) <= 64:
        return None
    item = store.delete(keys.challenge(challenge_id))
    if item is None or int(item.get(TTL_ATTRIBUTE, 0)) <= clock.epoch():
        return None
    return Challenge(
        bytes(item["challenge"]), str(item.get("purpose", "")), str(item.get("who", ""))
    )
