"""Reading trips by date through the by-date index (never a Scan): the board a page at a time,
one day's trips (double bookings), and a date range page by page (the books' export)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scc import eventids
from scc.errors import Invalid
from scc.models import CANCELLED, SCHEDULED, Event
from scc.money import ZERO
from scc.store import keys
from scc.store.gateway import Store, projection
from scc.store.items import deserialize, event_from_item, serialize
from scc.store.keys import BOARD, BY_DATE_INDEX

# Each view's bound on the index's sort key (`<date>#<trip id>`), from today's date; all: none.
_BOUNDS = {"upcoming": " AND #s >= :d", "today": " AND begins_with(#s, :d)", "past": " AND #s < :d"}
WHEN = (*_BOUNDS, "all")
PAGE = 50  # cards a page
# What a card shows: the board's Query reads only these. Payments, refunds, their indexes, the
# headroom map, the patrons' contacts and the activity stay behind; a card's dialogs read the
# whole record. The date, status and payment_amount stay on the record but are not read: they
# follow from what is (card, below).
CARD_ATTRIBUTES = (
    "eid", "title", "total", "patrons", "crew", "patron_paid", "waivers_signed",
    "waiver_by_patron", "waivers_unmatched", "check_in", "cancelled", "boat", "reminders",
    "reminders_off",
)  # fmt: skip
# What the export reads of each trip: its ledger and who the patrons are.
LEDGER_ATTRIBUTES = ("eid", "date", "title", "patrons", "payments", "refunds")
# What the reminders job reads (scc.notify.reminders): who is aboard, what they signed and paid,
# and what they were reminded of.
REMINDER_ATTRIBUTES = (
    "eid", "date", "title", "patrons", "contacts", "status", "patron_paid", "waiver_by_patron",
    "reminders", "reminders_off",
)  # fmt: skip
_CURSOR_BAD = "That cursor is not one this board gave out; start from the first page."


@dataclass(frozen=True)
class Page:
    events: list[Event]
    cursor: str | None  # pass back for the next page; None on the last


def encode_position(plain: dict[str, str]) -> str:
    """A position in the board's index (keys.board_position, or a Query's LastEvaluatedKey:
    the index's and the table's keys) as an opaque cursor."""
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The key a cursor names, checked: only a trip's position in this board's index (as
    keys.board_position names it) is accepted."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise Invalid(_CURSOR_BAD, "cursor") from None
    eid = plain.get("eid") if isinstance(plain, dict) else None
    if not isinstance(eid, str) or not eventids.is_valid(eid) or plain != keys.board_position(eid):
        raise Invalid(_CURSOR_BAD, "cursor")
    return serialize(plain)


def _index_query(
    condition: str, values: dict[str, Any], attributes: tuple[str, ...]
) -> dict[str, Any]:
    """A Query of the by-date index (TableName aside): its key condition on the board's partition,
    and the attributes it reads of each trip."""
    read = projection(attributes)
    read["ExpressionAttributeNames"]["#b"] = "board"
    if "#s" in condition:  # DynamoDB refuses an unused name: the whole board has no date bound
        read["ExpressionAttributeNames"]["#s"] = "board_sk"
    return {
        "IndexName": BY_DATE_INDEX,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": serialize({":b": BOARD, **values}),
        **read,
    }


def card(item: dict[str, Any]) -> Event:
    """A trip from the board's projection (CARD_ATTRIBUTES), with the three stored fields it
    leaves out because every write keeps them equal to what it reads: the date (the first 10
    characters of the event id), the status (cancelled exactly when a cancellation is on
    record: one write sets both) and the paid total (what the patrons have paid, summed: a
    payment, a void and a refund move a patron's paid and the trip's by the same amount, and a
    patron leaves the manifest only when what they paid nets to 0.00)."""
    return event_from_item(
        item
        | {
            "date": item["eid"][:10],
            "status": CANCELLED if item.get("cancelled") else SCHEDULED,
            "payment_amount": sum(item.get("patron_paid", {}).values(), ZERO),
        }
    )


def board(store: Store, when: str, today: str, cursor: str | None = None) -> Page:
    """One page of the board: one Query on the by-date index, reading what cards show. Upcoming
    and today run soonest first; past and all newest first."""
    bound = _BOUNDS.get(when, "")
    condition = "#b = :b" + bound
    values = {":d": today} if bound else {}
    # One more than a page: DynamoDB answers a LastEvaluatedKey whenever it stopped at the Limit,
    # even with nothing after it ("If LastEvaluatedKey is present in the response, you need to
    # paginate the result set", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html),
    # so a page of exactly 50 would offer Show more onto an empty page. The 51st card, read and
    # not shown, says there is more; the cursor is then the 50th's position.
    extra: dict[str, Any] = {"ScanIndexForward": when in ("upcoming", "today"), "Limit": PAGE + 1}
    if cursor:
        extra["ExclusiveStartKey"] = decode_cursor(cursor)
    query = _index_query(condition, values, CARD_ATTRIBUTES)
    result = store.call("query", TableName=store.table, **query, **extra)
    events = [card(deserialize(item)) for item in result.get("Items", [])]
    if len(events) > PAGE:
        events = events[:PAGE]
        return Page(events, encode_position(keys.board_position(events[-1].event_id)))
    last = result.get("LastEvaluatedKey")  # stopped short of the Limit (1 MB read): go on
    return Page(events, encode_position(deserialize(last)) if last else None)


def day(store: Store, date: str) -> list[Event]:
    """The trips of one day, with their crew and period (one Query; a day has few trips)."""
    return list(dated(store, date, date, ("eid", "date", "title", "crew", "period", "status")))


def dated(
    store: Store, first: str, last: str, attributes: tuple[str, ...] = LEDGER_ATTRIBUTES
) -> Iterator[Event]:
    """Every trip dated first..last (inclusive), oldest first, with its ledger (or the
    attributes asked for): one Query per page of the index, as many pages as it takes (boto3's
    paginator)."""
    query = _index_query(
        "#b = :b AND #s BETWEEN :from AND :to",
        {":from": first, ":to": last + "#\uffff"},
        attributes,
    )
    yield from map(event_from_item, store.every_item("query", **query))


def on_boat(store: Store, boat_id: str, today: str) -> list[Event]:
    """The scheduled trips on a boat from today on, with their manifests (one Query of the
    by-date index per page, filtered to the boat)."""
    query = _index_query("#b = :b AND #s >= :d", {":d": today, ":boat": boat_id}, CARD_ATTRIBUTES)
    query["FilterExpression"] = "#boat = :boat AND attribute_not_exists(#cx)"
    query["ExpressionAttributeNames"] |= {"#boat": "boat", "#cx": "cancelled"}
    return [card(item) for item in store.every_item("query", **query)]
