"""What each write does to an item, as DynamoDB update expressions: the one place they are
written. A Change is sent by the Store (update_event / update / transact)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from scc.models import Event, Payment
from scc.money import ZERO, to_cents
from scc.store.items import NO_SHARE_HEADROOM, patron_to_map, payment_to_map, serialize


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

    def on_trip(self) -> Change:
        """The same change to a trip's record: the record must exist and its version goes up."""
        condition = "attribute_exists(eid)" + (f" AND ({self.condition})" if self.condition else "")
        return replace(
            self,
            set=(*self.set, "#rev = #rev + :rev_step"),
            condition=condition,
            names={**self.names, "#rev": "rev"},
            values={**self.values, ":rev_step": 1},
        )

    def request(self) -> dict[str, Any]:
        """The UpdateItem parameters (Key and TableName aside)."""
        clauses = [
            f"{verb} {', '.join(parts)}"
            for verb, parts in (("SET", self.set), ("ADD", self.add), ("REMOVE", self.remove))
            if parts
        ]
        params: dict[str, Any] = {"UpdateExpression": " ".join(clauses)}
        if self.condition:
            params["ConditionExpression"] = self.condition
        if self.names:
            params["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            params["ExpressionAttributeValues"] = serialize(self.values)
        return params


def _ledger_names(patron_id: str, payment_id: str) -> dict[str, str]:
    """The attribute names both ledger writes use; the patron and payment ids are map keys."""
    return {
        "#pay": "payments",
        "#pp": "patron_paid",
        "#pd": "patron_due",
        "#amt": "payment_amount",
        "#bal": "balance_due",
        "#p": patron_id,
        "#k": payment_id,
    }


def payment(pay: Payment, *, most: int) -> Change:
    """Record a payment once: refused when its key was used already (idempotency), when it
    would take the trip or the patron's share past what is owed, or when the trip already holds
    `most` payments."""
    return Change(
        set=(
            "#pay.#p.#k = :rec",
            "#idx.#k = :pid",
            "#pp.#p = #pp.#p + :a",
            "#pd.#p = #pd.#p - :a",
            "#amt = #amt + :a",
            "#bal = #bal - :a",
            "#ts = :now",
            "#by = :by",
        ),
        condition=(
            "attribute_not_exists(#idx.#k) AND attribute_exists(#pay.#p) "
            "AND #pd.#p >= :a AND #bal >= :a AND size(#idx) < :most"
        ),
        names={
            **_ledger_names(pay.patron_id, pay.payment_id),
            "#idx": "payment_index",
            "#ts": "payment_timestamp",
            "#by": "payment_logged_by",
        },
        values={
            ":rec": payment_to_map(pay),
            ":pid": pay.patron_id,
            ":a": pay.amount,
            ":now": pay.timestamp,
            ":by": pay.logged_by,
            ":most": most,
        },
    )


def cleared() -> Change:
    """Set the stored payment_cleared, if the trip is still paid up when this lands."""
    return Change(
        set=("payment_cleared = :t",),
        condition="balance_due <= :zero",
        values={":t": True, ":zero": ZERO},
    )


def void(pay: Payment, *, by: str, reason: str, at: str) -> Change:
    """Mark a payment voided (who, when, why); it stays in the ledger and the totals drop."""
    return Change(
        set=(
            "#pay.#p.#k.voided = :t",
            "#pay.#p.#k.voided_by = :by",
            "#pay.#p.#k.voided_at = :now",
            "#pay.#p.#k.void_reason = :why",
            "#pp.#p = #pp.#p - :a",
            "#pd.#p = #pd.#p + :a",
            "#amt = #amt - :a",
            "#bal = #bal + :a",
            "payment_cleared = :f",
        ),
        condition="#pay.#p.#k.voided = :f",
        names=_ledger_names(pay.patron_id, pay.payment_id),
        values={
            ":a": pay.amount,
            ":t": True,
            ":f": False,
            ":by": by,
            ":why": reason,
            ":now": at,
        },
    )


def waiver_signed() -> Change:
    """Count one more signed waiver on the trip."""
    return Change(add=("waivers_signed :one",), values={":one": 1})


def edit(old: Event, new: Event) -> Change:
    """Write an edited trip's fields, if nobody changed it since `old` was read (rev guard).

    The ledger's own maps follow the manifest: a new patron gets an empty ledger and a share's
    headroom; a removed one (never one who has paid) loses theirs. Amounts paid are not touched.
    """
    removed = {p.patron_id for p in old.patrons} - {p.patron_id for p in new.patrons}
    added = [p.patron_id for p in new.patrons if old.patron(p.patron_id) is None]
    names = {"#seen": "rev", "#total": "total"}
    values: dict[str, Any] = {
        ":title": new.title,
        ":total": to_cents(new.total),
        ":patrons": [patron_to_map(p) for p in new.patrons],
        ":crew": [asdict(c) for c in new.crew],
        ":paid": {p.patron_id: new.paid_by(p.patron_id) for p in new.patrons},
        ":due": {
            p.patron_id: NO_SHARE_HEADROOM
            if p.amount_due is None
            else to_cents(p.amount_due - new.paid_by(p.patron_id))
            for p in new.patrons
        },
        ":balance": new.balance_due,
        ":cleared": new.payment_cleared,
        ":seen": old.rev,
    }
    sets = [
        "title = :title",
        "#total = :total",
        "patrons = :patrons",
        "crew = :crew",
        "patron_paid = :paid",
        "patron_due = :due",
        "balance_due = :balance",
        "payment_cleared = :cleared",
    ]
    for n, patron_id in enumerate(added):
        names[f"#new{n}"] = patron_id
        sets.append(f"#pay.#new{n} = :empty")
    removes = []
    for n, patron_id in enumerate(sorted(removed)):
        names[f"#gone{n}"] = patron_id
        removes.append(f"#pay.#gone{n}")
    if added or removed:  # DynamoDB refuses names and values an expression does not use
        names["#pay"] = "payments"
    if added:
        values[":empty"] = {}
    return Change(
        set=tuple(sets),
        remove=tuple(removes),
        condition="#seen = :seen",
        names=names,
        values=values,
    )
