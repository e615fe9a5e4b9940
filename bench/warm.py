"""Warm requests through lambda_entry.handler with Function URL events. DynamoDB answers are
recorded once from moto, then replayed from memory, so only our code is timed. Also counts the
DynamoDB calls per action and the bytes a phone downloads."""

from __future__ import annotations

import base64
import functools
import gzip
import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from botocore.awsrequest import AWSResponse

from bench.common import Budget, alternate, per_call_us, table

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # noqa: S105


class Replayer:
    """Stand in for the store's boto3 client: record each request's DynamoDB answers from moto,
    then serve them again from memory, so the timing holds our code and not botocore's."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.real = store.client
        self.script: list[tuple[str, Any]] = []
        self.position = 0

    def _answer(self, operation: str, **_: Any) -> Any:
        name, result = self.script[self.position]
        self.position = (self.position + 1) % len(self.script)
        assert name == operation, (name, operation)  # noqa: S101 - the replay must line up
        if isinstance(result, Exception):
            raise result
        return result

    def record(self, request: Callable[[], Any]) -> list[str]:
        """Run the request once against moto, keeping every answer; then replay it from memory."""
        script: list[tuple[str, Any]] = []
        real = self.real

        class Recorder:
            def __getattr__(self, operation: str) -> Callable[..., Any]:
                def call(**kwargs: Any) -> Any:
                    try:
                        result = getattr(real, operation)(**kwargs)
                    except Exception as exc:
                        script.append((operation, exc))
                        raise
                    script.append((operation, result))
                    return result

                return call

        self.store.client = Recorder()
        try:
            request()
        finally:
            self.store.client = self
        self.script, self.position = script, 0
        for name, _ in script:  # the client's methods, as plain attributes: no lookup hook
            setattr(self, name, functools.partial(self._answer, name))
        return [_operation_name(name) for name, _ in script]

    def stop(self) -> None:
        self.store.client = self.real


def _operation_name(method: str) -> str:
    return "".join(part.title() for part in method.split("_"))


def botocore_call_us(store: Any, key: dict[str, Any], n: int = 500) -> float:
    """What one GetItem costs inside botocore (validation, serialization, endpoint, user agent)
    when its answer comes back from a before-call hook: the part the replay above leaves out."""
    client = store.client
    answer = client.get_item(TableName=store.table, Key=key)

    def short_circuit(**_: Any) -> Any:
        return AWSResponse("https://replay", 200, {}, None), answer

    client.meta.events.register("before-call.dynamodb.GetItem", short_circuit)
    try:
        timed = per_call_us(lambda: client.get_item(TableName=store.table, Key=key), n)
        return sorted(timed() for _ in range(5))[2]
    finally:
        client.meta.events.unregister("before-call.dynamodb.GetItem", short_circuit)


def _event(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: str = "",
    query: str = "",
) -> dict[str, Any]:
    from tests.builders import make_v2_event

    return make_v2_event(
        method=method,
        path=path,
        headers=headers or {},
        body=body,
        query=query,
        base64_body=bool(body),
    )


def _body(response: dict[str, Any]) -> bytes:
    raw = response.get("body", "")
    return base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()


def setup() -> tuple[Any, dict[str, dict[str, Any]], Any]:
    """Inside mock_aws: the app with 50 events; the handler, the actions' events, the store."""
    import bcrypt
    from tests.patron_builders import waiver_form

    import lambda_entry
    from scc import clock, demo
    from scc.models import CrewMember, Event, Patron
    from scc.store import get_store

    app = lambda_entry.app
    app.config["ADMIN_PASS_HASH"] = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    with app.app_context():
        store = get_store()
    store.create_table()
    today = clock.today(app.config["TIMEZONE"])
    events = demo.seed(store, today)
    for i in range(44):  # 50 upcoming-or-not events in all, for the board
        day = today.replace(day=1).toordinal() + 40 + i
        d = date.fromordinal(day).isoformat()
        store.create_event(
            Event(
                event_id=f"{d}-bench-trip{i}",
                date=d,
                title=f"Bench trip {i}",
                total=Decimal("400.00"),
                patrons=[Patron(patron_id=f"p{k}", name=f"Patron {k}") for k in range(3)],
                crew=[CrewMember(crew_id="cory", role="captain")],
            )
        )
    card_event = next(e for e in events if e.date == today.isoformat())
    eid = card_event.event_id
    handler = lambda_entry.handler
    login = json.loads(
        _body(
            handler(
                _event(
                    "POST",
                    "/api/admin/login",
                    headers={"content-type": "application/json"},
                    body=json.dumps({"crew_id": "cory", "password": PASSWORD}),
                ),
                None,
            )
        )
    )
    auth = {"authorization": f"Bearer {login['token']}"}
    hx = {**auth, "hx-request": "true"}
    waiver_page = _body(handler(_event("GET", f"/g/{eid}/waiver"), None)).decode()
    hidden = dict(re.findall(r'name="(form_id|text_sha256)" value="([^"]*)"', waiver_page))
    sign_form = urlencode(waiver_form(**hidden, phone=None, website=""))
    actions: dict[str, dict[str, Any]] = {
        "board, 50 events (HX)": _event("GET", "/api/events", headers=hx, query="when=all"),
        "one card (HX)": _event("GET", f"/api/events/{eid}", headers=hx),
        "payment modal (HX)": _event("GET", f"/api/events/{eid}/payment-modal", headers=hx),
        "payment log (JSON)": _event(
            "POST",
            f"/api/events/{eid}/payment-log",
            headers={**auth, "content-type": "application/json"},
            body=json.dumps(
                {
                    "patron_id": "ben-carter",
                    "amount": "1.00",
                    "method": "cash",
                    "idempotency_key": "bench-key-0001",
                }
            ),
        ),
        "waiver page": _event("GET", f"/g/{eid}/waiver"),
        "waiver sign": _event(
            "POST",
            f"/g/{eid}/waiver",
            body=sign_form,
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        "session check (bad id, 404)": _event("GET", "/api/events/2026-05-23", headers=auth),
    }
    return handler, actions, store


# Issue 8's warm requests; the session check is timed for information (its budget is 0 DynamoDB
# calls and no bcrypt). DRAWN: answers made of HTML remembered per event version (scc.fragments),
# also timed with nothing remembered, as a process's first request for them is.
WARM_BUDGET = {
    "board, 50 events (HX)",
    "one card (HX)",
    "payment modal (HX)",
    "payment log (JSON)",
    "waiver page",
    "waiver sign",
}
DRAWN = {"board, 50 events (HX)", "one card (HX)", "payment modal (HX)", "waiver page"}


def _forgetter() -> Callable[[], None]:
    import lambda_entry
    from scc import fragments

    return lambda: fragments.init_app(lambda_entry.app)  # nothing drawn: fresh, empty caches


def _card_key(actions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from scc.models import EVENT_SK

    eid = actions["one card (HX)"]["rawPath"].rsplit("/", 1)[-1]
    return {"eid": {"S": eid}, "crew_id": {"S": EVENT_SK}}


def run(rounds: int = 15, n: int = 150) -> tuple[str, list[Budget]]:
    import bcrypt
    from apig_wsgi import make_lambda_handler
    from flask import Flask, Response
    from moto import mock_aws

    with mock_aws():
        handler, actions, store = setup()
        boto_us = botocore_call_us(store, _card_key(actions))
        forget = _forgetter()
        replayer = Replayer(store)
        bcrypt_calls: list[int] = []
        real_checkpw = bcrypt.checkpw
        rows, call_rows, budgets = [], [], []
        sizes: dict[str, int] = {}
        for label, event in actions.items():
            bcrypt.checkpw = lambda *a: bcrypt_calls.append(1) or real_checkpw(*a)  # type: ignore
            calls = replayer.record(lambda ev=event: handler(ev, None))
            bcrypt.checkpw = real_checkpw  # type: ignore[assignment]
            first = handler(event, None)
            status, payload = first["statusCode"], _body(first)
            assert status < 400 or label.startswith("session"), (label, status, payload[:300])  # noqa: S101
            sizes[label] = len(payload)
            bare = Flask("bare")
            headers = dict(first.get("headers", {}))

            @bare.route("/<path:anything>", methods=["GET", "POST"])
            @bare.route("/", methods=["GET", "POST"])
            def same(
                anything: str = "",
                payload: bytes = payload,
                status: int = status,
                kind: str | None = headers.get("content-type"),
            ) -> Response:
                return Response(payload, status=status, content_type=kind)

            bare_handler = make_lambda_handler(bare)
            ours_us, bare_us = alternate(
                per_call_us(lambda ev=event: handler(ev, None), n),
                per_call_us(lambda ev=event, bh=bare_handler: bh(ev, None), n),
                rounds,
            )
            ratio = ours_us / bare_us
            rows.append([label, f"{ours_us:.0f}", f"{bare_us:.0f}", f"{ratio:.2f}x"])
            call_rows.append([label, str(len(calls)), ", ".join(calls) or "-"])
            if label in DRAWN:  # the same request when this process has drawn nothing yet
                fresh_us, fresh_bare_us = alternate(
                    per_call_us(lambda ev=event: (forget(), handler(ev, None)), n),
                    per_call_us(lambda ev=event, bh=bare_handler: bh(ev, None), n),
                    rounds,
                )
                fresh = fresh_us / fresh_bare_us
                rows.append(
                    [
                        "  ... drawn afresh (info)",
                        f"{fresh_us:.0f}",
                        f"{fresh_bare_us:.0f}",
                        f"{fresh:.2f}x",
                    ]
                )
            if label in WARM_BUDGET:
                budgets.append(Budget(f"warm: {label} vs bare Flask", round(ratio, 2), 1.5, "x"))
            limit = {
                "board, 50 events (HX)": 1,
                "payment log (JSON)": 2,
                "waiver page": 1,
                "waiver sign": 2,
                "session check (bad id, 404)": 0,
            }.get(label)
            if limit is not None:
                budgets.append(Budget(f"DynamoDB calls: {label}", len(calls), limit))
        replayer.stop()
        budgets.append(Budget("bcrypt runs during session checks", len(bcrypt_calls), 0))
        out = table(
            f"Warm requests through lambda_entry.handler (µs/request, median of {rounds} "
            f"alternating runs of {n})",
            ["action", "ours µs", "bare Flask µs", "ratio"],
            rows,
        )
        out += (
            f"\n\nNot in the figures above: botocore's own work per DynamoDB call (validation, "
            f"serialization, endpoint, user agent), measured apart on a GetItem answered by a "
            f"before-call hook: {boto_us:.0f} µs per call.\n"
        )
        out += table("DynamoDB calls per action", ["action", "calls", "operations"], call_rows)
        out_bytes, byte_budgets = page_weight(handler, sizes)
    return out + out_bytes, budgets + byte_budgets


def page_weight(handler: Any, sizes: dict[str, int]) -> tuple[str, list[Budget]]:
    shell = _body(handler(_event("GET", "/"), None))
    html = shell.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"?]+)', html)
    total_gz = len(gzip.compress(shell, 9))
    rows = [["shell (/)", str(len(shell)), str(total_gz)]]
    for path in assets:
        raw = (ROOT / "scc" / path.removeprefix("/")).read_bytes()
        gz = len(gzip.compress(raw, 9))
        total_gz += gz
        rows.append([path, str(len(raw)), str(gz)])
    rows.append(["first load, gzipped", "", str(total_gz)])
    rows.append(["one card (4 patrons, 2 payments)", str(sizes["one card (HX)"]), ""])
    rows.append(["board, 50 cards", str(sizes["board, 50 events (HX)"]), ""])
    budgets = [
        Budget("first load gzipped (bytes)", total_gz, 25 * 1024),
        Budget("one card (bytes)", sizes["one card (HX)"], 2 * 1024),
    ]
    return table("Bytes", ["what", "raw bytes", "gzip -9 bytes"], rows), budgets


def profile(label: str, n: int = 300) -> None:
    """`python -m bench.warm "one card (HX)"`: cProfile one action, replayed, top 30 by own time."""
    import cProfile
    import pstats

    from moto import mock_aws

    with mock_aws():
        handler, actions, store = setup()
        replayer = Replayer(store)
        event = actions[label]
        replayer.record(lambda: handler(event, None))
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [handler(event, None) for _ in range(n)])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    import sys

    from bench.common import set_env

    set_env()
    profile(sys.argv[1])
