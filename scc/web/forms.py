"""Reading a request's body: JSON or a form, never a 500 whatever arrives."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import request

from scc.errors import Invalid, SCCError

MAX_DEPTH = 8  # SCC's bodies nest three deep at most (a trip's patrons); refuse far deeper


def _depth(value: Any, limit: int) -> int:
    """How deep a parsed JSON value nests, counting no further than limit."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(child, limit - 1) for child in children), default=0)


def payload() -> dict[str, Any]:
    """The request body as a dict, from JSON or a form (none: no fields); JSON that can't be
    read is a 400."""
    if not request.is_json:
        return request.form.to_dict(flat=True)
    raw = request.get_data(cache=True)
    if not raw.strip():  # a JSON request with nothing to say (a DELETE, say) has no fields
        return {}
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)  # 125.5 stays exact: Decimal
    except (UnicodeDecodeError, RecursionError, ValueError):
        raise SCCError("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object with named fields.")
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise Invalid("The request body nests too deeply.")
    return data
