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


def test_items_are_typed_and_read_back_exactly_as_boto3_does():
    """scc.store.serialize and deserialize do the common kinds themselves; they must agree with
    boto3's TypeSerializer and TypeDeserializer on every kind, nested, sets and binary included."""
    from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scc.store import deserialize, serialize

    numbers = st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).filter(
            lambda d: abs(d) < Decimal("1e30")
        ),
        st.integers(-(10**12), 10**12),
    )
    scalars = st.one_of(
        st.text(max_size=20), numbers, st.booleans(), st.none(), st.binary(min_size=1, max_size=8)
    )
    sets = st.one_of(
        st.frozensets(st.text(min_size=1, max_size=5), min_size=1, max_size=3).map(set),
        st.frozensets(st.integers(-1000, 1000), min_size=1, max_size=3).map(set),
        st.frozensets(st.binary(min_size=1, max_size=4), min_size=1, max_size=3).map(
            lambda s: {Binary(b) for b in s}
        ),
    )
    values = st.recursive(
        st.one_of(scalars, sets),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=3).map(tuple),
            st.dictionaries(st.text(max_size=5), inner, max_size=4),
        ),
        max_leaves=15,
    )
    boto3_types, boto3_reads = TypeSerializer(), TypeDeserializer()

    @settings(max_examples=200, deadline=None)
    @given(st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=5))
    def same(item):
        typed = serialize(item)
        assert typed == {k: boto3_types.serialize(v) for k, v in item.items()}
        ours = deserialize(typed)
        theirs = {k: boto3_reads.deserialize(v) for k, v in typed.items()}
        assert ours == theirs and repr(ours) == repr(theirs)

    same()
    for refused in (1.5, {"a": [0.1]}, Decimal("NaN")):
        with pytest.raises(TypeError):
            serialize({"x": refused})
