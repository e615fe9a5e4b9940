"""Boat bodies as values, every field's problem at once: a new boat, a boat's changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from scc import validation
from scc.models import Boat

MAX_CAPACITY = 149  # a passenger vessel of 150 or more is another class of certificate


def _name(value: Any) -> str:
    return validation.text(value, "name", "The boat's name", max_len=60)


def _capacity(value: Any) -> int:
    return validation.whole(value, "capacity", "The capacity", 1, MAX_CAPACITY)


def _notes(value: Any) -> str:
    return validation.text(value, "notes", "The notes", max_len=500, required=False, multiline=True)


def new_boat(data: Mapping[str, Any]) -> Boat:
    """A boat to add: its id, name, capacity (whole passengers) and notes."""
    errors = validation.FieldErrors()
    with errors.on("boat_id"):
        boat_id = validation.boat_id(data.get("boat_id"))
    with errors.on("name"):
        name = _name(data.get("name"))
    with errors.on("capacity"):
        capacity = _capacity(data.get("capacity"))
    with errors.on("notes"):
        notes = _notes(data.get("notes"))
    errors.raise_if_any()
    return Boat(boat_id=boat_id, name=name, capacity=capacity, notes=notes)


@dataclass(frozen=True)
class BoatChange:
    """What a boat's change sets (None: left as it is)."""

    name: str | None
    capacity: int | None
    notes: str | None
    active: bool | None

    def applied(self, boat: Boat) -> Boat:
        given = {k: v for k, v in vars(self).items() if v is not None}
        return replace(boat, **given)


def boat_change(data: Mapping[str, Any]) -> BoatChange:
    errors = validation.FieldErrors()
    given = {k: data.get(k) not in (None, "") for k in ("name", "capacity", "active")}
    with errors.on("name"):
        name = _name(data["name"]) if given["name"] else None
    with errors.on("capacity"):
        capacity = _capacity(data["capacity"]) if given["capacity"] else None
    with errors.on("notes"):
        notes = _notes(data["notes"]) if "notes" in data else None
    with errors.on("active"):
        active = validation.active(data["active"]) if given["active"] else None
    errors.raise_if_any()
    return BoatChange(name, capacity, notes, active)
