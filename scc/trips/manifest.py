"""Changing a trip: its fields, its manifest and its crew. Each change reads the trip, checks
the editor's rev, and writes once (Store.replace_event: the record, the crew items and the
activity entries in one transaction, conditional on the rev that was read)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scc import activity, matching, validation
from scc.errors import Invalid, NotFound
from scc.models import CrewMember, Event, Patron
from scc.store import Store, failures
from scc.store.items import waivers_among
from scc.trips import crewing, rules

PATRON_FIELDS = ("name", "email", "phone", "amount_due")


def _write(
    store: Store, old: Event, new: Event, by: str, waivers: list[Any] | None = None
) -> Event:
    """Write what changed (nothing: no write), with one activity entry per change."""
    matched = matching.match(new.patrons, waivers) if waivers is not None else None
    entries = activity.edit_entries(old, new, by)
    if not entries:
        if matched is None or matched == (old.waiver_by_patron, old.waivers_unmatched):
            return old
        # only the waivers' matching moved (e.g. a signer's email fixed)
        entries = [activity.entry(by, "edited", "waivers matched to the manifest again")]
    return store.replace_event(old, new, entries, matched)


def _read(store: Store, event_id: str, data: dict[str, Any], waivers: bool) -> tuple[Event, Any]:
    """The trip (and, when asked, its signed waivers: the same one Query), rev-checked."""
    if waivers:
        event, others = store.get_trip(event_id)
        signed = waivers_among(others)
    else:
        event, signed = store.get_event(event_id), None
    failures.check_rev(event, rules.rev_seen(data))
    return event, signed


def _patron(event: Event, patron_id: str) -> Patron:
    patron = event.patron(patron_id)
    if patron is None:
        raise NotFound(f"There is no patron {patron_id} on this trip.")
    return patron


def edit(store: Store, event_id: str, data: dict[str, Any], by: str) -> Event:
    """PATCH a trip: title, total, patrons, crew (new crew checked for double bookings)."""
    event, signed = _read(store, event_id, data, waivers="patrons" in data)
    new = rules.apply_changes(event, data)
    joining = {c.crew_id for c in new.crew} - {c.crew_id for c in event.crew}
    if not confirmed(data):
        crewing.check_bookings(store, event, joining)
    return _write(store, event, new, by, signed)


def add_patron(store: Store, event_id: str, data: dict[str, Any], by: str) -> Event:
    """Add a patron (id made from the name when not given); the total grows to the shares."""
    event, signed = _read(store, event_id, data, waivers=True)
    if len(event.patrons) >= validation.MAX_PATRONS:
        raise Invalid(f"A trip can have at most {validation.MAX_PATRONS} patrons.", "name")
    fields = {k: data.get(k) for k in ("patron_id", *PATRON_FIELDS)}
    if data.get("waiver_id"):  # "Add to manifest" from a signer who matches nobody
        signer = next((w for w in signed if w.waiver_id == data["waiver_id"]), None)
        if signer is None:
            raise NotFound("There is no such signed waiver on this trip.")
        fields |= {"name": signer.full_name, "email": signer.email, "phone": signer.phone}
    taken = {p.patron_id for p in event.patrons} | set(event.patron_paid)
    patron = validation.patron(fields, 1, taken, event.ledger_only_ids)
    new = rules.with_total(replace(event, patrons=[*event.patrons, patron]))
    return _write(store, event, new, by, signed)


def change_patron(
    store: Store, event_id: str, patron_id: str, data: dict[str, Any], by: str
) -> Event:
    """Change a patron's name, email, phone or share (never below what they have paid)."""
    event, signed = _read(store, event_id, data, waivers=True)
    patron = _patron(event, patron_id)
    fields: dict[str, Any] = {
        "patron_id": patron_id,
        "name": patron.name,
        "email": patron.email,
        "phone": patron.phone,
        "amount_due": None if patron.amount_due is None else f"{patron.amount_due:.2f}",
    }
    fields |= {k: data[k] for k in PATRON_FIELDS if k in data}
    changed = validation.patron(fields)
    rules.share_ok(event, changed)
    patrons = [changed if p.patron_id == patron_id else p for p in event.patrons]
    new = rules.with_total(replace(event, patrons=patrons))
    return _write(store, event, new, by, signed)


def remove_patron(
    store: Store, event_id: str, patron_id: str, data: dict[str, Any], by: str
) -> Event:
    """Take a patron off the manifest: never one who has paid (net) or signed (409)."""
    event, _ = _read(store, event_id, data, waivers=False)
    patron = _patron(event, patron_id)
    rules.removable(event, patron)
    patrons = [p for p in event.patrons if p.patron_id != patron_id]
    if not patrons:
        raise Invalid("A trip keeps at least one patron on its manifest.", "patron_id")
    return _write(store, event, replace(event, patrons=patrons), by)


def assign(store: Store, event_id: str, crew_id: str, data: dict[str, Any], by: str) -> Event:
    """Assign a crew member with a role: one captain per trip; a double booking is refused,
    naming the other trip, unless the body confirms it."""
    member = CrewMember(crew_id=validation.crew_id(crew_id), role=validation.role(data.get("role")))
    event, _ = _read(store, event_id, data, waivers=False)
    crew = crewing.with_member(event, member)
    if len(crew) > validation.MAX_CREW:
        raise Invalid(f"A trip can have at most {validation.MAX_CREW} crew.", "crew_id")
    if not confirmed(data) and member.crew_id not in {c.crew_id for c in event.crew}:
        crewing.check_bookings(store, event, [member.crew_id])
    return _write(store, event, replace(event, crew=crew), by)


def unassign(store: Store, event_id: str, crew_id: str, data: dict[str, Any], by: str) -> Event:
    event, _ = _read(store, event_id, data, waivers=False)
    if crew_id not in {c.crew_id for c in event.crew}:
        raise NotFound(f"{crew_id} is not on this trip's crew.")
    crew = [c for c in event.crew if c.crew_id != crew_id]
    return _write(store, event, replace(event, crew=crew), by)


def confirmed(data: dict[str, Any]) -> bool:
    return data.get("confirm") in (True, "true", "on", "1", "yes")
