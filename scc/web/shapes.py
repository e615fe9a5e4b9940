"""The JSON shapes API clients see: a trip, a patron on it, a payment or refund, the board's
entries (which say only what the board read), a moved trip's pointer. Money as "125.00"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from scc.errors import Moved
from scc.models import Boat, Event, Member, Patron, Payment, Refund
from scc.money import fmt


def moved_json(exc: Moved) -> dict[str, Any]:
    return {"event_id": exc.event_id, "moved_to": exc.moved_to, "status": "moved"}


def ledger_json(entry: Payment | Refund) -> dict[str, Any]:
    """A payment or a refund as API clients see it: its fields, the amount as "125.00"."""
    return asdict(entry) | {"amount": fmt(entry.amount)}


def patron_json(event: Event, patron: Patron) -> dict[str, Any]:
    """A patron's fields (their share as "125.00") and where they stand on the trip."""
    due = event.due_from(patron.patron_id)
    return asdict(patron) | {
        "amount_due": None if patron.amount_due is None else fmt(patron.amount_due),
        "amount_paid": fmt(event.paid_by(patron.patron_id)),
        "balance_due": None if due is None else fmt(due),
        "cleared": event.patron_cleared(patron.patron_id),
        "check_in": event.check_in_of(patron.patron_id),
        "waiver_signed": event.waiver_signed(patron.patron_id),
    }


def record_json(record: Boat | Member) -> dict[str, Any]:
    """A boat, or a member as the roster shows them (a Member never holds a hash, a link's
    secret or a passkey's key): their fields but the gen, which is the store's business."""
    return {k: v for k, v in asdict(record).items() if k != "gen"}


def trip_boat_json(event: Event, fleet: Mapping[str, Boat]) -> dict[str, Any] | None:
    """The boat a trip is on, as its JSON names it (a boat since removed: its id alone)."""
    if not event.boat:
        return None
    boat = fleet.get(event.boat)
    if boat is None:
        return {"boat_id": event.boat, "name": event.boat, "capacity": None}
    return {"boat_id": boat.boat_id, "name": boat.name, "capacity": boat.capacity}


def event_json(event: Event, fleet: Mapping[str, Boat] | None = None) -> dict[str, Any]:
    """The trip as API clients see it (money as strings with two decimals); `fleet`: the boats
    it may be on, by id."""
    return {
        "event_id": event.event_id,
        "date": event.date,
        "title": event.title,
        "total": fmt(event.total),
        "paid_total": fmt(event.paid_total),
        "balance_due": fmt(event.balance_due),
        "payment_cleared": event.payment_cleared,
        "payment_amount": fmt(event.paid_total),
        "payment_timestamp": event.payment_timestamp,
        "payment_logged_by": event.payment_logged_by,
        "patrons": [patron_json(event, p) for p in event.patrons],
        "crew": [asdict(c) for c in event.crew],
        "payments": [ledger_json(p) for p in event.payments],
        "refunds": [ledger_json(r) for r in event.refunds],
        "waivers_signed": event.waivers_signed,
        "waivers_unmatched": [
            {"waiver_id": wid, "name": name} for wid, name in event.waivers_unmatched.items()
        ],
        "aboard": event.aboard,
        "status": event.status,
        "cancelled": asdict(event.cancellation) if event.cancellation else None,
        "moved_from": event.moved_from,
        "reminders": {
            pid: {"mark": r.mark, "status": r.status, "at": r.at, "missing": list(r.missing)}
            | ({"tries": r.tries, "why": r.why} if r.status == "failed" else {})
            for pid, r in event.reminders.items()
        },
        "reminders_off": event.reminders_off,
        "rev": event.rev,
        "boat": trip_boat_json(event, fleet or {}),
        "headcount": event.headcount,
    }


# What the board's Query leaves behind (scc.store.board.CARD_ATTRIBUTES: no ledger entries, no
# contacts, no version), so the board's JSON leaves it out rather than answer it empty or 0.
# GET /api/events/<eid> answers the whole trip.
BOARD_UNREAD = (
    "payments", "refunds", "payment_timestamp", "payment_logged_by", "moved_from", "rev",
)  # fmt: skip
PATRON_UNREAD = ("email", "phone")


def board_json(event: Event, fleet: Mapping[str, Boat]) -> dict[str, Any]:
    """A trip on the board as API clients see it: the trip's JSON less what was not read."""
    whole = event_json(event, fleet)
    entry = {k: v for k, v in whole.items() if k not in BOARD_UNREAD}
    entry["patrons"] = [
        {k: v for k, v in p.items() if k not in PATRON_UNREAD} for p in whole["patrons"]
    ]
    return entry
