"""The Edit dialog after a save refused as stale (the trip changed since the copy the form was
drawn from): the editor's changes over the trip as it is now, and what others did meanwhile.

The form carries its copy back (rev, activity count, fields as drawn: `Drawn`); a field or row
the editor left as drawn shows as it is now, one they changed shows as they typed it, a row they
removed stays out and a row others added comes in. Nothing here is written: the editor saves
again, and the usual checks run then."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scc.activity import ACTIONS, ago, readable
from scc.models import Event
from scc.store.gateway import Store
from scc.trips import dialogs

SCALARS = ("title", "total", "reminders_off", "boat")
ROWS = {"patrons": "patron_id", "crew": "crew_id"}


@dataclass(frozen=True)
class Drawn:
    """What the Edit form says of the copy it was drawn from: its rev, how many activity entries
    it had, and its fields. Each None (or empty) when missing or ill-formed: only what the
    dialog shows depends on them, so they are never refused."""

    rev: int | None = None
    seen: int | None = None
    copy: dict[str, Any] = field(default_factory=dict)

    def kept(self) -> dict[str, Any]:
        """The form's hidden fields as they came (an edit refused for its input keeps them)."""
        return {"rev": self.rev, "seen": self.seen, "drawn": self.copy or None}


def _count(value: object) -> int | None:
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isdigit() and text.isascii() and len(text) <= 12 else None


def drawn(form: Mapping[str, Any]) -> Drawn:
    """Read from the Edit form's hidden fields `rev`, `seen` and `copy` (JSON)."""
    try:
        copy = json.loads(form.get("copy") or "{}")
    except ValueError:
        copy = {}
    return Drawn(_count(form.get("rev")), _count(form.get("seen")), _shape(copy))


def _shape(copy: object) -> dict[str, Any]:
    """The copy's fields, only those in the shape the form drew (anything else: not drawn)."""
    if not isinstance(copy, dict):
        return {}
    shaped = {k: copy[k] for k in SCALARS if isinstance(copy.get(k), str | bool)}
    for key, id_key in ROWS.items():
        rows = copy.get(key)
        if isinstance(rows, list) and all(
            isinstance(r, dict) and isinstance(r.get(id_key), str) for r in rows
        ):
            shaped[key] = rows
    return shaped


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(str(a.get(k, "")).strip() == str(b.get(k, "")).strip() for k in {*a, *b})


def _rows(was: Sequence[Any], typed: Sequence[Any], now: Sequence[Any], key: str) -> list[Any]:
    """Rows (patrons by id, crew by crew id): each as typed where the editor changed or added
    it, as it is now where they left it as drawn (gone if others removed it); rows others
    added after them."""
    before = {r[key]: r for r in was}
    current = {r[key]: r for r in now}
    merged, seen = [], set()
    for row in typed:
        rid = row.get(key) or ""
        seen.add(rid)
        if rid in before and _same(row, before[rid]):
            merged += [current[rid]] if rid in current else []
        else:
            merged.append(row)
    return merged + [r for rid, r in current.items() if rid not in before and rid not in seen]


def merge(
    was: Mapping[str, Any], typed: Mapping[str, Any], now: Mapping[str, Any]
) -> dict[str, Any]:
    """The editor's changes (typed, against the copy `was`) over the trip as it is now; what
    the copy does not say is taken as typed."""
    merged = dict(typed)
    for k in SCALARS:
        if k in was and k in typed and str(typed[k]) == str(was[k]):
            merged[k] = now[k]
    for k, id_key in ROWS.items():
        if k in was and isinstance(typed.get(k), list):
            merged[k] = _rows(was[k], typed[k], now[k], id_key)
    return merged


def changed_since(event: Event, count: int | None, rev: int | None) -> list[str]:
    """What was done to the trip since an editor's copy, oldest first, each as "who, when: what":
    exactly the entries after the `count` their copy had; without it, the last entry of each
    version since their `rev` (each change writes at least one); else the last change."""
    if count is not None:
        new = dialogs.activity_count(event) - count
    elif rev is not None:
        new = event.rev - rev
    else:
        new = 1
    entries = event.activity[-new:] if new > 0 else event.activity[-1:]
    names = {p.patron_id: p.name for p in event.patrons}
    return [
        f"{e.by}, {ago(e.at)}: {ACTIONS.get(e.action, e.action)} · {readable(e, names)}"
        for e in entries
    ]


def context(store: Store, event: Event, typed: Mapping[str, Any], form: Drawn) -> dict[str, Any]:
    """The Edit dialog drawn again after a stale save: the editor's changes over the trip as it
    is now (its rev and copy, so saving again works), and what others changed since."""
    shown = merge(form.copy, typed, dialogs.drawn_from(event))
    return {
        **dialogs.edit_context(store, event, shown),
        "changed": changed_since(event, form.seen, form.rev),
    }
