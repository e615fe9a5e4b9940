"""Changing a trip: its fields, its manifest and its crew. Each change reads the trip, checks
the editor's rev, and writes once through the trips repository (scc.store.trips.edit: the
record, the crew items and the activity entries, conditional on the rev that was read)."""

from __future__ import annotations

from dataclasses import replace

from scc import activity, matching
from scc.errors import Invalid, NotFound
from scc.models import Event, Patron, Waiver
from scc.store import trips
from scc.store.gateway import Store
from scc.trips import crewing, rules
from scc.trips.forms import TripEdit
from scc.trips.manifest_forms import (
    MAX_CREW,
    MAX_PATRONS,
    Assignment,
    NewPatron,
    PatronChange,
    patron_line,
)


def _write(
    store: Store, old: Event, new: Event, by: str, waivers: list[Waiver] | None = None
) -> Event:
    """Write what changed (nothing: no write), with one activity entry per change."""
    matched = matching.match(new.patrons, waivers) if waivers is not None else None
    entries = activity.edit_entries(old, new, by)
    if not entries:
        if matched is None or matched == (old.waiver_by_patron, old.waivers_unmatched):
            return old
        # only the waivers' matching moved (e.g. a signer's email fixed)
        entries = [activity.entry(by, "edited", "waivers matched to the manifest again")]
    return trips.edit(store, old, new, entries, matched)


def _read(
    store: Store, event_id: str, seen: int | None, *, waivers: bool
) -> tuple[Event, list[Waiver] | None]:
    """The trip (and, when asked, its signed waivers: the same one Query), rev-checked."""
    if waivers:
        whole = trips.get_collection(store, event_id)
        event, signed = whole.event, whole.waivers
    else:
        event, signed = trips.get(store, event_id), None
    trips.check_rev(event, seen)
    return event, signed


def patron_of(event: Event, patron_id: str) -> Patron:
    patron = event.patron(patron_id)
    if patron is None:
        raise NotFound(f"There is no patron {patron_id} on this trip.")
    return patron


def edit(store: Store, event_id: str, form: TripEdit, by: str) -> Event:
    """PATCH a trip: title, total, patrons, crew (new crew checked for double bookings)."""
    event, signed = _read(store, event_id, form.rev, waivers=form.patrons is not None)
    new = rules.edited(event, form)
    joining = {c.crew_id for c in new.crew} - {c.crew_id for c in event.crew}
    if not form.confirm:
        crewing.check_bookings(store, event, joining)
    return _write(store, event, new, by, signed)


def add_patron(store: Store, event_id: str, form: NewPatron, seen: int | None, by: str) -> Event:
    """Add a patron (id made from the name when not given); the total grows to the shares."""
    event, signed = _read(store, event_id, seen, waivers=True)
    if len(event.patrons) >= MAX_PATRONS:
        raise Invalid(f"A trip can have at most {MAX_PATRONS} patrons.", "name")
    line = form.line
    if line is None:  # "Add to manifest" from a signer who matches nobody
        signer = next((w for w in signed or [] if w.waiver_id == form.waiver_id), None)
        if signer is None:
            raise NotFound("There is no such signed waiver on this trip.")
        signed_as = {"name": signer.full_name, "email": signer.email, "phone": signer.phone}
        line = patron_line(
            {**signed_as, "patron_id": form.patron_id, "amount_due": form.amount_due}
        )
    taken = {p.patron_id for p in event.patrons} | set(event.patron_paid)
    patron = rules.patron(line, 1, taken, event.ledger_only_ids)
    new = rules.with_total(replace(event, patrons=[*event.patrons, patron]))
    return _write(store, event, new, by, signed)


def change_patron(
    store: Store, event_id: str, patron_id: str, form: PatronChange, seen: int | None, by: str
) -> Event:
    """Change a patron's name, email, phone or share (never below what they have paid)."""
    event, signed = _read(store, event_id, seen, waivers=True)
    changed = replace(patron_of(event, patron_id), **form.fields)
    rules.share_ok(event, changed)
    patrons = [changed if p.patron_id == patron_id else p for p in event.patrons]
    new = rules.with_total(replace(event, patrons=patrons))
    return _write(store, event, new, by, signed)


def remove_patron(store: Store, event_id: str, patron_id: str, seen: int | None, by: str) -> Event:
    """Take a patron off the manifest: never one who has paid (net) or signed (409)."""
    event, _ = _read(store, event_id, seen, waivers=False)
    patron = patron_of(event, patron_id)
    rules.removable(event, patron)
    patrons = [p for p in event.patrons if p.patron_id != patron_id]
    if not patrons:
        raise Invalid("A trip keeps at least one patron on its manifest.", "patron_id")
    return _write(store, event, replace(event, patrons=patrons), by)


def assign(store: Store, event_id: str, form: Assignment, seen: int | None, by: str) -> Event:
    """Assign a crew member with a role: one captain per trip; a double booking is refused,
    naming the other trip, unless the body confirms it."""
    member = form.member
    event, _ = _read(store, event_id, seen, waivers=False)
    crew = crewing.with_member(event, member)
    if len(crew) > MAX_CREW:
        raise Invalid(f"A trip can have at most {MAX_CREW} crew.", "crew_id")
    if not form.confirm and member.crew_id not in {c.crew_id for c in event.crew}:
        crewing.check_bookings(store, event, [member.crew_id])
    return _write(store, event, replace(event, crew=crew), by)


def unassign(store: Store, event_id: str, crew_id: str, seen: int | None, by: str) -> Event:
    event, _ = _read(store, event_id, seen, waivers=False)
    if crew_id not in {c.crew_id for c in event.crew}:
        raise NotFound(f"{crew_id} is not on this trip's crew.")
    crew = [c for c in event.crew if c.crew_id != crew_id]
    return _write(store, event, replace(event, crew=crew), by)
