"""Patrons' reminders on their trip's record (`reminders`: patron id -> their latest reminder),
written through the trip repository (scc.store.trips.change) with conditions that make two runs
of the reminders job at once send nothing twice.

A run first *claims* the patrons it will remind: one write, holding only while each patron's
reminder is still the one the run read (its `run` id, or none yet) and the trip is neither
cancelled nor spared. A second run that read the same reminders is refused and leaves the trip
to the first. After sending, the run *settles* each claim with its outcome, only while the claim
is still its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scc.models import Entry, Event, Reminder
from scc.store import changes, trips
from scc.store.changes import Change, TripChange
from scc.store.gateway import Store
from scc.store.items import reminder_to_map


def _reminders(reminders: Mapping[str, Reminder], runs: Mapping[str, str | None]) -> Change:
    """Write each patron's reminder (patron id -> reminder), only while the one on record is
    still the run's in `runs` (None: there is none yet)."""
    names: dict[str, str] = {"#r": "reminders"}
    values: dict[str, Any] = {}
    sets, conditions = [], []
    for n, (patron_id, reminder) in enumerate(reminders.items()):
        names[f"#rp{n}"] = patron_id
        sets.append(f"#r.#rp{n} = :rem{n}")
        values[f":rem{n}"] = reminder_to_map(reminder)
        run = runs.get(patron_id)
        if run is None:
            conditions.append(f"attribute_not_exists(#r.#rp{n})")
        else:
            conditions.append(f"#r.#rp{n}.#run = :run{n}")
            names["#run"] = "run"  # DynamoDB refuses a name the expression does not use
            values[f":run{n}"] = run
    return Change(set=tuple(sets), condition=" AND ".join(conditions), names=names, values=values)


def claim(
    store: Store,
    event_id: str,
    claims: Mapping[str, Reminder],
    read: Mapping[str, str | None],
    entries: Sequence[Entry],
) -> Event:
    """Write `claims` (patron id -> reminder) if each patron's reminder is still the run `read`
    saw (None: none yet), the trip is not cancelled and reminders are not off for it. The trip
    after the write; Contended (or NotFound, Moved) when refused."""
    spared = "attribute_not_exists(#off) OR #off <> :on"
    update = _reminders(claims, read).also(spared, {"#off": "reminders_off"}, {":on": True})
    return trips.change(store, event_id, TripChange(changes.not_cancelled(update), tuple(entries)))


def settle(
    store: Store, event_id: str, outcomes: Mapping[str, Reminder], entries: Sequence[Entry]
) -> Event:
    """Record how each claimed reminder went, if the claim is still the run's own (a run that
    found it stuck may have taken it over). Contended (NotFound, Moved) when it is not."""
    update = _reminders(outcomes, {pid: outcome.run for pid, outcome in outcomes.items()})
    return trips.change(store, event_id, TripChange(update, tuple(entries)))
