"""DynamoDB calls per action and bytes on a phone's connection, read off the recording
(bench.recording): every figure is what lambda_entry.handler actually did and sent."""

from __future__ import annotations

import gzip
import json
import re
from base64 import b64decode
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bench.common import Budget, table
from bench.recording import body_of, text_of

# action -> the most DynamoDB calls it may make (docs/PERFORMANCE.md "Budgets"). Every write
# also asks the roster first whether its author may still write (crew accounts: a deactivated
# member's next write fails at once), one GetItem; a write whose guard needs what was read (the
# rev an edit names, the payment a void strikes) reads the trip once more.
ROSTER_CHECK = 1
CALLS = {
    "session check (a bad id)": 0,
    "board": 1,
    "card": 1,
    "modal": 1,
    "log payment": ROSTER_CHECK + 1,
    "edit": ROSTER_CHECK + 1 + 1,
    "void": ROSTER_CHECK + 1 + 1,
    "waiver page": 1,
    "waiver sign": 2,
}
FIRST_LOAD = 25_000
BOARD_GZIPPED = 15_000
BOARD_QUERY = 40_000


def dynamodb_number(text: str) -> str:
    """A number as DynamoDB sends it back: "Leading and trailing zeroes are trimmed" (the
    developer guide, Naming rules and data types, "Number"): 150.00 -> 150, 75.50 -> 75.5,
    0.00 -> 0. moto answers with the string as it was written."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return "0" if number.is_zero() else format(number.normalize(), "f")


def as_dynamodb_sends(value: Any) -> Any:
    """A DynamoDB JSON answer (parsed) with every number (N, and each of an NS) trimmed. A type
    descriptor's value is a string (N) or a list (NS); an attribute named N or NS holds a map."""
    if isinstance(value, list):
        return [as_dynamodb_sends(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, inner in value.items():
        if key == "N" and isinstance(inner, str):
            out[key] = dynamodb_number(inner)
        elif key == "NS" and isinstance(inner, list):
            out[key] = [dynamodb_number(n) for n in inner]
        else:
            out[key] = as_dynamodb_sends(inner)
    return out


def compact(value: Any) -> int:
    """Bytes of a JSON value as DynamoDB writes it: no spaces after separators."""
    return len(json.dumps(value, separators=(",", ":")).encode())


def first_load(recording: dict[str, Any]) -> int:
    """The shell as sent, plus every file it links, gzipped as CloudFront serves them from S3."""
    from scc.web.assets import STATIC, hashed_files

    shell = body_of(recording["shell"]["response"])
    page = text_of(recording["shell"]["response"])
    names = hashed_files()
    linked = re.findall(rb'(?:href|src)="/static/([^"]+)"', page)
    total = len(shell)
    for name in linked:
        data = (Path(STATIC) / names[name.decode()]).read_bytes()
        total += len(gzip.compress(data))
    return total


def run(recording: dict[str, Any]) -> tuple[str, list[Budget]]:
    rows, budgets = [], []
    for action, most in CALLS.items():
        operations = [c["operation"] for c in recording[action]["calls"]]
        rows.append([action, " + ".join(operations) or "none", str(len(operations)), f"<= {most}"])
        budgets.append(Budget(f"DynamoDB calls: {action}", len(operations), most))
    board = recording["board"]
    answer = b64decode(board["calls"][0]["body"])
    # As DynamoDB sends it: compact JSON (moto pads every separator with a space), numbers
    # trimmed (moto keeps "150.00" as written; DynamoDB answers "150").
    parsed = json.loads(answer)
    query = compact(as_dynamodb_sends(parsed))
    sent = len(body_of(board["response"]))
    loaded = first_load(recording)
    sizes = [
        [
            "first load (shell + css + js + htmx + icon), gzipped",
            f"{loaded:,} B",
            f"<= {FIRST_LOAD:,} B",
        ],
        [
            "board of 50 cards, as the handler sends it (gzip)",
            f"{sent:,} B",
            f"<= {BOARD_GZIPPED:,} B",
        ],
        [
            "the board's Query answer, as DynamoDB sends it (numbers trimmed)",
            f"{query:,} B",
            f"<= {BOARD_QUERY:,} B",
        ],
        ["  as moto answers it, compact (numbers as written)", f"{compact(parsed):,} B", ""],
        ["  as moto answers it, raw (padded)", f"{len(answer):,} B", ""],
        ["one card, as sent", f"{len(body_of(recording['card']['response'])):,} B", ""],
    ]
    budgets += [
        Budget("first load, gzipped (bytes)", loaded, FIRST_LOAD),
        Budget("board of 50, gzipped (bytes)", sent, BOARD_GZIPPED),
        Budget("board Query answer (bytes)", query, BOARD_QUERY),
    ]
    out = table("DynamoDB calls per action", ["action", "calls", "count", "budget"], rows)
    out += table("Bytes", ["what", "size", "budget"], sizes)
    return out, budgets
