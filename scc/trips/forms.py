"""Trip bodies as values: a new trip, an edit, a patron, a crew member, a check-in, a
cancellation, a reschedule. Each is read whole (every field's problem at once) before any rule
runs; no store here. The New trip and Edit dialogs' repeated rows arrive as the JSON body's
lists (trip_payload)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from flask import request

from scc import eventids, validation
from scc.errors import Invalid
from scc.models import CHECK_INS, CrewMember
from scc.money import parse_amount
from scc.trips.manifest_forms import PatronLine, at_least_shares, crew, patron_lines
from scc.web.forms import payload

FIELDS = ("event_id", "date", "name", "period", "title", "total", "rev", "confirm", "board", "boat")
PATRON_COLUMNS = ("patron_id", "name", "email", "phone", "amount_due", "party")
TYPED_COLUMNS = PATRON_COLUMNS[1:-1]  # a row with none of these typed is blank (party: 1)
PERIODS = ("morning", "afternoon", "sunset")
EDITABLE = {"title", "total", "patrons", "crew", "reminders_off", "rev", "confirm", "boat"}
LEDGER_FIELDS = {"paid_total", "payment_amount", "payments", "payment_cleared", "balance_due"}


def trip_payload() -> dict[str, Any]:
    """The body as JSON has it: the form's repeated patron and crew rows become the lists
    `patrons` and `crew` (blank rows left out)."""
    if request.is_json:
        return payload()
    form = request.form
    data: dict[str, Any] = {k: form[k] for k in FIELDS if k in form}
    if "patron_rows" in form:
        columns = [form.getlist(c if c == "patron_id" else f"patron_{c}") for c in PATRON_COLUMNS]
        rows = [
            dict(zip(PATRON_COLUMNS, r, strict=True)) for r in zip_longest(*columns, fillvalue="")
        ]
        data["patrons"] = [r for r in rows if any(r[c].strip() for c in TYPED_COLUMNS)]
    elif "patrons" in form:
        data["patrons"] = form["patrons"]  # not a list: the form says so
    if "crew_rows" in form:
        pairs = zip_longest(form.getlist("crew_id"), form.getlist("crew_role"), fillvalue="")
        data["crew"] = [{"crew_id": c, "role": r} for c, r in pairs if c.strip()]
    elif "crew" in form:
        data["crew"] = form["crew"]
    if "reminders" in form:  # the switch: a hidden "off", then the checkbox's "on" when checked
        data["reminders_off"] = form.getlist("reminders")[-1] == "off"
    return data


def confirmed(data: Mapping[str, Any]) -> bool:
    return data.get("confirm") in (True, "true", "on", "1", "yes")


def reminders_off(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(
            "reminders_off is true (no reminders for this trip) or false.", "reminders_off"
        )
    return value


# --- the parts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TripId:
    """A trip's id, made once: from date + name [+ period], or given whole (`event_id`)."""

    event_id: str
    day: date
    name: str  # the id's name part, slugged
    period: str | None

    def numbered(self, k: int) -> TripId:
        """The id beside it: the name numbered (captain-cory-2), same date and period."""
        name = f"{self.name}-{k}"
        return TripId(eventids.make(self.day, name, self.period), self.day, name, self.period)


def period(value: Any) -> str | None:
    """A period of the day (morning, afternoon, sunset, or another word), or None."""
    text = validation.text(value, "period", "The period", max_len=20, required=False)
    if not text or text.lower() == "none":
        return None
    slug = eventids.slug(text)
    if not slug:
        raise Invalid("The period needs letters or digits, e.g. afternoon.", "period")
    return slug


def trip_id(data: Mapping[str, Any]) -> TripId:
    """The id a new trip gets: an explicit event_id, or date + name [+ period] (each field's
    problem at once)."""
    if data.get("event_id") not in (None, ""):
        eid = eventids.check(data["event_id"])
        rest, _, last = eid[11:].rpartition("-")
        day = date.fromisoformat(eid[:10])
        return (
            TripId(eid, day, rest, last)
            if rest and last in PERIODS
            else TripId(eid, day, eid[11:], None)
        )
    errors = validation.FieldErrors()
    with errors.on("date"):
        day = validation.day(data.get("date"))
    with errors.on("name"):
        name = validation.text(data.get("name"), "name", "The trip name", max_len=40)
    with errors.on("period"):
        when = period(data.get("period"))
    errors.raise_if_any()
    eid = eventids.make(day, name, when)
    return TripId(eid, day, eid[11:].removesuffix(f"-{when}" if when else ""), when)


def total(value: Any) -> Decimal | None:
    """A total as typed (None: left empty, the patrons' shares are summed)."""
    return None if value in (None, "") else parse_amount(value, field="total", allow_zero=True)


def rev(data: Mapping[str, Any]) -> int | None:
    """The trip's version the editor read (`rev`), or None when they did not say."""
    value = data.get("rev")
    if value in (None, ""):
        return None
    text = (
        str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    )
    if not text.isdigit() or len(text) > 12 or not text.isascii():
        raise Invalid("rev must be the trip's version number, as read.", "rev")
    return int(text)


# --- the bodies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTrip:
    trip_id: TripId
    title: str
    total: Decimal | None
    patrons: list[PatronLine]
    crew: list[CrewMember]
    confirm: bool
    reminders_off: bool = False
    boat: str | None = None


def boat(value: Any) -> str | None:
    """The boat a trip goes out on (none: no boat)."""
    return None if value in (None, "") else validation.boat_id(value, "boat")


def new_trip(data: Mapping[str, Any]) -> NewTrip:
    """A new trip's body: its id, title, total, manifest and crew, every problem at once."""
    errors = validation.FieldErrors()
    with errors.on("date"):
        made = trip_id(data)
    with errors.on("title"):
        title = validation.text(data.get("title"), "title", "The title", required=False)
    with errors.on("patrons"):
        patrons = patron_lines(data.get("patrons"))
    with errors.on("crew"):
        members = crew(data.get("crew") or [])
    with errors.on("boat"):
        on = boat(data.get("boat"))
    with errors.on("total"):
        amount = total(data.get("total"))
        if amount is not None and "patrons" not in errors.messages:
            at_least_shares(amount, patrons)
    with errors.on("reminders_off"):
        off = reminders_off(data.get("reminders_off", False))
    errors.raise_if_any()
    return NewTrip(made, title, amount, patrons, members, confirmed(data), off, on)


@dataclass(frozen=True)
class TripEdit:
    """What an edit changes (None: left as it is); `total_given`: the body named the total."""

    title: str | None
    total: Decimal | None
    total_given: bool
    patrons: list[PatronLine] | None
    crew: list[CrewMember] | None
    rev: int | None
    confirm: bool
    reminders_off: bool | None = None
    boat: str | None = None
    boat_given: bool = False


def trip_edit(data: Mapping[str, Any]) -> TripEdit:
    """An edit's body: title, total, patrons, crew (what was paid is never written here)."""
    ledger = LEDGER_FIELDS & data.keys()
    if ledger:
        raise Invalid("Payments are recorded with Log Payment, not edited here.", sorted(ledger)[0])
    unknown = data.keys() - EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        allowed = ", ".join(sorted(EDITABLE - {"rev", "confirm"}))
        raise Invalid(f"{field} can't be changed; you can change {allowed}.", field)
    errors = validation.FieldErrors()
    with errors.on("rev"):
        seen = rev(data)
    with errors.on("title"):
        title = validation.text(data["title"], "title", "The title") if "title" in data else None
    with errors.on("crew"):
        members = crew(data["crew"]) if "crew" in data else None
    with errors.on("patrons"):
        patrons = patron_lines(data["patrons"]) if "patrons" in data else None
    with errors.on("total"):
        amount = total(data.get("total"))
    with errors.on("reminders_off"):
        off = reminders_off(data["reminders_off"]) if "reminders_off" in data else None
    with errors.on("boat"):
        on = boat(data.get("boat"))
    errors.raise_if_any()
    return TripEdit(
        title,
        amount,
        "total" in data,
        patrons,
        members,
        seen,
        confirmed(data),
        off,
        on,
        "boat" in data,
    )


@dataclass(frozen=True)
class Moving:
    """Where a reschedule takes a trip: a date, and a period (`period_given`: else kept)."""

    day: date
    period: str | None
    period_given: bool
    rev: int | None


def moving(data: Mapping[str, Any]) -> Moving:
    errors = validation.FieldErrors()
    with errors.on("date"):
        day = validation.day(data.get("date"))
    with errors.on("period"):
        when = period(data.get("period")) if "period" in data else None
    with errors.on("rev"):
        seen = rev(data)
    errors.raise_if_any()
    return Moving(day, when, "period" in data, seen)


@dataclass(frozen=True)
class Boarding:
    """A check-in: aboard, no_show, or None for clear (undo); confirm: aboard without a signed
    waiver is meant."""

    status: str | None
    confirm: bool


def check_in(data: Mapping[str, Any]) -> Boarding:
    status = data.get("status")
    if status not in (*CHECK_INS, "clear"):
        raise Invalid("The check-in status must be aboard, no_show or clear.", "status")
    return Boarding(None if status == "clear" else str(status), confirmed(data))


def reason(data: Mapping[str, Any]) -> str:
    return validation.text(data.get("reason"), "reason", "The reason", max_len=200)


@dataclass(frozen=True)
class DayCall:
    """The weather call on a day: why, where to (a reschedule's new date; None to cancel), and
    which trips (None: every scheduled trip that day)."""

    day: date
    reason: str
    to: date | None
    event_ids: list[str] | None


def day_call(day: str, data: Mapping[str, Any], *, moving: bool) -> DayCall:
    """A weather call's body: `reason` (required to cancel), `to` (required to move), optional
    `event_ids` (each a trip of that day)."""
    errors = validation.FieldErrors()
    with errors.on("date"):
        when = validation.day(day)
    with errors.on("reason"):
        why = validation.text(
            data.get("reason"), "reason", "The reason", max_len=200, required=not moving
        )
    with errors.on("to"):
        to = validation.day(data.get("to"), "to", "The new date") if moving else None
        if to is not None and to == when:
            raise Invalid("The new date is the day the trips already have.", "to")
    with errors.on("event_ids"):
        chosen = data.get("event_ids")
        if chosen is not None and (
            not isinstance(chosen, list)
            or len(chosen) > 50
            or not all(
                isinstance(e, str) and e[:10] == day and eventids.is_valid(e) for e in chosen
            )
        ):
            raise Invalid(f"event_ids must be a list of trips on {day}.", "event_ids")
    errors.raise_if_any()
    return DayCall(when, why, to, None if chosen is None else list(dict.fromkeys(chosen)))
