"""A trip's activity: the entries every change writes with itself (who, when, what), and how they
read. Entries are made here and stored by scc.store with the change they describe."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from scc import clock
from scc.models import Entry, Event, Patron
from scc.money import fmt

ACTIONS = {
    "created": "Created",
    "edited": "Edited",
    "patron_added": "Patron added",
    "patron_changed": "Patron changed",
    "patron_removed": "Patron removed",
    "crew_assigned": "Crew assigned",
    "crew_removed": "Crew removed",
    "payment": "Payment",
    "void": "Payment voided",
    "refund": "Refund",
    "waiver_signed": "Waiver signed",
    "check_in": "Check-in",
    "cancelled": "Cancelled",
    "rescheduled": "Rescheduled",
    "reminder": "Reminder",
}
# Writes that read nothing first (payment, refund, check-in) name the patron by id: PATRON in the
# summary given to entry() marks where, and the entry keeps the id and its place (patron_id,
# patron_at), so the activity shows their name from the manifest as it is when read.
PATRON = "{patron}"
# Entries written before patron_id was stored: where each action's summary names the patron.
_PATRON_AT = {
    "check_in": re.compile(r"^(?P<id>[a-z0-9][a-z0-9_-]*)(?=: )"),
    "payment": re.compile(r"(?<= from )(?P<id>[a-z0-9][a-z0-9_-]*)(?= \(|$)"),
    "refund": re.compile(r"(?<= to )(?P<id>[a-z0-9][a-z0-9_-]*)(?=: )"),
}
SUMMARY_MAX = 200  # keeps an entry under ~350 bytes (scc.store: ACTIVITY_MAX entries a trip)


def entry(by: str, action: str, summary: str, *, patron_id: str | None = None) -> Entry:
    """An entry for a change made now; with patron_id, about that patron, whom the summary
    names where it says PATRON (their id is written there)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown activity action {action!r}")
    place = None
    if patron_id is not None:
        before, mark, after = summary.partition(PATRON)
        if not mark:
            raise ValueError(f"an entry about a patron names them with {PATRON}")
        summary, place = before + patron_id + after, len(before)
    text = summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1] + "…"
    if place is not None and text[place : place + len(patron_id or "")] != patron_id:
        patron_id = place = None  # the summary was cut short before the id's end
    return Entry(
        at=clock.iso(clock.now()),
        by=by,
        action=action,
        summary=text,
        patron_id=patron_id,
        patron_at=place,
    )


def created(event: Event, by: str) -> Entry:
    people = f"{len(event.patrons)} patron{'s' if len(event.patrons) != 1 else ''}"
    return entry(by, "created", f"{event.title}: {people}, total ${fmt(event.total)}")


def _trip_fields(event: Event) -> dict[str, str]:
    return {
        "title": event.title,
        "total": fmt(event.total),
        "reminders": "off" if event.reminders_off else "on",
    }


def _patron_fields(p: Patron) -> dict[str, str]:
    return {
        "name": p.name,
        "email": p.email or "—",
        "phone": p.phone or "—",
        "amount due": "—" if p.amount_due is None else fmt(p.amount_due),
    }


def _changed(before: dict[str, str], after: dict[str, str]) -> str:
    return "; ".join(f"{k}: {before[k]} → {after[k]}" for k in before if before[k] != after[k])


def edit_entries(old: Event, new: Event, by: str) -> list[Entry]:
    """One entry per change an edit makes: fields (old → new), patrons added, changed or removed,
    crew assigned or removed. Empty when nothing changed."""
    entries = []
    fields = _changed(_trip_fields(old), _trip_fields(new))
    if fields:
        entries.append(entry(by, "edited", fields))
    for p in new.patrons:
        before = old.patron(p.patron_id)
        if before is None:
            due = "" if p.amount_due is None else f", due ${fmt(p.amount_due)}"
            entries.append(entry(by, "patron_added", f"{p.name}{due}"))
        elif before != p:
            change = _changed(_patron_fields(before), _patron_fields(p))
            entries.append(entry(by, "patron_changed", f"{p.name}: {change}"))
    for p in old.patrons:
        if new.patron(p.patron_id) is None:
            entries.append(entry(by, "patron_removed", p.name))
    old_crew = {c.crew_id: c.role for c in old.crew}
    new_crew = {c.crew_id: c.role for c in new.crew}
    for crew_id, role in new_crew.items():
        if old_crew.get(crew_id) != role:
            was = f" (was {old_crew[crew_id]})" if crew_id in old_crew else ""
            entries.append(entry(by, "crew_assigned", f"{crew_id} as {role}{was}"))
    for crew_id, role in old_crew.items():
        if crew_id not in new_crew:
            entries.append(entry(by, "crew_removed", f"{crew_id} ({role})"))
    return entries


def readable(entry: Entry, names: Mapping[str, str]) -> str:
    """An entry's summary with the patron it names by id shown by name (names: id -> name)."""
    if entry.patron_id is not None and entry.patron_at is not None:
        start, end = entry.patron_at, entry.patron_at + len(entry.patron_id)
        if entry.summary[start:end] != entry.patron_id:
            return entry.summary
        name = names.get(entry.patron_id, entry.patron_id)
        return entry.summary[:start] + name + entry.summary[end:]
    pattern = _PATRON_AT.get(entry.action)
    if pattern is None:
        return entry.summary
    return pattern.sub(lambda m: names.get(m["id"], m["id"]), entry.summary, count=1)


def ago(at: str) -> str:
    """ "a moment ago", "5 minutes ago", "3 hours ago", "on 2026-05-23"."""
    try:
        when = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return "earlier"
    seconds = (clock.now() - when).total_seconds()
    if seconds < 90:
        return "a moment ago"
    if seconds < 3600:
        return f"{int(seconds // 60)} minutes ago"
    if seconds < 36 * 3600:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    return f"on {at[:10]}"


def stale(event: Event) -> str:
    """What an editor whose copy is out of date is told."""
    last = event.last_change
    if last is None:
        return "This trip was changed meanwhile; here it is as it is now."
    return (
        f"Changed by {last.by} {ago(last.at)} ({ACTIONS.get(last.action, last.action).lower()}); "
        "here is the trip as it is now. Make your change again if it is still needed."
    )
