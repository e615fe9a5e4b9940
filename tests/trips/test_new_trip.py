"""The New trip dialog and the board that reaches every trip, through lambda_entry.handler."""

from __future__ import annotations

import re
from typing import Any

from scc.store import Store, keys
from scc.store.items import event_to_item, serialize
from tests.support.builders import TRIP_ID, event_body, trip
from tests.support.harness import Api

NEW_TRIP = [
    ("board", "upcoming"), ("date", "2030-05-23"), ("name", "Captain Cory"),
    ("period", "afternoon"), ("title", ""), ("total", ""), ("patron_rows", "1"),
    ("patron_id", ""), ("patron_name", "Dana Lee"), ("patron_email", "dana@example.com"),
    ("patron_phone", "619-555-0134"), ("patron_amount_due", "120.00"),
    ("patron_id", ""), ("patron_name", ""), ("patron_email", ""), ("patron_phone", ""),
    ("patron_amount_due", ""),
    ("crew_rows", "1"), ("crew_id", "cory"), ("crew_role", "captain"),
]  # fmt: skip


def test_the_new_trip_dialog_is_a_phone_form_without_script(api: Api) -> None:
    html = api("GET", "/api/events/new", query="when=past", htmx=True).text
    assert html.startswith("<dialog") and 'name="board" value="past"' in html
    assert 'type="date"' in html and 'inputmode="decimal"' in html and 'type="email"' in html
    assert 'inputmode="tel"' in html and "<script" not in html and "style=" not in html
    assert 'hx-get="/api/events/new/id"' in html and "data-add-row" in html
    for label in ("Date", "Name", "Period", "Title", "Total ($)", "Patrons", "Crew"):
        assert f">{label}<" in html or f">{label} <" in html


def test_the_id_preview_follows_the_typing(api: Api) -> None:
    query = "date=2030-05-23&name=Captain+Cory&period=afternoon"
    assert (
        f"Will create <code>{TRIP_ID}</code>" in api("GET", "/api/events/new/id", query=query).text
    )
    assert "Fill in the date" in api("GET", "/api/events/new/id", query="name=x").text
    assert (
        "real calendar date"
        in api("GET", "/api/events/new/id", query="date=2030-02-30&name=x").text
    )
    api("POST", "/api/events", event_body())
    taken = api("GET", "/api/events/new/id", query=query).text
    assert "already exists; 2030-05-23-captain-cory-2-afternoon is free" in taken


def test_the_id_preview_reads_only_keys(api: Api, store: Store) -> None:
    """Whether an id (or a numbered one beside it) is taken is read from the keys alone."""
    api("POST", "/api/events", event_body())
    reads: list[tuple[str, Any]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        reads.append((model.name, params))

    events = store.client.meta.events
    events.register("before-parameter-build.dynamodb", record, unique_id="test-key-reads")
    try:
        query = "date=2030-05-23&name=Captain+Cory&period=afternoon"
        assert "is free" in api("GET", "/api/events/new/id", query=query).text
    finally:
        events.unregister("before-parameter-build.dynamodb", unique_id="test-key-reads")
    [(_, get), (_, batch)] = [r for r in reads if r[0] in ("GetItem", "BatchGetItem")]
    [wanted] = batch["RequestItems"].values()
    for read in (get, wanted):
        names = read["ExpressionAttributeNames"]
        shown = {names[n.strip()] for n in read["ProjectionExpression"].split(",")}
        assert shown == {"eid", "crew_id"}


def test_creating_in_the_dialog_answers_the_board_with_the_card(api: Api) -> None:
    answer = api("POST", "/api/events", form=NEW_TRIP, htmx=True)
    assert answer.status == 201 and "hx-retarget" not in answer.headers  # the form's own target
    assert f'id="event-{TRIP_ID}"' in answer.text and 'class="tabs"' in answer.text
    assert "scc:close-modal" in answer.headers["hx-trigger"]
    data = api("GET", f"/api/events/{TRIP_ID}").json
    assert data["title"] == "Captain Cory · Afternoon" and data["total"] == "120.00"
    assert [p["patron_id"] for p in data["patrons"]] == ["dana-lee"]
    [created] = api("GET", f"/api/events/{TRIP_ID}/activity").json["activity"]
    assert (created["action"], created["by"]) == ("created", "cory")


def test_a_taken_id_is_refused_with_a_free_one(api: Api, ddb_calls: Any) -> None:
    api("POST", "/api/events", event_body())
    answer = api("POST", "/api/events", event_body())
    assert answer.status == 409
    assert answer.json["error"] == (
        f"A trip {TRIP_ID} already exists; 2030-05-23-captain-cory-2-afternoon is free."
    )
    ddb_calls.clear()
    hx = api("POST", "/api/events", form=NEW_TRIP, htmx=True)
    assert hx.status == 409 and hx.headers["hx-retarget"] == "#trip-form"
    assert 'id="trip-name-error">A trip' in hx.text and 'aria-invalid="true"' in hx.text
    assert "2030-05-23-captain-cory-2-afternoon is free" in hx.text
    assert ddb_calls.calls.count("BatchGetItem") == 1  # the free id is looked up once
    assert 'value="Dana Lee"' in hx.text  # what was typed stays


def test_every_field_error_is_shown_at_once_beside_its_field(api: Api) -> None:
    form = [(k, "" if k in ("date", "name") else v) for k, v in NEW_TRIP]
    answer = api("POST", "/api/events", form=form, htmx=True)
    assert answer.status == 422
    assert 'id="trip-date-error"' in answer.text and 'id="trip-name-error"' in answer.text
    assert answer.text.count('aria-invalid="true"') == 2


def seed(store: Store, count: int, *, start: int = 1) -> list[str]:
    """Trips straight into the table (batch writes, not the API: fast), dated 2020-01-01 on."""
    ids = []
    items = []
    for n in range(start, start + count):
        eid = f"2020-{1 + n // 28:02d}-{1 + n % 28:02d}-trip{n}"
        ids.append(eid)
        items.append(event_to_item(trip(event_id=eid, total="100.00")))
    for i in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": serialize(item)}} for item in items[i : i + 25]]
        store.call("batch_write_item", RequestItems={store.table: batch})
    return ids


def test_the_board_reaches_every_trip_fifty_at_a_time(
    api: Api, store: Store, ddb_calls: Any
) -> None:
    ids = seed(store, 120)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        ddb_calls.clear()
        query = "when=past" + (f"&cursor={cursor}" if cursor else "")
        page = api("GET", "/api/events", query=query).json
        assert ddb_calls.calls == ["Query"]
        seen += [e["event_id"] for e in page["events"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == sorted(ids, reverse=True)  # every trip, newest first


def test_show_more_loads_the_next_page_in_its_place(api: Api, store: Store) -> None:
    seed(store, 55)
    board = api("GET", "/api/events", query="when=all", htmx=True).text
    assert board.count('<article id="event-') == 50
    [more] = re.findall(r'hx-get="(/api/events\?when=all&amp;cursor=[^"]+)"', board)
    path, query = more.replace("&amp;", "&").split("?")
    rest = api("GET", path, query=query, htmx=True).text
    assert rest.count('<article id="event-') == 5 and "Show more" not in rest
    assert 'class="tabs"' not in rest  # only the cards, in place of the button


def test_show_more_never_leads_to_an_empty_page(api: Api, store: Store, ddb_calls: Any) -> None:
    """A Query that stops at its Limit answers a LastEvaluatedKey even when nothing follows
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html;
    tests.support.dynamodb answers so where moto does not): the board asks for one card more
    than a page. Two full pages: the first has more after it, the second does not."""
    count = 100
    seed(store, count)
    plain = store.call(
        "query", TableName=store.table, IndexName=keys.BY_DATE_INDEX, Limit=count,
        KeyConditionExpression="#b = :b", ExpressionAttributeNames={"#b": "board"},
        ExpressionAttributeValues={":b": {"S": keys.BOARD}},
    )  # fmt: skip
    assert len(plain["Items"]) == count and "LastEvaluatedKey" in plain  # the trap
    pages: list[int] = []
    cursor = None
    while True:
        ddb_calls.clear()
        query = "when=all" + (f"&cursor={cursor}" if cursor else "")
        html = api("GET", "/api/events", query=query, htmx=True).text
        assert ddb_calls.calls == ["Query"]
        cards = html.count('<article id="event-')
        pages.append(cards)
        more = re.findall(r'hx-get="/api/events\?when=all&amp;cursor=([^"]+)"', html)
        if not more:
            break
        cursor = more[0]
    assert pages == [50] * (count // 50) and sum(pages) == count  # no empty page at the end
    last = api("GET", "/api/events", query="when=all" + (f"&cursor={cursor}" if cursor else ""))
    assert last.json["next_cursor"] is None


def test_a_cursor_from_elsewhere_is_422(api: Api) -> None:
    for cursor in ("nope", "e30=", "eyJlaWQiOiJ4In0="):
        answer = api("GET", "/api/events", query=f"when=all&cursor={cursor}")
        assert answer.status == 422 and answer.json["field"] == "cursor"


def test_the_board_query_reads_only_what_cards_show(store: Store, ddb_calls: Any, api: Api) -> None:
    api("POST", "/api/events", event_body())
    seen: list[dict[str, Any]] = []

    def keep(params: dict[str, Any], **_: Any) -> None:
        seen.append(params)

    store.client.meta.events.register("provide-client-params.dynamodb.Query", keep)
    try:
        api("GET", "/api/events", query="when=all")
    finally:
        store.client.meta.events.unregister("provide-client-params.dynamodb.Query", keep)
    [params] = seen
    projected = set(params["ExpressionAttributeNames"].values())
    assert (
        params["Limit"] == 51 and "activity" not in projected
    )  # a page and one to look ahead and "payments" not in projected
    assert {"cancelled", "check_in", "waiver_by_patron", "patron_paid"} <= projected
    # What follows from those is derived, not read (scc.store.board.card).
    assert not {"date", "status", "payment_amount"} & projected


def test_a_double_booking_in_the_dialog_asks_and_confirm_assigns(api: Api) -> None:
    api(
        "POST",
        "/api/events",
        event_body(name="captain-maya", crew=[{"crew_id": "cory", "role": "mate"}]),
    )
    asked = api("POST", "/api/events", form=NEW_TRIP, htmx=True)
    assert asked.status == 409 and asked.headers["hx-retarget"] == "#trip-form"
    assert 'id="trip-confirm-error">cory is already on Captain Maya' in asked.text
    assert 'name="confirm" value="true" aria-invalid="true"' in asked.text
    created = api("POST", "/api/events", form=[*NEW_TRIP, ("confirm", "true")], htmx=True)
    assert created.status == 201 and f'id="event-{TRIP_ID}"' in created.text
