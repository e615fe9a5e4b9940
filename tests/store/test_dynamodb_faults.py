"""What DynamoDB really does, and moto does not: transactions cancelled for TransactionConflict,
and answers lost after the write (tests/store/wire.py puts each on the wire)."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from scc import activity
from scc.store import Store, gateway, keys, trips
from scc.trips import lifecycle
from tests.store import wire
from tests.support.builders import event_body, trip, waiver_form
from tests.support.domain import stored_waivers

EID = "2030-05-23-captain-cory-afternoon"


FORM = "form-0123456789abcdef"


def sign(http: Any, nonce: str = FORM) -> Any:
    form = {**waiver_form(), "form_id": nonce}
    return http("POST", f"/g/{EID}/waiver", form=form)


def test_a_signature_cancelled_for_a_conflict_is_sent_again_and_stored_once(
    store: Store, api: Any
) -> None:
    trips.create(store, trip())
    with wire.conflict(store, times=2) as sent:
        answer = sign(api.http)
    assert answer.status == 201, answer.body
    assert sent.count("TransactWriteItems") == 3
    assert len(stored_waivers(store)) == 1
    assert trips.get(store, EID).waivers_signed == 1


def test_conflicts_that_do_not_clear_are_a_503_with_a_sentence_and_nothing_stored(
    store: Store, api: Any
) -> None:
    trips.create(store, trip())
    with wire.conflict(store, times=99) as sent:
        answer = sign(api.http)
    assert answer.status == 503
    assert "at that moment" in answer.body
    assert sent.count("TransactWriteItems") == gateway.CONFLICT_ATTEMPTS
    assert stored_waivers(store) == [] and trips.get(store, EID).waivers_signed == 0


def test_only_a_conflict_is_sent_again(store: Store) -> None:
    assert gateway.conflict_only([{"Code": "TransactionConflict"}, {"Code": "None"}])
    assert not gateway.conflict_only(
        [{"Code": "TransactionConflict"}, {"Code": "ConditionalCheckFailed"}]
    )
    assert not gateway.conflict_only([{"Code": "None"}, {"Code": "ThrottlingError"}])


def test_the_sign_in_counters_survive_a_conflict(store: Store, handler: Any) -> None:
    from tests.support.harness import Http

    http = Http(handler)
    with wire.conflict(store, times=1) as sent:
        answer = http.login()
    assert answer.status == 200, answer.body
    assert sent.count("TransactWriteItems") == 2


def test_a_signature_whose_answer_was_lost_is_stored_once(store: Store, api: Any) -> None:
    trips.create(store, trip())
    with wire.lose_answer(store, "TransactWriteItems") as sent:
        answer = sign(api.http)
    assert answer.status == 201, answer.body
    assert sent.count("TransactWriteItems") == 2  # botocore sent it again, same token
    assert len(stored_waivers(store)) == 1
    assert trips.get(store, EID).waivers_signed == 1


def test_a_check_in_whose_answer_was_lost_is_written_once(store: Store, api: Any) -> None:
    trips.create(store, trip())
    assert sign(api.http).status == 201  # Dana's waiver: she may board
    rev = trips.get(store, EID).rev
    with wire.lose_answer(store, "UpdateItem") as sent:
        answer = api("POST", f"/api/events/{EID}/patrons/dana/check-in", {"status": "aboard"})
    assert answer.status == 200, answer.body
    assert sent.count("UpdateItem") == 2  # botocore sent it again
    event = trips.get(store, EID)
    assert event.rev == rev + 1 and event.check_in_of("dana") == "aboard"
    assert [e.action for e in event.activity].count("check_in") == 1


def test_the_same_check_in_twice_is_done_once(store: Store, api: Any) -> None:
    trips.create(store, trip())
    assert sign(api.http).status == 201  # Dana's waiver: she may board
    rev = trips.get(store, EID).rev
    for _ in range(2):
        answer = api("POST", f"/api/events/{EID}/patrons/dana/check-in", {"status": "aboard"})
        assert answer.status == 200, answer.body
    event = trips.get(store, EID)
    assert event.rev == rev + 1 and [e.action for e in event.activity].count("check_in") == 1
    answer = api("POST", f"/api/events/{EID}/patrons/nobody/check-in", {"status": "aboard"})
    assert answer.status == 404


def test_an_edit_whose_answer_was_lost_answers_success_not_stale(store: Store, api: Any) -> None:
    rev = trips.create(store, trip()).rev
    with wire.lose_answer(store, "UpdateItem") as sent:
        answer = api("PATCH", f"/api/events/{EID}", {"title": "Sunset sail", "rev": rev})
    assert answer.status == 200, answer.body
    assert sent.count("UpdateItem") == 2
    event = trips.get(store, EID)
    assert event.title == "Sunset sail" and event.rev == rev + 1


def test_a_new_trip_whose_answer_was_lost_is_created_not_already_there(
    store: Store, api: Any
) -> None:
    with wire.lose_answer(store, "TransactWriteItems") as sent:
        answer = api("POST", "/api/events", event_body())
    assert answer.status == 201, answer.body
    assert sent.count("TransactWriteItems") == 2
    event = trips.get(store, answer.json["event_id"])
    assert [e.action for e in event.activity] == ["created"]


def test_a_waiver_form_sent_again_after_a_reschedule_is_stored_once(store: Store, api: Any) -> None:
    trips.create(store, trip())
    assert sign(api.http).status == 201
    assert api("POST", f"/api/events/{EID}/reschedule", {"date": "2030-06-02"}).status == 200
    again = sign(api.http)  # the patron's phone sends the form again, to the old address
    assert again.status == 307
    new_id = trips.get_collection(store, EID.replace("2030-05-23", "2030-06-02"))
    moved = api.http("POST", again.headers["location"], form={**waiver_form(), "form_id": FORM})
    assert moved.status == 200, moved.body  # recognised: already signed
    assert len(stored_waivers(store)) == 1 and new_id.event.waivers_signed == 1


def test_a_seat_given_away_between_a_signatures_read_and_write_is_matched_again(
    store: Store, api: Any
) -> None:
    trips.create(store, trip())

    def give_danas_seat_to_zoe(name: str, body: dict[str, Any], _: Any) -> None:
        if name == "TransactWriteItems" and not given:
            given.append(True)
            old = trips.get(store, EID)
            seats = [
                replace(p, name="Zoe Park") if p.patron_id == "dana" else p for p in old.patrons
            ]
            entry = activity.entry("jess", "edited", "Dana Lee → Zoe Park")
            trips.edit(store, old, replace(old, patrons=seats), [entry])

    given: list[bool] = []
    with wire.on_the_wire(store, give_danas_seat_to_zoe) as sent:
        answer = sign(api.http)
    assert answer.status == 201, answer.body
    assert sent.count("TransactWriteItems") == 2  # refused (the edit got in first), then again
    event = trips.get(store, EID)
    assert "dana" not in event.waiver_by_patron  # Zoe is not marked signed by Dana's waiver
    assert list(event.waivers_unmatched.values()) == ["Dana Lee"]


def test_a_trim_that_fell_behind_stays_inside_the_4_kb_expression_limit(
    store: Store,
) -> None:
    created = trips.create(store, trip())
    item = store.get(keys.event(EID))
    assert item is not None
    filler = asdict(activity.entry("leo", "check_in", "x"))
    item["activity"] = [item["activity"][0]] + [filler] * 999  # trims kept losing races
    store.put(item)
    sent: list[str] = []
    hook = "provide-client-params.dynamodb.UpdateItem"
    events = store.client.meta.events
    events.register(hook, lambda params, **_: sent.append(params["UpdateExpression"]), "trim")
    try:
        lifecycle.check_in(store, EID, "dana", "no_show", "jess")
    finally:
        events.unregister(hook, unique_id="trim")
    assert len(sent) == 2 and all(len(e.encode()) < 4096 for e in sent)  # the change, one trim
    after = trips.get(store, created.event_id)
    assert after.activity_folded == trips.TRIM_MOST
    assert len(after.activity) == 1001 - trips.TRIM_MOST and after.activity[0].action == "created"
