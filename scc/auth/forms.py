"""Roster and sign-in bodies as values, every field's problem at once: a new member, a member's
changes, a sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scc import validation
from scc.errors import Invalid
from scc.models import ROLES, Member

RESERVED_IDS = frozenset({"enroll", "me"})  # /api/crew/enroll…, /api/crew/me/… are routes


def _name(value: Any) -> str:
    return validation.text(value, "name", "The name", max_len=80)


def _role(value: Any) -> str:
    if value not in ROLES:
        raise Invalid("The role must be owner or crew.", "role")
    return str(value)


def new_member(data: Mapping[str, Any]) -> Member:
    """A member to add: crew id (not one of the app's own words), name, role, contact."""
    errors = validation.FieldErrors()
    with errors.on("crew_id"):
        crew_id = validation.crew_id(data.get("crew_id"))
        if crew_id in RESERVED_IDS:
            raise Invalid(f"{crew_id} is a word the app uses; choose another crew id.", "crew_id")
    with errors.on("name"):
        name = _name(data.get("name"))
    with errors.on("role"):
        role = _role(data.get("role") or "crew")
    with errors.on("email"):
        email = validation.email(data.get("email"))
    with errors.on("phone"):
        phone = validation.phone(data.get("phone"))
    errors.raise_if_any()
    return Member(crew_id=crew_id, name=name, role=role, email=email, phone=phone)


@dataclass(frozen=True)
class MemberChange:
    """What a roster change sets (None: left as it is)."""

    name: str | None
    role: str | None
    active: bool | None


def member_change(data: Mapping[str, Any]) -> MemberChange:
    errors = validation.FieldErrors()
    given = {k: data.get(k) not in (None, "") for k in ("name", "role", "active")}
    with errors.on("name"):
        name = _name(data["name"]) if given["name"] else None
    with errors.on("role"):
        role = _role(data["role"]) if given["role"] else None
    with errors.on("active"):
        active = validation.active(data["active"]) if given["active"] else None
    errors.raise_if_any()
    return MemberChange(name, role, active)


def sign_in(data: Mapping[str, Any]) -> tuple[str | None, Any]:
    """A sign-in's crew id (None when it is not one: the attempt still counts) and password."""
    crew, password = data.get("crew_id"), data.get("password")
    missing = [f for f, v in (("crew_id", crew), ("password", password)) if v in (None, "")]
    if missing:
        label = "your crew id" if missing[0] == "crew_id" else "the password"
        raise Invalid(f"Please enter {label}.", missing[0])
    try:
        return validation.crew_id(crew), password
    except Invalid:
        return None, password


def credential(value: Any) -> dict[str, Any]:
    """A browser's passkey answer (PublicKeyCredential as JSON): an object, before py_webauthn
    reads it."""
    if not isinstance(value, dict) or not isinstance(value.get("response"), dict):
        raise Invalid(
            "The passkey answer was not understood; please try adding the passkey again.",
            "credential",
        )
    return value
