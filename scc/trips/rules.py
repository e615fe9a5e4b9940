"""A trip's rules as plain functions over values (scc.trips.forms) and trips: a new trip, what an
edit may change, who may be taken off the manifest, the patrons' ids, where a reschedule goes.
No Flask and no store here; the callers pass values in."""

from __future__ import annotations

from dataclasses import asdict, replace
from decimal import Decimal

from scc import clock, eventids
from scc.errors import Conflict, Invalid
from scc.models import Event, Patron
from scc.money import fmt
from scc.trips.forms import Moving, NewTrip, TripEdit
from scc.trips.manifest_forms import PatronLine, at_least_shares, in_row, shares


def title(name: str, period: str | None) -> str:
    """The title a trip gets when none is typed: "Captain Cory · Afternoon"."""
    words = eventids.slug(name).replace("-", " ").title()
    return f"{words} · {eventids.slug(period).title()}" if period else words


def patron(line: PatronLine, n: int, taken: set[str], kept: frozenset[str] = frozenset()) -> Patron:
    """A manifest line placed on a trip: its given id (refused when on the manifest, or kept for
    a removed patron's payments), or one made from the name and numbered until it is free of
    both. The id joins `taken`."""
    given = line.patron_id
    pid = given or eventids.slug(line.name)[:40] or f"patron-{n}"
    if given and pid in kept:
        raise Invalid(
            f"Patron id {pid} has payments on record from a patron taken off this trip; "
            "choose another id (or leave it out and one is made from the name).",
            "patron_id",
        )
    if given and pid in taken:
        raise Invalid(f"Patron id {pid} is already on the manifest.", "patron_id")
    base, k = pid, 2
    while pid in taken or pid in kept:  # a made id: number it until it is free
        pid, k = f"{base[:36]}-{k}", k + 1
    taken.add(pid)
    return Patron(**asdict(line) | {"patron_id": pid})


def manifest(lines: list[PatronLine], kept: frozenset[str] = frozenset()) -> list[Patron]:
    """The patrons of a whole manifest as typed, their ids placed (a refused one's row marked)."""
    taken: set[str] = set()
    placed = []
    for n, line in enumerate(lines, start=1):
        try:
            placed.append(patron(line, n, taken, kept))
        except Invalid as exc:
            raise in_row(exc, n) from None
    return placed


def new_trip(form: NewTrip, by: str) -> Event:
    """A new trip from its checked body."""
    made = form.trip_id
    patrons = manifest(form.patrons)
    return Event(
        event_id=made.event_id,
        date=made.day.isoformat(),
        title=form.title or title(made.name, made.period),
        total=shares(form.patrons) if form.total is None else form.total,
        patrons=patrons,
        crew=form.crew,
        period=made.period,
        boat=form.boat,
        created_at=clock.iso(clock.now()),
        created_by=by,
        reminders_off=form.reminders_off,
    )


def removable(event: Event, patron: Patron) -> None:
    """A patron with money paid (after voids and refunds) or a signed waiver stays: Conflict,
    saying what to do first."""
    paid = event.paid_by(patron.patron_id)
    if paid > 0:
        raise Conflict(
            f"{patron.name} has payments on record (${fmt(paid)} paid) and can't be removed: "
            f"void or refund them first, or keep {patron.name} on the manifest.",
            "patrons",
        )
    if event.waiver_signed(patron.patron_id):
        raise Conflict(
            f"{patron.name} has signed the waiver and can't be removed; keep them on the "
            "manifest (mark them a no-show if they don't come).",
            "patrons",
        )


def share_ok(event: Event, patron: Patron) -> None:
    """A patron's share can't be set below what they have paid."""
    paid = event.paid_by(patron.patron_id)
    if patron.amount_due is not None and patron.amount_due < paid:
        raise Invalid(
            f"{patron.name} has already paid {fmt(paid)}; their share can't be less than that.",
            "amount_due",
        )


def with_total(event: Event, total: Decimal | None = None) -> Event:
    """The trip with its total (given; or, when every patron carries a share, their sum, so a
    share changed moves the trip's total and due with it; else grown to the shares), never below
    those shares nor what has been paid."""
    lines = [PatronLine(p.patron_id, p.name, None, None, p.amount_due) for p in event.patrons]
    if total is None:
        if lines and all(p.amount_due is not None for p in event.patrons):
            return replace(event, total=max(shares(lines), event.paid_total))
        return replace(event, total=max(event.total, shares(lines)))
    amount = at_least_shares(total, lines)
    if amount < event.paid_total:
        raise Invalid(
            f"{fmt(event.paid_total)} has already been paid; the total can't be less than that.",
            "total",
        )
    return replace(event, total=amount)


def edited(event: Event, edit: TripEdit) -> Event:
    """The trip an edit makes: title, total, patrons, crew; what was paid is never rewritten."""
    changed = event
    if edit.title is not None:
        changed = replace(changed, title=edit.title)
    if edit.crew is not None:
        changed = replace(changed, crew=edit.crew)
    if edit.reminders_off is not None:
        changed = replace(changed, reminders_off=edit.reminders_off)
    if edit.boat_given:
        changed = replace(changed, boat=edit.boat)
    if edit.patrons is not None:
        patrons = manifest(edit.patrons, kept=event.ledger_only_ids)
        kept = {p.patron_id for p in patrons}
        try:
            for gone in event.patrons:
                if gone.patron_id not in kept:
                    removable(event, gone)
            for p in patrons:
                share_ok(event, p)
        except (Invalid, Conflict) as exc:
            raise Invalid(exc.message, "patrons") from None
        changed = replace(changed, patrons=patrons)
    if edit.total_given or edit.patrons is not None:
        # A total left as it was (the Edit dialog sends it back as read) grows to the shares.
        total = None if edit.total == event.total else edit.total
        changed = with_total(changed, total)
    return changed


def moved_id(event: Event, moving: Moving) -> str:
    """Where a reschedule takes the trip: the id the convention gives for the new date (and
    period: kept unless one is given)."""
    rest = event.event_id[11:].removesuffix(f"-{event.period}" if event.period else "")
    chosen = moving.period if moving.period_given else event.period
    eid = eventids.make(moving.day, rest, chosen)
    if eid == event.event_id:
        raise Invalid("That is the date (and period) the trip already has.", "date")
    return eid
