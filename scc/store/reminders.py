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

from scc.models import Entry, Event, Reminder
from scc.store import changes, trips
from scc.store.changes import Change, TripChange
from scc.store.gateway import Store
from scc.store.items import reminder_to_map


def _paths(patron_ids: Sequence[str]) -> dict[str, str]:
    return {f"#rp{n}": patron_id for n, patron_id in enumerate(patron_ids)}


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
    ids = list(claims)
    names = {"#r": "reminders", "#off": "reminders_off", **_paths(ids)}
    values: dict[str, object] = {":on": True}
    conditions = ["(attribute_not_exists(#off) OR #off <> :on)"]
    sets = []
    for n, patron_id in enumerate(ids):
        sets.append(f"#r.#rp{n} = :claim{n}")
        values[f":claim{n}"] = reminder_to_map(claims[patron_id])
        prior = read.get(patron_id)
        if prior is None:
            conditions.append(f"attribute_not_exists(#r.#rp{n})")
        else:
            conditions.append(f"#r.#rp{n}.#run = :read{n}")
            names["#run"] = "run"  # DynamoDB refuses a name the expression does not use
            values[f":read{n}"] = prior
    update = changes.not_cancelled(
        Change(set=tuple(sets), condition=" AND ".join(conditions), names=names, values=values)
    )
    return trips.change(store, event_id, TripChange(update, tuple(entries)))


def settle(
    store: Store, event_id: str, outcomes: Mapping[str, Reminder], entries: Sequence[Entry]
) -> Event:
    """Record how each claimed reminder went, if the claim is still the run's own (a run that
    found it stuck may have taken it over). Contended (NotFound, Moved) when it is not."""
    ids = list(outcomes)
    names = {"#r": "reminders", "#run": "run", **_paths(ids)}
    values: dict[str, object] = {}
    sets, conditions = [], []
    for n, patron_id in enumerate(ids):
        outcome = outcomes[patron_id]
        sets.append(f"#r.#rp{n} = :out{n}")
        conditions.append(f"#r.#rp{n}.#run = :run{n}")
        values |= {f":out{n}": reminder_to_map(outcome), f":run{n}": outcome.run}
    update = Change(set=tuple(sets), condition=" AND ".join(conditions), names=names, values=values)
    return trips.change(store, event_id, TripChange(update, tuple(entries)))


def switch(store: Store, event_id: str, off: bool, entry: Entry, rev: int | None) -> Event:
    """Turn a trip's reminders off (or back on)."""
    update = Change().assign({"reminders_off": off})
    return trips.change(store, event_id, TripChange(update, (entry,), rev=rev))
