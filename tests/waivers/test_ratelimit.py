"""The waiver form's caps: per trip per address, and per address across trips. DynamoDB counters
read with the trip and counted inside the signing transaction (refused at the cap), so racing
signatures cannot pass it. The caps are made small here; the real sizes are shown through the
handler in tests/auth/test_attacks.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scc.errors import Throttled
from scc.store import Store, counters, trips
from scc.store import waivers as signed
from scc.waivers import signing as waivers
from tests.support.builders import trip
from tests.support.clock import movable
from tests.support.domain import sign, stored_waivers

START = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
OTHER_TRIP = "2030-05-24-captain-maya"


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The clock, movable: now[0] = START + ..."""
    return movable(monkeypatch, START)


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    monkeypatch.setattr(waivers, "TRIP_LIMIT", 3)
    monkeypatch.setattr(waivers, "ADDRESS_LIMIT", 4)
    trips.create(store, trip())
    trips.create(store, trip(event_id=OTHER_TRIP))


def fill(store: Store, n: int = 3, ip: str = "203.0.113.9", eid: str = trip().event_id) -> None:
    for k in range(n):
        sign(store, eid, ip=ip, full_name=f"Guest {k}", signature=f"Guest {k}")


def test_a_trip_refuses_signatures_past_its_cap_from_one_address(
    store: Store, now: Any, small_caps: None
) -> None:
    fill(store)
    with pytest.raises(Throttled) as refused:
        sign(store)
    assert refused.value.retry_after == 3600  # the hour's window ends at 19:00
    assert len(stored_waivers(store)) == 3


def test_a_refusal_costs_one_read(store: Store, now: Any, small_caps: None, ddb_calls: Any) -> None:
    fill(store)
    ddb_calls.clear()
    with pytest.raises(Throttled):
        sign(store)
    assert ddb_calls.calls == ["BatchGetItem"]


def test_another_address_is_not_limited(store: Store, now: Any, small_caps: None) -> None:
    fill(store)
    assert sign(store, ip="198.51.100.4").waiver is not None


def test_the_address_cap_counts_every_trip(store: Store, now: Any, small_caps: None) -> None:
    fill(store)  # 3 on the first trip
    assert sign(store, OTHER_TRIP).waiver is not None  # the 4th from this address: allowed
    with pytest.raises(Throttled):
        sign(store, OTHER_TRIP)  # the 5th, though this trip has only one


def test_one_ipv6_64_is_one_address(store: Store, now: Any, small_caps: None) -> None:
    for n in range(3):
        sign(store, ip=f"2001:db8:1:2::{n + 1}")
    with pytest.raises(Throttled):
        sign(store, ip="2001:db8:1:2:ffff::9")


def test_a_new_window_counts_from_nothing(store: Store, now: Any, small_caps: None) -> None:
    fill(store)
    now[0] = START + timedelta(hours=1, seconds=1)
    assert sign(store).waiver is not None


def test_the_cap_holds_when_others_reach_it_meanwhile(
    store: Store, now: Any, small_caps: None, monkeypatch: Any
) -> None:
    """Between this signature's read and its write, the address signs up to the cap elsewhere:
    the transaction is refused, the re-read sees the cap, nothing is stored."""
    real = signed.read_for_signing

    def read_then_others_sign(*args: Any) -> Any:
        found = real(*args)
        monkeypatch.setattr(signed, "read_for_signing", real)
        for _ in range(3):
            assert counters.take(store, waivers.limits(trip().event_id, "203.0.113.9")) is None
        return found

    monkeypatch.setattr(signed, "read_for_signing", read_then_others_sign)
    with pytest.raises(Throttled):
        sign(store)
    assert stored_waivers(store) == []


def test_take_refuses_at_the_limit_and_give_back_makes_room(store: Store, now: Any) -> None:
    limit = counters.Limit("t", "who", 2, 60)
    assert counters.take(store, [limit]) is None
    assert counters.take(store, [limit]) is None
    assert counters.take(store, [limit]) == 60  # START is on a minute: the window ends in 60 s
    counters.give_back(store, limit)
    assert counters.take(store, [limit]) is None


def test_take_of_two_counters_is_all_or_none(store: Store, now: Any) -> None:
    full, empty = counters.Limit("t", "a", 1, 60), counters.Limit("t", "b", 1, 60)
    assert counters.take(store, [full]) is None
    assert counters.take(store, [empty, full]) is not None
    assert counters.take(store, [empty]) is None  # the refused attempt did not count on b


def test_live_ignores_ended_windows(now: Any) -> None:
    end = int(START.timestamp())
    assert counters.live({"hits": 3, "ttl": end}) is None
    assert counters.live({"hits": 3, "ttl": end + 1}) == counters.Count(3, end + 1)
    assert counters.live(None) is None
