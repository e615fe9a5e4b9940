"""The trip repository's one change function: what every write of a trip carries (the version
bump, the activity, the rev guard) and what a refusal comes back as."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scc import activity
from scc.errors import Conflict, Contended, Moved, NotFound, Stale
from scc.models import Entry, Event
from scc.store import Store, keys, trips
from scc.store.changes import Change, TripChange
from tests.support.builders import TRIP_ID, trip

TITLED = Change(set=("title = :t",), values={":t": "Renamed"})


def entry() -> Entry:
    return activity.entry("jess", "edited", "title: x → Renamed")


def test_a_change_bumps_the_version_and_writes_its_activity_with_itself(store: Store) -> None:
    created = trips.create(store, trip())
    now = trips.change(store, TRIP_ID, TripChange(TITLED, (entry(),)))
    assert now.title == "Renamed" and now.rev == created.rev + 1
    assert [e.action for e in now.activity] == ["created", "edited"]
    assert trips.get(store, TRIP_ID) == now


def test_a_change_without_its_activity_is_refused_before_any_write(store: Store) -> None:
    trips.create(store, trip())
    with pytest.raises(ValueError, match="activity"):
        trips.change(store, TRIP_ID, TripChange(TITLED, ()))
    assert trips.get(store, TRIP_ID).title != "Renamed"


def test_a_change_from_an_older_version_is_stale_with_the_trip_as_it_is(store: Store) -> None:
    created = trips.create(store, trip())
    trips.change(store, TRIP_ID, TripChange(TITLED, (entry(),)))
    other = Change(set=("title = :t",), values={":t": "Mine"})
    with pytest.raises(Stale) as stale:
        trips.change(store, TRIP_ID, TripChange(other, (entry(),), rev=created.rev))
    assert stale.value.event.title == "Renamed" and "Changed by jess" in stale.value.message
    assert trips.get(store, TRIP_ID).title == "Renamed"


def test_a_refused_condition_is_explained_from_the_trip_as_it_was(store: Store) -> None:
    trips.create(store, trip())
    never = TITLED.also("title = :other", values={":other": "nope"})

    def refused(was: Event) -> Exception:
        return Conflict(f"{was.title} keeps its title.")

    with pytest.raises(Conflict, match="keeps its title"):
        trips.change(store, TRIP_ID, TripChange(never, (entry(),), refused=refused))
    plain = TripChange(never, (entry(),))
    with pytest.raises(Contended):
        trips.change(store, TRIP_ID, plain)


def test_no_trip_and_a_moved_trip_are_said_so(store: Store) -> None:
    with pytest.raises(NotFound):
        trips.change(store, TRIP_ID, TripChange(TITLED, (entry(),)))
    store.put({**keys.event(TRIP_ID), "date": "2030-05-23", "moved_to": "2030-06-01-x"})
    with pytest.raises(Moved) as moved:
        trips.change(store, TRIP_ID, TripChange(TITLED, (entry(),)))
    assert moved.value.moved_to == "2030-06-01-x"


def test_a_change_with_companion_writes_is_one_transaction(store: Store) -> None:
    created = trips.create(store, trip())
    marker = store.put_request({**keys.submission(TRIP_ID, "form-1"), "waiver_id": "w"}, new=True)
    after = replace(created, title="Renamed")
    now = trips.change(store, TRIP_ID, TripChange(TITLED, (entry(),)), writes=[marker], after=after)
    assert now.title == "Renamed" and now.rev == created.rev + 1
    assert trips.get(store, TRIP_ID).rev == now.rev
    # the marker is there now: the same transaction again is refused whole, as Contended
    again = TripChange(Change(set=("title = :t",), values={":t": "Again"}), (entry(),))
    with pytest.raises(Contended):
        trips.change(store, TRIP_ID, again, writes=[marker], after=now)
    assert trips.get(store, TRIP_ID).title == "Renamed"
