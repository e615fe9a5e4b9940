"""The waiver form's per-IP limit: a DynamoDB counter read with the event and counted inside the
signing transaction, correct when two requests race."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scc import clock
from scc.errors import Throttled
from scc.store import ConditionFailed, Store, counters
from scc.waivers import signing as waivers
from tests.builders import trip
from tests.support import sign, stored_waivers

START = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The clock, movable: now[0] = START + ..."""
    moment = [START]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


def fill(store: Store, ip: str = "203.0.113.9") -> None:
    for n in range(waivers.SIGN_LIMIT):
        sign(store, ip=ip, full_name=f"Guest {n}", signature=f"Guest {n}")


def test_the_eleventh_signature_in_an_hour_is_refused(store: Store, now: Any) -> None:
    store.create_event(trip())
    fill(store)
    with pytest.raises(Throttled) as refused:
        sign(store)
    assert refused.value.retry_after == 3600
    assert len(stored_waivers(store)) == waivers.SIGN_LIMIT


def test_a_refusal_costs_one_read(store: Store, now: Any, ddb_calls: Any) -> None:
    store.create_event(trip())
    fill(store)
    ddb_calls.clear()
    with pytest.raises(Throttled):
        sign(store)
    assert ddb_calls.calls == ["BatchGetItem"]


def test_another_ip_is_not_limited(store: Store, now: Any) -> None:
    store.create_event(trip())
    fill(store)
    assert sign(store, ip="198.51.100.4").waiver is not None


def test_a_new_window_starts_when_the_old_one_ends(store: Store, now: Any) -> None:
    store.create_event(trip())
    fill(store)
    now[0] = START + timedelta(hours=1, seconds=1)
    assert sign(store).waiver is not None
    assert counters.peek(store, waivers.RATE_SCOPE, ["203.0.113.9"])[0].hits == 1


def others_sign_meanwhile(store: Store, monkeypatch: Any, times: int) -> None:
    """Between the next signature's read and its write, this IP signs `times` times elsewhere."""
    real = waivers._read

    def read_then_others_sign(*args: Any) -> Any:
        found = real(*args)
        for _ in range(times):
            counters.hit(store, waivers.RATE_SCOPE, "203.0.113.9", waivers.SIGN_WINDOW)
        monkeypatch.setattr(waivers, "_read", real)
        return found

    monkeypatch.setattr(waivers, "_read", read_then_others_sign)


def test_the_limit_holds_when_others_reach_it_meanwhile(
    store: Store, now: Any, monkeypatch: Any
) -> None:
    store.create_event(trip())
    others_sign_meanwhile(store, monkeypatch, waivers.SIGN_LIMIT)
    with pytest.raises(Throttled):
        sign(store)
    assert stored_waivers(store) == []


def test_a_window_started_meanwhile_is_counted_not_reset(
    store: Store, now: Any, monkeypatch: Any
) -> None:
    store.create_event(trip())
    others_sign_meanwhile(store, monkeypatch, 1)
    assert sign(store).waiver is not None
    assert counters.peek(store, waivers.RATE_SCOPE, ["203.0.113.9"])[0].hits == 2


def transact(store: Store, update: dict[str, Any]) -> None:
    store.call("transact_write_items", TransactItems=[update])


def test_hit_update_starts_a_window_only_if_none_is_live(store: Store, now: Any) -> None:
    counters.hit(store, "t", "ip", 60)
    with pytest.raises(ConditionFailed):
        transact(store, counters.hit_request(store, "t", "ip", window=60, limit=5, seen=None))


def test_hit_update_refuses_past_the_limit(store: Store, now: Any) -> None:
    for _ in range(5):
        counters.hit(store, "t", "ip", 60)
    seen = counters.Count(4, int(START.timestamp()) + 60)  # what a slower reader saw
    with pytest.raises(ConditionFailed):
        transact(store, counters.hit_request(store, "t", "ip", window=60, limit=5, seen=seen))
    assert counters.peek(store, "t", ["ip"])[0].hits == 5


def test_hit_update_restarts_an_ended_window(store: Store, now: Any) -> None:
    counters.hit(store, "t", "ip", 60)
    now[0] = START + timedelta(seconds=61)
    transact(store, counters.hit_request(store, "t", "ip", window=60, limit=5, seen=None))
    [count] = counters.peek(store, "t", ["ip"])
    assert (count.hits, count.resets_at) == (1, int(now[0].timestamp()) + 60)


def test_live_ignores_ended_windows(now: Any) -> None:
    end = int(START.timestamp())
    assert counters.live({"hits": 3, "ttl": end}) is None
    assert counters.live({"hits": 3, "ttl": end + 1}) == counters.Count(3, end + 1)
    assert counters.live(None) is None
