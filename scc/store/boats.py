"""The fleet: one item per boat in the partition `#boats` (sort key: the boat id), and each
boat's days (`#boat#<id>#<date>`), whose attributes say which trip holds which period.

A trip on a boat is written with what keeps the boat honest, in the trip's own transaction
(scc.store.trips): when it joins the boat or grows on it, an Update of the boat that holds only
while the boat carries at least the trip's headcount and moves the boat's `gen` on; and the
claim of its period on the boat's day (refused while another trip holds that period or the whole
day). Lowering a boat's capacity is one transaction: the boat, only while its `gen` is the one
read before its upcoming trips were, and a ConditionCheck on each of those trips; so a trip
that joins or grows meanwhile and the lower capacity cannot both land."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from scc.errors import Conflict, Contended, NotFound
from scc.models import Boat, Event
from scc.store import keys
from scc.store.changes import Change, Guard
from scc.store.gateway import ConditionFailed, Store
from scc.store.items import from_map

ALL_DAY = "all day"  # the period a trip without one holds on its boat's day


# --- items ---------------------------------------------------------------------------------------


def boat_to_item(boat: Boat) -> dict[str, Any]:
    fields = {k: v for k, v in asdict(boat).items() if k != "boat_id"}
    return {**keys.boat(boat.boat_id), **fields}


def boat_from_item(item: Mapping[str, Any]) -> Boat:
    return from_map(Boat, item, boat_id=item["crew_id"])


def period_attribute(period: str | None) -> str:
    """The attribute of a boat's day that names the trip holding this period."""
    return f"p#{period or ALL_DAY}"


# --- reads --------------------------------------------------------------------------------------


def fleet(store: Store) -> list[Boat]:
    """Every boat, by id (one Query; a fleet is a handful of small items)."""
    return [boat_from_item(item) for item in store.collection(keys.BOATS)]


def find(store: Store, boat_id: str) -> Boat | None:
    """One boat (one GetItem), or None."""
    item = store.get(keys.boat(boat_id))
    return None if item is None else boat_from_item(item)


# --- writes -------------------------------------------------------------------------------------


def add(store: Store, boat: Boat) -> None:
    try:
        store.put(boat_to_item(boat), new=True)
    except ConditionFailed:
        raise Conflict(f"There is already a boat {boat.boat_id}.", "boat_id") from None


def change(store: Store, boat: Boat, upcoming: Sequence[Event]) -> Boat:
    """Write a boat's name, capacity, notes and standing, only while each of its upcoming trips
    (`upcoming`, read on the boat) still fits the capacity: refused naming the first that no
    longer would."""
    attributes = {"name": boat.name, "capacity": boat.capacity, "notes": boat.notes}
    update = Change().assign(attributes | {"active": boat.active})
    update = update.also(
        "attribute_exists(crew_id) AND (#gen = :gen OR attribute_not_exists(#gen))",
        {"#gen": "gen"},
        {":gen": boat.gen},
    )
    fits = Change(
        condition="attribute_not_exists(#hc) OR #hc <= :cap OR #boat <> :b",
        names={"#hc": "headcount", "#boat": "boat"},
        values={":cap": boat.capacity, ":b": boat.boat_id},
    )
    checks = [store.check_request(keys.event(e.event_id), fits) for e in upcoming]
    write = store.update_request(keys.boat(boat.boat_id), update)
    try:
        store.transact([write, *checks])
    except ConditionFailed as failed:
        if not failed.failed or failed.failed[0] == 0:
            if failed.item is None:
                raise NotFound(f"There is no boat {boat.boat_id}.") from None
            raise Contended(  # a trip joined the boat, or grew on it, since it was read
                f"A trip on the {boat.name} changed at the same moment; please try again."
            ) from None
        trip = upcoming[failed.failed[0] - 1]
        count = int((failed.item or {}).get("headcount", trip.headcount))
        raise Conflict(
            f"{trip.title} ({trip.event_id}) has {count} aboard; the {boat.name} can't carry "
            f"fewer than that while it is booked.",
            "capacity",
        ) from None
    return boat


def fits(store: Store, boat_id: str, headcount: int) -> Guard:
    """The boat carries at least `headcount` passengers; and its `gen` moves on, so a lower
    capacity computed from the boat's trips as they were read (change) does not land."""
    grown = Change(
        set=("#gen = if_not_exists(#gen, :zero) + :one",),
        condition="#cap >= :hc",
        names={"#cap": "capacity", "#gen": "gen"},
        values={":hc": headcount, ":zero": 0, ":one": 1},
    )
    check = store.update_request(keys.boat(boat_id), grown)

    def refused(item: dict[str, Any] | None) -> Exception:
        if item is None:
            return NotFound(f"There is no boat {boat_id}.", "boat")
        carries = f"The {item['name']} carries {int(item['capacity'])} passengers"
        return Conflict(f"{carries}; this trip would have {headcount}.", "boat")

    return Guard(check, refused)


Place = tuple[str, str, str | None, str]  # boat id, date, period (None: all day), trip id


def place(event: Event | None) -> Place | None:
    """Where a trip holds its boat: None without a boat (or once cancelled)."""
    if event is None or not event.boat or event.cancelled:
        return None
    return (event.boat, event.date, event.period, event.event_id)


def guards(store: Store, old: Event | None, new: Event) -> list[Guard]:
    """What a trip's write (`old` -> `new`; old None: a new trip) carries to keep its boat
    honest: the boat carries the new headcount (when it grew, or the boat is new to the trip),
    and the trip leaves its old place on a boat's day and takes its new one."""
    found: list[Guard] = []
    grew = old is None or new.headcount > old.headcount or old.boat != new.boat
    if new.boat and not new.cancelled and grew:
        found.append(fits(store, new.boat, new.headcount))
    was, now = place(old), place(new)
    if was == now:
        return found
    if was and now and was[:2] == now[:2]:  # one boat's day: one Update of its item
        return [*found, _shift(store, was, now)]
    if was:
        found.append(_release(store, was))
    if now:
        found.append(_claim(store, now))
    return found


def _refusal(now: Place) -> Any:
    boat_id, _, period, event_id = now

    def refused(item: dict[str, Any] | None) -> Exception:
        # The boat's day as period -> the trip holding it (period_attribute's `p#<period>`).
        held = {k[2:]: str(v) for k, v in (item or {}).items() if k.startswith("p#")}
        other = next((eid for eid in held.values() if eid != event_id), "another trip")
        when = f"in the {period}" if period else "that day"
        if period is not None and ALL_DAY in held:
            when = "all that day"
        return Conflict(f"The boat {boat_id} is already out on {other} {when}.", "boat")

    return refused


def _free(period: str | None, held_before: int) -> tuple[str, dict[str, str], dict[str, int]]:
    """The condition that the period (None: the whole day) is free on a boat's day that holds
    `held_before` periods of other trips... or of this one, about to give it up; with its names
    and values."""
    if period is None:
        return "attribute_not_exists(#n) OR #n = :before", {"#n": "held"}, {":before": held_before}
    names = {"#mine": period_attribute(period), "#all": period_attribute(None)}
    return "attribute_not_exists(#mine) AND attribute_not_exists(#all)", names, {}


def _claim(store: Store, now: Place) -> Guard:
    boat_id, day, period, event_id = now
    free, names, before = _free(period, 0)
    update = Change(
        set=("#mine = :eid", "#n = if_not_exists(#n, :zero) + :step"),
        condition=free,
        names={**names, "#n": "held", "#mine": period_attribute(period)},
        values={":eid": event_id, ":zero": 0, ":step": 1, **before},
    )
    request = store.update_request(keys.boat_day(boat_id, day), update)
    return Guard(request, _refusal(now))


def _release(store: Store, was: Place) -> Guard:
    """The trip gives up its period of the boat's day (only if it is the one holding it)."""
    boat_id, day, period, event_id = was
    update = Change(
        set=("#n = #n - :step",),
        remove=("#was",),
        condition="#was = :old",
        names={"#n": "held", "#was": period_attribute(period)},
        values={":old": event_id, ":step": 1},
    )
    request = store.update_request(keys.boat_day(boat_id, day), update)
    return Guard(request, lambda _: Conflict("The boat's day changed at the same moment."))


def _shift(store: Store, was: Place, now: Place) -> Guard:
    """From one period of a boat's day to another (or to a new id on the same one)."""
    boat_id, day, old_period, old_id = was
    period, event_id = now[2], now[3]
    mine, gone = period_attribute(period), period_attribute(old_period)
    if mine == gone:
        update = Change(
            set=("#mine = :eid",),
            condition="#mine = :old",
            names={"#mine": mine},
            values={":eid": event_id, ":old": old_id},
        )
    else:
        free, names, before = _free(period, 1)
        if old_period is None:  # from the whole day to a part of it: the day is its own
            free, names, before = "attribute_not_exists(#mine)", {}, {}
        update = Change(
            set=("#mine = :eid",),
            remove=("#was",),
            condition=f"#was = :old AND ({free})",
            names={**names, "#mine": mine, "#was": gone},
            values={":eid": event_id, ":old": old_id, **before},
        )
    request = store.update_request(keys.boat_day(boat_id, day), update)
    return Guard(request, _refusal(now))
