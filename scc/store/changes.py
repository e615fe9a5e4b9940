"""What each write of a trip does to its record, as DynamoDB expressions: the one place they are
written (the ledger's writes, payments, voids and refunds, are in scc.store.ledger_changes). A
Change is an UpdateItem's clauses (or a Put's condition); a TripChange is a change to a trip,
which scc.store.trips.change writes with its version bump and its activity entries."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from scc.errors import Contended
from scc.models import CANCELLED, Cancellation, CheckIn, Entry, Event
from scc.money import to_cents
from scc.store.items import contacts_map, due_map, paid_map, patron_to_map, serialize
from scc.store.keys import EVENT_SK


@dataclass(frozen=True)
class Change:
    """One UpdateItem: SET, ADD and REMOVE clauses, the condition it relies on, and the names
    and (plain Python) values they use."""

    set: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    condition: str = ""
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def also(
        self,
        condition: str,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Change:
        """The same change, only if `condition` holds as well as its own condition; `names` and
        `values` are what `condition` uses."""
        both = f"({condition}) AND ({self.condition})" if self.condition else condition
        return replace(
            self,
            condition=both,
            names={**self.names, **(names or {})},
            values={**self.values, **(values or {})},
        )

    def assign(self, attributes: Mapping[str, Any]) -> Change:
        """The same change, also setting each of these top-level attributes to its value."""
        names = {f"#set{n}": name for n, name in enumerate(attributes)}
        values = {f":set{n}": value for n, value in enumerate(attributes.values())}
        return replace(
            self,
            set=(*self.set, *(f"{k} = :{k[1:]}" for k in names)),
            names={**self.names, **names},
            values={**self.values, **values},
        )

    def request(self) -> dict[str, Any]:
        """The UpdateItem parameters (Key and TableName aside)."""
        clauses = [
            f"{verb} {', '.join(parts)}"
            for verb, parts in (("SET", self.set), ("ADD", self.add), ("REMOVE", self.remove))
            if parts
        ]
        return {"UpdateExpression": " ".join(clauses), **self.check()}

    def check(self) -> dict[str, Any]:
        """The condition's parameters alone (a Put's, or a ConditionCheck's); a refusal carries
        the item as it was, which the repositories read to say what it means."""
        params: dict[str, Any] = {}
        if self.condition:
            params["ConditionExpression"] = self.condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        if self.names:
            params["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            params["ExpressionAttributeValues"] = serialize(self.values)
        return params


@dataclass(frozen=True)
class Guard:
    """A write that goes with a trip's write in its transaction (a ConditionCheck or an Update
    of another item, e.g. its boat's), and what its refusal means, given that item as it was
    (when DynamoDB returned it)."""

    request: dict[str, Any]
    refused: Callable[[dict[str, Any] | None], Exception]


@dataclass(frozen=True)
class TripChange:
    """A change to a trip's record: what it writes, the activity entries it writes with itself,
    the version it was computed from (`rev`: the write holds only while the trip is still at
    it; None: whatever its version), and what a refusal of `update`'s own condition means: given
    the trip as it was, the error to raise, unless `done` says the trip is already as the change
    would make it (then nothing is written and that is the answer)."""

    update: Change
    entries: tuple[Entry, ...]
    rev: int | None = None
    refused: Callable[[Event], Exception] = lambda _: Contended()
    done: Callable[[Event], bool] = lambda _: False


def not_cancelled(change: Change) -> Change:
    """The change, only while the trip is not cancelled."""
    return change.also(
        "attribute_not_exists(#st) OR #st <> :cancelled",
        {"#st": "status"},
        {":cancelled": CANCELLED},
    )


def moved_out(rev: int) -> Change:
    """A rescheduled trip's record becomes a pointer to its new id: only at the version read
    (rev) and if it is not a pointer already. (A condition for the pointer's Put.)"""
    return Change(
        condition="attribute_not_exists(#moved) AND #rev = :rev",
        names={"#moved": "moved_to", "#rev": "rev"},
        values={":rev": rev},
    )


def moved_in(old_id: str) -> Change:
    """A rescheduled trip's record goes to a free id, or to one of its own earlier ids, whose
    pointer (to old_id, where the trip is now) gives way. (A condition for the record's Put.)"""
    return Change(
        condition="attribute_not_exists(eid) OR #moved = :old",
        names={"#moved": "moved_to"},
        values={":old": old_id},
    )


def trim_activity(count: int, rev: int) -> Change:
    """Drop the oldest `count` entries but the first (created), counting them as folded; only if
    nothing was written since (rev). Not a change to the trip: no version bump, no entry."""
    return Change(
        set=("#folded = if_not_exists(#folded, :zero) + :n",),
        remove=tuple(f"#act[{i}]" for i in range(1, count + 1)),
        condition="#rev = :seen",
        names={"#folded": "activity_folded", "#act": "activity", "#rev": "rev"},
        values={":zero": 0, ":n": count, ":seen": rev},
    )


# The maps a trip's writes set entries inside (DynamoDB refuses a path into a missing map).
TRIP_MAPS = (
    "payments", "payment_index", "patron_paid", "patron_due", "refunds", "waiver_by_patron",
    "waivers_unmatched", "check_in", "reminders",
)  # fmt: skip

_MAP_NAMES = {f"#m{n}": name for n, name in enumerate(TRIP_MAPS)}


def missing_maps() -> dict[str, Any]:
    """A Scan's filter for the trip records (not pointers) lacking one of TRIP_MAPS: written
    before they existed."""
    lacking = " OR ".join(f"attribute_not_exists({k})" for k in _MAP_NAMES)
    return {
        "FilterExpression": f"crew_id = :event AND attribute_not_exists(#moved) AND ({lacking})",
        "ExpressionAttributeNames": {**_MAP_NAMES, "#moved": "moved_to"},
        "ExpressionAttributeValues": serialize({":event": EVENT_SK}),
    }


def add_missing_maps() -> Change:
    """Give a trip's record written before TRIP_MAPS existed each of them, empty; a map it has
    is kept as it is. Not a change to the trip: no version bump, no activity entry."""
    return Change(
        set=tuple(f"{k} = if_not_exists({k}, :empty)" for k in _MAP_NAMES),
        condition="attribute_exists(eid) AND attribute_not_exists(#moved)",
        names={**_MAP_NAMES, "#moved": "moved_to"},
        values={":empty": {}},
    )


def waiver_signed(
    waiver_id: str, signer: str, patron_ids: Sequence[str], *, most_unmatched: int
) -> Change:
    """Count one more signed waiver, and mark the patrons it covers (or note that it covers
    nobody on the manifest: refused when `most_unmatched` such signers are noted already)."""
    if not patron_ids:
        return Change(
            set=("#wu.#wk = :signer",),
            add=("waivers_signed :one",),
            condition="size(#wu) < :most",
            names={"#wu": "waivers_unmatched", "#wk": waiver_id},
            values={":one": 1, ":signer": signer, ":most": most_unmatched},
        )
    patrons = {f"#wp{n}": patron_id for n, patron_id in enumerate(patron_ids)}
    return Change(
        set=tuple(f"#wv.{name} = :wid" for name in patrons),
        add=("waivers_signed :one",),
        names={"#wv": "waiver_by_patron", **patrons},
        values={":one": 1, ":wid": waiver_id},
    )


def check_in(patron_id: str, record: CheckIn | None, *, signed: bool = False) -> Change:
    """Mark a patron aboard or a no-show (None: clear it), if they are on the manifest (every
    patron on it has an entry in patron_due, their headroom or NO_SHARE_HEADROOM) and not so
    already: the same state twice (a double tap, a write sent again) is written once. signed:
    only if a signed waiver is matched to them."""
    if signed and record is not None:
        change = check_in(patron_id, record)
        return change.also("attribute_exists(#wv.#p)", {"#wv": "waiver_by_patron"})
    names = {"#ci": "check_in", "#p": patron_id, "#pd": "patron_due"}
    if record is None:
        return Change(
            remove=("#ci.#p",),
            condition="attribute_exists(#pd.#p) AND attribute_exists(#ci.#p)",
            names=names,
        )
    return Change(
        set=("#ci.#p = :rec",),
        condition="attribute_exists(#pd.#p) AND "
        "(attribute_not_exists(#ci.#p) OR #ci.#p.#status <> :status)",
        names={**names, "#status": "status"},
        values={":rec": asdict(record), ":status": record.status},
    )


def cancel(cancellation: Cancellation) -> Change:
    """Cancel the trip (who, when, why); nothing else changes."""
    return not_cancelled(Change().assign({"status": CANCELLED, "cancelled": asdict(cancellation)}))


def edit(
    old: Event,
    new: Event,
    matched: tuple[dict[str, str], dict[str, str]] | None = None,
) -> Change:
    """Write an edited trip's fields (the caller guards it by the rev `old` was read at).

    The ledger's own maps follow the manifest: a new patron gets an empty ledger and a share's
    headroom; a removed one (never one who has paid) loses theirs, and their check-in. Amounts
    paid are not touched. `matched`: the waivers matched to the new manifest (scc.matching)."""
    removed = {p.patron_id for p in old.patrons} - {p.patron_id for p in new.patrons}
    added = [p.patron_id for p in new.patrons if old.patron(p.patron_id) is None]
    fields: dict[str, Any] = {
        "title": new.title,
        "total": to_cents(new.total),
        "patrons": [patron_to_map(p) for p in new.patrons],
        "contacts": contacts_map(new.patrons),
        "crew": [asdict(c) for c in new.crew],
        "patron_paid": paid_map(new),
        "patron_due": due_map(new),
        "balance_due": new.balance_due,
        "payment_cleared": new.payment_cleared,
        "reminders_off": new.reminders_off,
    }
    sets: list[str] = []
    values: dict[str, Any] = {}
    names = {} if new.boat else {"#boat": "boat", "#hc": "headcount"}
    removes = [] if new.boat else ["#boat", "#hc"]
    if new.boat:  # the headcount is kept beside the boat, for the boat's own checks
        fields |= {"boat": new.boat, "headcount": new.headcount}
    if matched is not None:
        fields |= {"waiver_by_patron": matched[0], "waivers_unmatched": matched[1]}
    # DynamoDB refuses names and values an expression does not use: each is added with its use.
    for n, patron_id in enumerate(added):
        # if_not_exists: a ledger on record is never written over (scc.trips keeps the ids
        # of removed patrons with payments from newcomers; this holds even if it did not)
        sets.append(f"#pay.#new{n} = if_not_exists(#pay.#new{n}, :empty)")
        names |= {"#pay": "payments", f"#new{n}": patron_id}
        values[":empty"] = {}
    for n, patron_id in enumerate(sorted(removed)):
        gone = f"#gone{n}"
        if not old.payments_of(patron_id):  # voided or refunded payments stay on record
            removes.append(f"#pay.{gone}")
            names |= {"#pay": "payments", gone: patron_id}
        if patron_id in old.check_ins:
            removes.append(f"#ci.{gone}")
            names |= {"#ci": "check_in", gone: patron_id}
    change = Change(set=tuple(sets), remove=tuple(removes), names=names, values=values)
    return change.assign(fields)
