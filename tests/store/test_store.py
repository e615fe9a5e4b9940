from decimal import Decimal

import pytest
from botocore.stub import Stubber

from scc.errors import Conflict, NotFound, StoreError
from scc.store import Store
from scc.store.items import event_from_item, event_to_item
from scc.store.tables import table_spec
from tests.builders import TRIP_ID, payment, trip


def test_item_round_trip_keeps_money_decimal():
    event = trip(
        payments=[payment()],
        paid_total=Decimal("40.00"),
        patron_paid={"dana": Decimal("40.00"), "sam": Decimal("0.00")},
    )
    item = event_to_item(event)
    assert item["crew_id"] == "#event"
    assert item["balance_due"] == Decimal("360.00")
    assert item["patron_due"]["dana"] == Decimal("160.00")
    back = event_from_item(item)
    assert back.payments == event.payments
    assert back.paid_total == Decimal("40.00")
    assert isinstance(back.total, Decimal)


def test_table_spec_has_key_and_date_index():
    spec = table_spec("t")
    assert [k["AttributeName"] for k in spec["KeySchema"]] == ["eid", "crew_id"]
    assert spec["GlobalSecondaryIndexes"][0]["IndexName"] == "by-date"


def test_create_table_is_idempotent(store):
    assert store.create_table() is False
    assert store.client.describe_table(TableName=store.table)["Table"]["TableStatus"] == "ACTIVE"


def test_new_tables_stream_new_and_old_images(store):
    table = store.client.describe_table(TableName=store.table)["Table"]
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    assert store.ensure_stream() == "stream on (NEW_AND_OLD_IMAGES)"


def test_an_older_table_gets_its_stream_once(store):
    spec = {k: v for k, v in table_spec("scc-old-table").items() if k != "StreamSpecification"}
    store.client.create_table(**spec)
    older = Store("scc-old-table")
    try:
        assert older.ensure_stream() == "stream turned on (NEW_AND_OLD_IMAGES)"
        assert older.ensure_stream() == "stream on (NEW_AND_OLD_IMAGES)"
        table = store.client.describe_table(TableName="scc-old-table")["Table"]
        assert table["LatestStreamArn"]
    finally:
        store.client.delete_table(TableName="scc-old-table")


def test_a_stream_of_another_view_type_is_refused_with_the_fix(store):
    spec = {
        **table_spec("scc-keys-only"),
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    }
    store.client.create_table(**spec)
    try:
        with pytest.raises(RuntimeError, match="StreamEnabled=false"):
            Store("scc-keys-only").ensure_stream()
    finally:
        store.client.delete_table(TableName="scc-keys-only")


def test_create_writes_event_record_and_crew_items(store):
    store.create_event(trip())
    items = store.client.query(
        TableName=store.table,
        KeyConditionExpression="eid = :e",
        ExpressionAttributeValues={":e": {"S": TRIP_ID}},
    )["Items"]
    assert sorted(i["crew_id"]["S"] for i in items) == ["#event", "cory"]


def test_duplicate_id_is_a_conflict(store):
    store.create_event(trip())
    with pytest.raises(Conflict):
        store.create_event(trip())


def test_missing_event_is_not_found(store):
    with pytest.raises(NotFound):
        store.get_event("2030-01-01-nobody")


def test_listing_is_one_query_never_a_scan(store, ddb_calls):
    for day in ("2030-05-20", "2030-05-23", "2030-05-25"):
        store.create_event(trip(event_id=f"{day}-trip"))
    ddb_calls.clear()
    upcoming = store.board("upcoming", "2030-05-23")
    assert ddb_calls.calls == ["Query"]
    assert [e.date for e in upcoming] == ["2030-05-23", "2030-05-25"]
    assert [e.date for e in store.board("past", "2030-05-23")] == ["2030-05-20"]
    assert [e.date for e in store.board("today", "2030-05-23")] == ["2030-05-23"]
    assert len(store.board("all", "2030-05-23")) == 3
    assert "Scan" not in ddb_calls.calls


def test_missing_table_says_run_init_db():
    with pytest.raises(StoreError, match="scc init-db"):
        Store("no-such-table").get_event("2030-01-01-x")


def test_throttling_becomes_a_busy_message(store):
    with Stubber(store.client) as stub:
        stub.add_client_error("get_item", "ProvisionedThroughputExceededException")
        with pytest.raises(StoreError, match="busy"):
            store.get_event("2030-01-01-x")
