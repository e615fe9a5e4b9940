"""Cold first requests: a new process's init plus its first request through
`lambda_entry.handler`, against the bare stack doing the same DynamoDB call and returning the
same bytes. botocore's whole path is timed: its HTTP answers are recorded once from moto and fed
back at its `before-send` hook, so serializing, signing and parsing all count.

`python -m bench.coldreq record FILE` seeds moto through the HTTP API and records;
`python -m bench.coldreq ours|bare ACTION FILE` is one timed cold process (prints seconds).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

T0 = time.perf_counter()  # the timed process starts counting here, before any import

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # noqa: S105
ACTIONS = ("board", "modal", "log payment")
TRIPS = 50


def v2_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: str = "",
) -> dict[str, Any]:
    """A Lambda Function URL event (payload 2.0), as AWS sends it."""
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
    raw = response.get("body", "")
    return base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()


# --- recording (moto, in this process) -----------------------------------------------------------


def record(path: Path) -> None:
    """Seed 50 trips (4 patrons, 2 payments each) through the API and record each action."""
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
        subprocess_free_init_db()
        import lambda_entry

        handler = lambda_entry.handler
        json_headers = {"content-type": "application/json"}
        login = json.loads(
            body_of(
                handler(
                    v2_event(
                        "POST",
                        "/api/admin/login",
                        headers=json_headers,
                        body=json.dumps({"crew_id": "cory", "password": PASSWORD}),
                    ),
                    None,
                )
            )
        )
        bearer = {"authorization": f"Bearer {login['token']}", **json_headers}
        ids = []
        for n in range(TRIPS):
            trip = {
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
                    for name in ("Chris Wong", "Maria Silva", "Ben Carter", "Ivy Carter")
                ],
                "crew": [
                    {"crew_id": "cory", "role": "captain"},
                    {"crew_id": "jess", "role": "deckhand"},
                ],
            }
            created = handler(
                v2_event("POST", "/api/events", headers=bearer, body=json.dumps(trip)), None
            )
            assert created["statusCode"] == 201, body_of(created)[:300]  # noqa: S101
            eid = json.loads(body_of(created))["event_id"]
            ids.append(eid)
            for patron in ("chris-wong", "maria-silva"):
                pay = {"patron_id": patron, "amount": "75.00", "method": "cash"}
                paid = handler(
                    v2_event(
                        "POST",
                        f"/api/events/{eid}/payment-log",
                        headers=bearer,
                        body=json.dumps(pay),
                    ),
                    None,
                )
                assert paid["statusCode"] == 201, body_of(paid)[:300]  # noqa: S101
        hx = {"authorization": bearer["authorization"], "hx-request": "true"}
        pay = {
            "patron_id": "ben-carter",
            "amount": "25.00",
            "method": "cash",
            "idempotency_key": "bench-key-0001",
        }
        events = {
            "board": v2_event("GET", "/api/events", query="when=upcoming", headers=hx),
            "modal": v2_event("GET", f"/api/events/{ids[0]}/payment-modal", headers=hx),
            "log payment": v2_event(
                "POST", f"/api/events/{ids[0]}/payment-log", headers=bearer, body=json.dumps(pay)
            ),
        }
        out: dict[str, Any] = {
            "env": {k: os.environ[k] for k in ("SCC_ADMIN_PASS_HASH", "SCC_TABLE")}
        }
        for action, event in events.items():
            calls.clear()
            recording[0] = True
            response = handler(event, None)
            recording[0] = False
            assert response["statusCode"] < 300, (action, body_of(response)[:300])  # noqa: S101
            out[action] = {
                "event": event,
                "calls": list(calls),
                "response": response,
            }
    path.write_text(json.dumps(out))


def subprocess_free_init_db() -> None:
    """Create the table with the project's own command (its import path moved over time)."""
    try:
        from scc.dev.cli import main
    except ImportError:
        from scc.cli import main  # type: ignore[no-redef]
    main(["init-db"])


# --- one timed cold process -------------------------------------------------------------------


class _Raw:
    """What botocore reads an HTTP body from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def install_replay(calls: list[dict[str, Any]]) -> None:
    """Answer each DynamoDB call, in order, with what moto answered when it was recorded."""
    from botocore import handlers
    from botocore.awsrequest import AWSResponse

    answers = iter(calls)

    def replay(request: Any, **_: Any) -> Any:
        call = next(answers)
        return AWSResponse(
            request.url, call["status"], call["headers"], _Raw(base64.b64decode(call["body"]))
        )

    handlers.BUILTIN_HANDLERS.append(("before-send.dynamodb", replay))


def bare_handler(recorded: dict[str, Any]) -> Any:
    """The bare stack: one Flask route behind apig-wsgi, the same DynamoDB calls through one boto3
    client, the same bytes back."""
    import boto3
    from apig_wsgi import make_lambda_handler
    from flask import Flask, Response

    app = Flask("bare")
    response = recorded["response"]
    headers = {
        k: v for k, v in response.get("headers", {}).items() if k.lower() != "content-length"
    }
    payload = body_of(response)
    client: list[Any] = []

    @app.route("/<path:anything>", methods=["GET", "POST"])
    def same(anything: str) -> Response:
        if not client:
            client.append(boto3.client("dynamodb"))
        for call in recorded["calls"]:
            method = "".join(
                "_" + c.lower() if c.isupper() else c for c in call["operation"]
            ).lstrip("_")
            try:
                getattr(client[0], method)(**call["params"])
            except client[0].exceptions.ClientError:
                pass
        return Response(payload, status=response["statusCode"], headers=headers)

    return make_lambda_handler(app, binary_support=True)


def timed(side: str, action: str, path: Path) -> float:
    recorded = json.loads(path.read_text())
    os.environ.update(recorded["env"])
    action_data = recorded[action]
    install_replay(action_data["calls"])
    if side == "ours":
        import lambda_entry

        handler = lambda_entry.handler
    else:
        handler = bare_handler(action_data)
    response = handler(action_data["event"], None)
    elapsed = time.perf_counter() - T0
    assert response["statusCode"] == action_data["response"]["statusCode"], response  # noqa: S101
    # The same page; only per-request values differ (a fresh form key, a timestamp).
    assert len(body_of(response)) == len(body_of(action_data["response"]))  # noqa: S101
    return elapsed


def one_process(side: str, action: str, path: Path) -> float:
    """Run one timed cold process; its own figure (init + first request) comes back."""
    from bench.common import ENV

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.coldreq", side, action, str(path)],
        env={**os.environ, **ENV},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def run(rounds: int = 9) -> tuple[str, list[Any]]:
    """Record once, then time each action's cold process, ours and bare in turn."""
    import gzip
    import tempfile

    from bench.common import ENV, Budget, alternate, table

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recording.json"
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.coldreq", "record", str(path)],
            env={**os.environ, **ENV},
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        recorded = json.loads(path.read_text())
        rows, budgets = [], []
        for action in ACTIONS:
            ours, bare = alternate(
                lambda a=action: one_process("ours", a, path),
                lambda a=action: one_process("bare", a, path),
                rounds,
            )
            calls = [c["operation"] for c in recorded[action]["calls"]]
            rows.append(
                [
                    action,
                    f"{ours * 1000:.0f} ms",
                    f"{bare * 1000:.0f} ms",
                    f"{ours / bare:.2f}x",
                    " + ".join(calls),
                ]
            )
            if action == "board":
                budgets.append(
                    Budget(
                        "cold first request: board of 50 vs bare", round(ours / bare, 2), 1.15, "x"
                    )
                )
    board = recorded["board"]
    page = body_of(board["response"])
    query = base64.b64decode(board["calls"][0]["body"])
    sizes = [
        ["board of 50 cards, as sent", f"{len(page):,} B"],
        ["board of 50 cards, gzipped", f"{len(gzip.compress(page)):,} B"],
        ["the board's Query answer (DynamoDB JSON)", f"{len(query):,} B"],
    ]
    out = table(
        "Cold first request: new process, init + first request "
        f"(median of {rounds} alternating runs)",
        ["action", "ours", "bare stack", "ratio", "DynamoDB calls"],
        rows,
    )
    out += table("Bytes", ["what", "size"], sizes)
    return out, budgets


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(Path(sys.argv[2]))
    else:
        print(f"{timed(sys.argv[1], sys.argv[2], Path(sys.argv[3])):.6f}")
