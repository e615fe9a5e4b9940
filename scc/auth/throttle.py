"""The sign-in throttle, shared by passwords, enrollment links and passkeys.

Every attempt is counted *before* the expensive or secret check (bcrypt, a link's hash, a
passkey's signature), with one conditional write on two counters: one per (crew id, address) and
one per address (IPv6 by its /64). When either is at its limit the attempt is refused without
being checked, so simultaneous guesses never get more checks than the limit. A member is never
locked out by failures from someone else's address: the per-member counter is per address too.
A successful attempt is given back, so a crew sharing the dock's Wi-Fi does not use up its
address's allowance by signing in. A passkey sign-in's challenge (its first request, before
anyone is named) is counted on the address alone, and given back with the sign-in.

Sign-in forms must also be posted from this site's own pages (Origin / Sec-Fetch-Site)."""

from __future__ import annotations

from flask import current_app, request

from scc.errors import Forbidden, Throttled
from scc.store import counters, get_store
from scc.web.address import client_network

LIMIT = 10  # attempts per window, per (crew id, address) and per address
WINDOW = 15 * 60
SCOPE = "sign-in"
UNKNOWN = "?"  # ids that cannot exist share one counter
CROSS_SITE = "Sign in from ShipCaptainCrew's own page."


def limits(crew_key: str, where: str) -> list[counters.Limit]:
    return [
        counters.Limit(SCOPE, f"member:{crew_key}@{where}", LIMIT, WINDOW),
        counters.Limit(SCOPE, f"address:{where}", LIMIT, WINDOW),
    ]


def _count(counted: list[counters.Limit]) -> None:
    wait = counters.take(get_store(), counted)
    if wait is not None:
        minutes = (wait + 59) // 60
        raise Throttled(
            f"Too many sign-in attempts. Try again in {minutes} minute{'s' * (minutes != 1)}.",
            wait,
        )


def take(crew_id: str | None) -> None:
    """Count an attempt for this crew id from this address; Throttled when over a limit."""
    _count(limits(crew_id or UNKNOWN, client_network()))


def take_address() -> None:
    """Count a request that names nobody yet (a passkey sign-in's challenge) on this address's
    allowance alone; Throttled when it is used up."""
    _count(limits(UNKNOWN, client_network())[1:])


def succeeded(crew_id: str, *, attempts: int = 1) -> None:
    """A good sign-in: forget this member's failures from here, give back the address's count
    (`attempts`: how many requests this sign-in counted there, e.g. a passkey's challenge too)."""
    member, address = limits(crew_id, client_network())
    store = get_store()
    # Two writes on two items, on purpose: one TransactWriteItems would save a round trip but
    # costs twice the write units, and a give-back whose window has turned (its condition
    # fails) would cancel the forget with it.
    counters.forget(store, member)
    counters.give_back(store, address, attempts)


def same_site() -> None:
    """Refuse a sign-in posted from another site (login CSRF): browsers say where a request
    comes from in Sec-Fetch-Site, and Origin must be this site's public one when it is known.
    Clients that send neither (API scripts) are not browsers and are let through."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden(CROSS_SITE)
    origin = request.headers.get("Origin")
    allowed = {request.host_url.rstrip("/"), current_app.config["SITE_URL"]} - {""}
    if origin is not None and origin not in allowed:
        raise Forbidden(CROSS_SITE)
