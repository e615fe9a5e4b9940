"""The ledger's writes as update expressions: a payment, a void and a refund are each one
conditional UpdateItem whose condition holds its bounds and its idempotency key, so racing
writes on one patron never take net paid below zero or past what is owed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scc.models import Payment, Refund
from scc.money import ZERO
from scc.store.changes import Change, not_cancelled
from scc.store.items import payment_to_map, refund_to_map


def _ledger_names(patron_id: str, key: str) -> dict[str, str]:
    """The attribute names the ledger's writes use; the patron and payment ids are map keys."""
    return {
        "#pp": "patron_paid",
        "#pd": "patron_due",
        "#amt": "payment_amount",
        "#bal": "balance_due",
        "#p": patron_id,
        "#k": key,
    }


def payment(pay: Payment, *, most: int) -> Change:
    """Record a payment once: refused when its key was used already (idempotency), when it
    would take the trip or the patron's share past what is owed, when the trip already holds
    `most` payments, or when the trip is cancelled. patron_paid holds no entry for a patron
    who has paid nothing yet (it reads as 0.00): the first payment makes it."""
    return not_cancelled(
        Change(
            set=(
                "#pay.#p.#k = :rec",
                "#idx.#k = :pid",
                "#pp.#p = if_not_exists(#pp.#p, :zero) + :a",
                "#pd.#p = #pd.#p - :a",
                "#amt = #amt + :a",
                "#bal = #bal - :a",
            ),
            condition=(
                "attribute_not_exists(#idx.#k) AND attribute_exists(#pay.#p) "
                "AND #pd.#p >= :a AND #bal >= :a AND size(#idx) < :most"
            ),
            names={
                **_ledger_names(pay.patron_id, pay.payment_id),
                "#pay": "payments",
                "#idx": "payment_index",
            },
            values={
                ":rec": payment_to_map(pay),
                ":pid": pay.patron_id,
                ":a": pay.amount,
                ":zero": ZERO,
                ":most": most,
            },
        ).assign({"payment_timestamp": pay.timestamp, "payment_logged_by": pay.logged_by})
    )


def cleared() -> Change:
    """Set the stored payment_cleared, if the trip is still paid up when this lands."""
    paid_up = Change(condition="balance_due <= :zero", values={":zero": ZERO})
    return paid_up.assign({"payment_cleared": True})


def _money_back(amount: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The clauses that take an amount off what a patron (and the trip) has paid."""
    sets = (
        "#pp.#p = #pp.#p - :a",
        "#pd.#p = #pd.#p + :a",
        "#amt = #amt - :a",
        "#bal = #bal + :a",
        "payment_cleared = :f",
    )
    return sets, {":a": amount, ":f": False}


def void(pay: Payment, *, by: str, reason: str, at: str) -> Change:
    """Mark a payment voided (who, when, why); it stays in the ledger and the totals drop.
    Refused when money was refunded against it already (net paid would go below zero)."""
    sets, values = _money_back(pay.amount)
    return Change(
        set=(
            "#pay.#p.#k.voided = :t",
            "#pay.#p.#k.voided_by = :by",
            "#pay.#p.#k.voided_at = :now",
            "#pay.#p.#k.void_reason = :why",
            *sets,
        ),
        condition="#pay.#p.#k.voided = :f AND #pp.#p >= :a",
        names={**_ledger_names(pay.patron_id, pay.payment_id), "#pay": "payments"},
        values={**values, ":t": True, ":by": by, ":why": reason, ":now": at},
    )


def refund(back: Refund, *, most: int, seat: int | None = None, share: bool = False) -> Change:
    """Record money given back once: refused when its key was used already, when it is more
    than the patron's net paid (payments less voids and earlier refunds), or past `most`.

    With `back.lower_due` it is a discount: the trip's total goes down with what was paid, and
    so does the patron's share (`share`: they carry one), the manifest entry at `seat`, guarded
    as this patron's still; what they and the trip owe stays as it was. Else what was given back
    is owed again, on a trip that is not cancelled (on a cancelled one a refund only settles)."""
    names = {**_ledger_names(back.patron_id, back.refund_id), "#ref": "refunds"}
    condition = (
        "attribute_not_exists(#ref.#k) AND attribute_exists(#pp.#p) AND #pp.#p >= :a "
        "AND size(#ref) < :most"
    )
    values = {":rec": refund_to_map(back), ":most": most, ":a": back.amount}
    if not back.lower_due:
        back_sets, more = _money_back(back.amount)
        owed_again = Change(set=("#ref.#k = :rec", *back_sets), condition=condition, names=names)
        return not_cancelled(replace(owed_again, values={**values, **more}))
    if seat is None:
        raise ValueError("A refund that lowers the due is written knowing the patron's seat.")
    entry = f"#pats[{seat}]"
    sets = ["#ref.#k = :rec", "#pp.#p = #pp.#p - :a", "#amt = #amt - :a", "#tot = #tot - :a"]
    del names["#bal"]  # DynamoDB refuses a name the expression does not use
    if share:
        sets.append(f"{entry}.#ad = {entry}.#ad - :a")
        del names["#pd"]
    else:  # no share: their headroom stays the sentinel less what they paid (items.due_map)
        sets.append("#pd.#p = #pd.#p + :a")
    names |= {"#pats": "patrons", "#pid": "patron_id", "#ad": "amount_due", "#tot": "total"}
    seated = f"{entry}.#pid = :pid AND attribute_{'' if share else 'not_'}exists({entry}.#ad)"
    return Change(
        set=tuple(sets),
        condition=f"{condition} AND {seated}",
        names=names,
        values={**values, ":pid": back.patron_id},
    )
