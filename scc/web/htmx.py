"""htmx helpers: tell htmx requests apart, merge HX-Trigger events, retarget."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request


def is_htmx() -> bool:
    """Tell whether the request came from htmx (and wants a fragment)."""
    return request.environ.get("HTTP_HX_REQUEST") == "true"


def trigger(
    response: Response, name: str, detail: Any = None, header: str = "HX-Trigger"
) -> Response:
    """Add an event to HX-Trigger (or HX-Trigger-After-Settle, for an event that must wait for
    the swap: htmx runs HX-Trigger's before it resolves HX-Retarget), merging with any there."""
    current = response.headers.get(header)
    events: dict[str, Any] = {}
    if current:
        try:
            loaded = json.loads(current)
            events = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            events = {n.strip(): None for n in current.split(",") if n.strip()}
    events[name] = detail
    response.headers[header] = json.dumps(events)
    return response


def retarget(response: Response, selector: str, swap: str = "innerHTML") -> Response:
    """Send the response somewhere other than the element that asked."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response
