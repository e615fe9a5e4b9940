"""HTML remembered per stored version of an event.

A card is a function of the event record alone (and of the URL prefix its links carry), and
every write of the record gives it a fresh etag. So a card drawn once for an etag is reused until
the record changes: a warm process redraws only the cards that changed since it last drew them,
and the 50-card board costs one Query and fifty lookups. Bounded (least recently used goes
first) and per app; records without an etag (written before etags) are always drawn afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app, render_template, request
from markupsafe import Markup

from scc.models import Event
from scc.store import item_version, to_event

SIZE = 512
CARD = "dispatch/_card.html"

Key = tuple[str, ...]


class Fragments:
    """A bounded map from (template, URL prefix, event id, etag) to rendered HTML."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._html: OrderedDict[Key, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key | None, render: Callable[[], Markup]) -> Markup:
        if key is None:
            return render()
        with self._lock:
            html = self._html.get(key)
            if html is not None:
                self._html.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._html[key] = html
            while len(self._html) > self.size:
                self._html.popitem(last=False)
        return html

    def __len__(self) -> int:
        return len(self._html)


def init_app(app: Any) -> None:
    app.extensions["scc.fragments"] = Fragments()


def _fragments() -> Fragments:
    fragments: Fragments = current_app.extensions["scc.fragments"]
    return fragments


def render_for(template: str, source: Event | dict[str, Any], **context: Any) -> Markup:
    """Render a template about one event, from an Event or its typed record, reusing the HTML
    drawn for the same version of the record."""
    return _render_all(template, [source], context)[0]


def _render_all(
    template: str, sources: list[Event | dict[str, Any]], context: dict[str, Any]
) -> list[Markup]:
    fragments, prefix = _fragments(), request.script_root
    out = []
    for source in sources:
        if isinstance(source, Event):
            version = (source.event_id, source.etag) if source.etag else None
        else:
            version = item_version(source)

        def render(source: Event | dict[str, Any] = source) -> Markup:
            event = source if isinstance(source, Event) else to_event(source)
            # The output of an autoescaping template: already safe HTML.
            return Markup(render_template(template, event=event, **context))  # noqa: S704

        out.append(fragments.get((template, prefix, *version) if version else None, render))
    return out


def card(source: Event | dict[str, Any]) -> Markup:
    """One event's card."""
    return render_for(CARD, source)


def cards(items: list[dict[str, Any]]) -> Markup:
    """The board's cards, one per typed record, in order."""
    return Markup("\n").join(_render_all(CARD, list(items), {}))


def tabs(when: str, whens: tuple[str, ...]) -> Markup:
    """The board's filter tabs (the same for everyone, so drawn once per choice)."""
    key = ("dispatch/_tabs.html", request.script_root, when)

    def render() -> Markup:
        html = render_template("dispatch/_tabs.html", when=when, whens=whens)
        return Markup(html)  # noqa: S704 - the output of an autoescaping template

    return _fragments().get(key, render)
