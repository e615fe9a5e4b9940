"""HTML remembered per stored version of an event.

A card is a function of the event record alone (and of the URL prefix its links carry), and
every write of the record gives it a fresh etag. So a card drawn once for an etag is reused until
the record changes: a warm process redraws only the cards that changed since it last drew them,
and the 50-card board costs one Query and fifty lookups. The whole board is remembered too, per
set of card versions, already encoded. Bounded (least recently used goes first) and per app;
records without an etag (written before etags) are always drawn afresh.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from flask import current_app, render_template, request
from markupsafe import Markup, escape

from scc.models import Event
from scc.store import to_event

SIZE = 512
BOARDS = 16  # a board is ~60 KB: a few per prefix, choice and crew member, not hundreds
CARD = "dispatch/_card.html"
BOARD = "dispatch/_board.html"

Key = tuple[tuple[str, ...], str, Hashable]


class Fragments:
    """A bounded map from (template, URL prefix, event id, etag) to rendered HTML, kept as UTF-8
    (what the response sends: encoding HTML that is not all ASCII costs more than a lookup).
    Lock-free: each dict operation is atomic, and losing a race only means drawing twice."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._html: OrderedDict[Key, bytes] = OrderedDict()

    def lookup(self, key: Key) -> bytes | None:
        html = self._html.get(key)
        if html is not None:
            try:
                self._html.move_to_end(key)
            except KeyError:  # noqa: SIM105 - dropped by another thread; suppress() costs more
                return html
        return html

    def keep(self, key: Key, html: bytes) -> bytes:
        self._html[key] = html
        while len(self._html) > self.size:
            try:
                self._html.popitem(last=False)
            except KeyError:
                break
        return html

    def get(self, key: Key | None, render: Callable[[], bytes]) -> bytes:
        if key is None:
            return render()
        html = self.lookup(key)
        return html if html is not None else self.keep(key, render())

    def __len__(self) -> int:
        return len(self._html)


def init_app(app: Any) -> None:
    app.extensions["scc.fragments"] = Fragments()
    app.extensions["scc.boards"] = Fragments(BOARDS)


def _fragments(name: str = "scc.fragments") -> Fragments:
    fragments: Fragments = current_app.extensions[name]
    return fragments


Context = Callable[[Event], dict[str, Any]]


def render_for(
    template: str,
    source: Event | dict[str, Any],
    *,
    context: Context | None = None,
    fill: dict[str, str] | None = None,
    vary: tuple[str, ...] = (),
) -> bytes:
    """Render a template about one event, from an Event or its typed record, reusing the HTML
    drawn for the same version of the record; UTF-8, ready to send.

    context: what else the template needs, worked out from the event only when drawing.
    fill: values that differ on every request (a fresh form id, who is signed in): drawn as
    slots, then put in, escaped, each time. vary: anything else the HTML depends on (the day).
    """
    fill = fill or {}
    slots = {name: f"\x00{name}\x00" for name in fill}  # text fields refuse control characters
    html = _render_all(template, [source], context, slots, vary)[0]
    for name, value in fill.items():
        html = html.replace(slots[name].encode(), str(escape(value)).encode())
    return html


def _render_all(
    template: str,
    sources: Sequence[Event | dict[str, Any]],
    context: Context | None = None,
    slots: dict[str, str] | None = None,
    vary: tuple[str, ...] = (),
) -> list[bytes]:
    fragments = _fragments()
    scope = (template, request.script_root, *vary)
    out = []
    for source in sources:  # the board's loop: kept to a few dict reads per card
        if isinstance(source, Event):
            key = (scope, source.event_id, source.etag) if source.etag else None
        else:
            tag = source.get("etag")  # a typed record: {"etag": {"S": "..."}}
            key = (scope, source["eid"]["S"], tag["S"]) if tag else None
        html = fragments.lookup(key) if key else None
        if html is None:
            event = source if isinstance(source, Event) else to_event(source)
            extra = context(event) if context else {}
            html = render_template(template, event=event, **extra, **(slots or {})).encode()
            if key:
                fragments.keep(key, html)
        out.append(html)
    return out


def card(source: Event | dict[str, Any]) -> bytes:
    """One event's card."""
    return render_for(CARD, source)


def cards(items: list[dict[str, Any]]) -> Markup:
    """The board's cards, one per typed record, in order."""
    # Each card is the output of an autoescaping template: already safe HTML.
    return Markup(b"\n".join(_render_all(CARD, items)).decode())  # noqa: S704


def board(items: list[dict[str, Any]], when: str, whens: tuple[str, ...], crew: str) -> bytes:
    """The whole board (tabs, cards, who is signed in) as UTF-8, remembered per URL prefix,
    choice, crew member and the version of every card on it: a warm board with nothing changed
    is one lookup. Kept encoded, because encoding ~60 KB that is not all ASCII costs more than
    the lookup. Any record without an etag means drawing it afresh."""
    try:  # each card's (event id, etag)
        versions = tuple([(item["eid"]["S"], item["etag"]["S"]) for item in items])
    except KeyError:
        versions = None
    key = None if versions is None else ((BOARD, request.script_root, when, crew), "", versions)

    def render() -> bytes:
        html = render_template(BOARD, cards=cards(items), when=when, whens=whens)
        return html.encode()

    return _fragments("scc.boards").get(key, render)
