"""Every item's key, in one place. The table's key is `eid` (partition) and `crew_id` (sort).

A trip's item collection is its id: the record (`#event`), its crew assignments (the crew id)
and its signed waivers (`#waiver#…`), with the markers that keep a form or a notice from being
taken twice. Everything else lives in partitions of its own that no trip id can be (a trip id
starts with a date; these start with `#`): the roster, the boats and their days, counters,
passkey challenges. A crew id cannot contain `#`, so the reserved sort keys never collide with
an assignment."""

from __future__ import annotations

import re

from scc.errors import NotFound

Key = dict[str, str]

EVENT_SK = "#event"
WAIVER_PREFIX = "#waiver#"
SUBMISSION_PREFIX = "#submission#"  # a waiver form's one-time id (scc.store.markers)
NOTIFIED_PREFIX = "#notified#"  # a notice sent (scc.store.markers)
ROSTER = "#crew"
COUNTER_SK = "#counter"
CHALLENGE_SK = "#challenge"
BOATS = "#boats"  # the fleet: one item per boat, sort key its id (scc.store.boats)
BOAT_DAY_SK = "#day"
CALENDAR = "#calendar"  # a member's calendar link: its generation, and the link by its hash
# The by-date index: every trip record carries board = BOARD and board_sk = "<date>#<id>".
BY_DATE_INDEX = "by-date"
BOARD = "events"
TTL_ATTRIBUTE = "ttl"
KEY_ATTRIBUTES = ("eid", "crew_id")  # what a read projects to learn only whether an item exists

_WAIVER_ID = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-([0-9a-f]{12})")


def event(event_id: str) -> Key:
    """A trip's record."""
    return in_trip(event_id, EVENT_SK)


def in_trip(event_id: str, sort_key: str) -> Key:
    """An item of a trip's collection: a crew assignment (its sort key the crew id), a waiver…"""
    return {"eid": event_id, "crew_id": sort_key}


def board_sort_key(event_date: str, event_id: str) -> str:
    return f"{event_date}#{event_id}"


def board_position(event_id: str) -> dict[str, str]:
    """Where a trip's record stands in the board's index, as a Query's LastEvaluatedKey names
    it: the table's key and the index's (the date is the id's first 10 characters)."""
    return {
        **event(event_id),
        "board": BOARD,
        "board_sk": board_sort_key(event_id[:10], event_id),
    }


def waiver_sort_key(waiver_id: str) -> str:
    """`20261121T223714123Z-a1b2c3d4e5f6` -> `#waiver#2026-11-21T22:37:14.123Z#a1b2c3d4e5f6`."""
    m = _WAIVER_ID.fullmatch(waiver_id)
    if m is None:
        raise NotFound("There is no such waiver.")
    return f"{WAIVER_PREFIX}{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}.{m[7]}Z#{m[8]}"


def waiver(event_id: str, waiver_id: str) -> Key:
    return in_trip(event_id, waiver_sort_key(waiver_id))


def is_waiver(sort_key: str) -> bool:
    return sort_key.startswith(WAIVER_PREFIX)


def is_assignment(sort_key: str) -> bool:
    """Crew ids are the only sort keys in a trip's collection that do not start with `#`."""
    return not sort_key.startswith("#")


def submission(event_id: str, form_id: str) -> Key:
    return in_trip(event_id, SUBMISSION_PREFIX + form_id)


def notified(event_id: str, notice_key: str) -> Key:
    return in_trip(event_id, NOTIFIED_PREFIX + notice_key)


def member(crew_id: str) -> Key:
    """A member of the crew roster."""
    return {"eid": ROSTER, "crew_id": crew_id}


def boat(boat_id: str) -> Key:
    """A boat of the fleet."""
    return {"eid": BOATS, "crew_id": boat_id}


def boat_day(boat_id: str, day: str) -> Key:
    """A boat's day: which trip holds each of its periods (one boat, one place)."""
    return {"eid": f"#boat#{boat_id}#{day}", "crew_id": BOAT_DAY_SK}


def counter(scope: str, who: str, window: int) -> Key:
    """A fixed-window counter: one item per (scope, who, window number)."""
    return {"eid": f"#counter#{scope}#{who}#{window}", "crew_id": COUNTER_SK}


def challenge(challenge_id: str) -> Key:
    return {"eid": f"#challenge#{challenge_id}", "crew_id": CHALLENGE_SK}


def calendar_of(crew_id: str) -> Key:
    """A member's calendar link: which generation it is, and its hash."""
    return {"eid": CALENDAR, "crew_id": crew_id}


def calendar_link(link_hash: str) -> Key:
    """A calendar link by its hash (SHA-256 hex): whose feed it opens."""
    return {"eid": f"{CALENDAR}#{link_hash}", "crew_id": CALENDAR}


def is_trip_partition(eid: str) -> bool:
    """Whether a partition key is a trip's (not the roster's, a counter's or a challenge's)."""
    return not eid.startswith("#")
