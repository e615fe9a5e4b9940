"""A recording of SCC's DynamoDB traffic, for the benches: seed 50 trips (4 patrons, 2 payments
each) through the HTTP API on moto, then run each action once through lambda_entry.handler and
keep, per action, the Function URL event, every DynamoDB call (its parameters and moto's raw
HTTP answer) and the handler's response.

`python -m bench.recording FILE` writes it (a process of its own: moto, and a fresh app)."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import ENV

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # noqa: S105
TRIPS = 50
PATRONS = ("Chris Wong", "Maria Silva", "Ben Carter", "Ivy Carter")


def v2_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: str = "",
) -> dict[str, Any]:
    """A Lambda Function URL event (payload 2.0) from a phone that accepts gzip."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {
            "host": "abc123.lambda-url.us-west-2.on.aws",
            "accept-encoding": "gzip, deflate, br",
            **(headers or {}),
        },
        "requestContext": {
            "domainName": "abc123.lambda-url.us-west-2.on.aws",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
            },
            "requestId": "bench",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }
    if body:
        event["body"] = body
    return event


def body_of(response: dict[str, Any]) -> bytes:
    """The body as sent (still gzipped when the answer was)."""
    raw = response.get("body", "")
    return base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()


def text_of(response: dict[str, Any]) -> bytes:
    """The body, unzipped when it was sent gzipped."""
    raw = body_of(response)
    return gzip.decompress(raw) if response["headers"].get("content-encoding") == "gzip" else raw


def make(path: Path) -> dict[str, Any]:
    """Record in a process of its own and read the recording back."""
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.recording", str(path)],
        env={**os.environ, **ENV},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    recording: dict[str, Any] = json.loads(path.read_text())
    return recording


def _trip(n: int) -> dict[str, Any]:
    return {
        "date": f"2031-{1 + n // 28:02d}-{1 + n % 28:02d}",
        "name": f"captain-cory-{n}",
        "period": "afternoon",
        "title": f"Whale watching off Point Loma {n}",
        "patrons": [
            {
                "name": name,
                "email": f"{name.split()[0].lower()}@example.com",
                "amount_due": "150.00",
            }
            for name in PATRONS
        ],
        "crew": [{"crew_id": "cory", "role": "captain"}, {"crew_id": "jess", "role": "deckhand"}],
    }


def _record(path: Path) -> None:
    import bcrypt
    from botocore import handlers
    from moto import mock_aws

    os.environ["SCC_ADMIN_PASS_HASH"] = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    os.environ["SCC_TABLE"] = "bench"
    calls: list[dict[str, Any]] = []
    recording = [False]

    def keep_params(params: dict[str, Any], model: Any, **_: Any) -> None:
        if recording[0]:
            calls.append({"operation": model.name, "params": json.loads(json.dumps(params))})

    def keep_answer(response_dict: dict[str, Any] | None, **_: Any) -> None:
        if recording[0] and response_dict is not None:
            calls[-1]["status"] = response_dict["status_code"]
            calls[-1]["headers"] = dict(response_dict["headers"])
            calls[-1]["body"] = base64.b64encode(response_dict["body"]).decode()

    handlers.BUILTIN_HANDLERS.append(("before-parameter-build.dynamodb", keep_params))
    handlers.BUILTIN_HANDLERS.append(("response-received.dynamodb", keep_answer))
    with mock_aws():
        from scc.dev.cli import main

        main(["init-db"])
        import lambda_entry

        def call(event: dict[str, Any], expect: int) -> dict[str, Any]:
            response: dict[str, Any] = lambda_entry.handler(event, None)
            assert response["statusCode"] == expect, (event["rawPath"], text_of(response)[:300])  # noqa: S101
            return response

        json_headers = {"content-type": "application/json"}
        credentials = json.dumps({"crew_id": "cory", "password": PASSWORD})
        login = v2_event("POST", "/api/admin/login", headers=json_headers, body=credentials)
        token = json.loads(text_of(call(login, 200)))["token"]
        # A roster, as a business has once it runs on SCC: adding jess puts cory on it as its
        # owner (cory has no password of his own yet, so the shared one still signs him in).
        jess = json.dumps({"crew_id": "jess", "name": "Jess", "role": "crew"})
        add = {"authorization": f"Bearer {token}", **json_headers}
        call(v2_event("POST", "/api/crew", headers=add, body=jess), 201)
        token = json.loads(text_of(call(login, 200)))["token"]
        bearer = {"authorization": f"Bearer {token}", **json_headers}
        hx = {"authorization": bearer["authorization"], "hx-request": "true"}

        def api(method: str, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
            """A JSON API request from cory, signed in with the bearer token."""
            return v2_event(method, path, headers=bearer, body=json.dumps(data) if data else "")

        ids = []
        for n in range(TRIPS):
            created = call(api("POST", "/api/events", _trip(n)), 201)
            ids.append(json.loads(text_of(created))["event_id"])
            for patron in ("chris-wong", "maria-silva"):
                paid = {"patron_id": patron, "amount": "75.00", "method": "cash"}
                call(api("POST", f"/api/events/{ids[-1]}/payment-log", paid), 201)
        eid = ids[0]
        rev = json.loads(text_of(call(api("GET", f"/api/events/{eid}"), 200)))["rev"]
        waiver_page = text_of(call(v2_event("GET", f"/g/{eid}/waiver"), 200))
        form_id = _form_id(waiver_page)
        pay = {
            "patron_id": "ben-carter",
            "amount": "25.00",
            "method": "cash",
            "idempotency_key": "bench-key-0001",
        }
        sign = {
            "full_name": "Ben Carter", "email": "ben@example.com", "date_of_birth": "1980-02-03",
            "emergency_contact_name": "Ivy Carter", "emergency_contact_phone": "619-555-0100",
            "agree": "yes", "signature": "Ben Carter", "form_id": form_id,
        }  # fmt: skip
        form = {"content-type": "application/x-www-form-urlencoded"}
        actions = {
            # (event, expected status)
            "board": (v2_event("GET", "/api/events", query="when=upcoming", headers=hx), 200),
            "modal": (v2_event("GET", f"/api/events/{eid}/payment-modal", headers=hx), 200),
            # The edit is the first write here: it names the version it read (rev).
            "edit": (api("PATCH", f"/api/events/{eid}", {"title": "Renamed", "rev": rev}), 200),
            "log payment": (api("POST", f"/api/events/{eid}/payment-log", pay), 201),
            "shell": (v2_event("GET", "/"), 200),
            "session check (a bad id)": (
                v2_event("GET", "/api/events/2031-01-01", headers=hx),
                404,
            ),
            "card": (v2_event("GET", f"/api/events/{eid}", headers=hx), 200),
            "void": (
                api("POST", f"/api/events/{eid}/payments/bench-key-0001/void", {"reason": "bench"}),
                200,
            ),
            "waiver page": (v2_event("GET", f"/g/{eid}/waiver"), 200),
            "waiver sign": (
                v2_event("POST", f"/g/{eid}/waiver", headers=form, body=urlencode(sign)),
                201,
            ),
        }
        out: dict[str, Any] = {
            "env": {k: os.environ[k] for k in ("SCC_ADMIN_PASS_HASH", "SCC_TABLE")}
        }
        for action, (event, status) in actions.items():
            calls.clear()
            recording[0] = True
            response = call(event, status)
            recording[0] = False
            out[action] = {"event": event, "calls": list(calls), "response": response}
    path.write_text(json.dumps(out))


def _form_id(page: bytes) -> str:
    found = re.search(rb'name="form_id" value="([^"]+)"', page)
    assert found is not None  # noqa: S101
    return found[1].decode()


if __name__ == "__main__":
    _record(Path(sys.argv[1]))
