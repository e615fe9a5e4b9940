"""Warm requests through lambda_entry.handler with Function URL events. DynamoDB answers are
recorded once from moto, then replayed from memory, so only our code is timed. Also counts the
DynamoDB calls per action and the bytes a phone downloads."""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from botocore.awsrequest import AWSResponse

from bench.common import Budget, alternate, per_call_us, table

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # noqa: S105


class Replayer:
    """Record the DynamoDB answers of one request, then serve them again from memory."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.recording: list[tuple[str, dict[str, Any]]] | None = None
        self.script: list[tuple[str, dict[str, Any]]] = []
        self.position = 0
        client.meta.events.register("after-call.dynamodb", self._record)
        client.meta.events.register("before-call.dynamodb", self._replay)

    def _record(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if self.recording is not None:
            self.recording.append((model.name, parsed))

    def _replay(self, model: Any, **_: Any) -> Any:
        if self.recording is not None or not self.script:
            return None
        name, parsed = self.script[self.position % len(self.script)]
        self.position += 1
        assert name == model.name, (name, model.name)  # noqa: S101 - the replay must line up
        return AWSResponse("https://replay", 200, {}, None), parsed

    def record(self, request: Callable[[], Any]) -> list[str]:
        self.recording = []
        request()
        recorded, self.recording = self.recording, None
        self.script, self.position = recorded, 0
        return [name for name, _ in recorded]

    def stop(self) -> None:
        self.script = []


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


def run(rounds: int = 7, n: int = 40) -> tuple[str, list[Budget]]:
    import bcrypt
    from apig_wsgi import make_lambda_handler
    from flask import Flask, Response
    from moto import mock_aws

    with mock_aws():
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
            from datetime import date

            d = date.fromordinal(day).isoformat()
            store.create_event(
                Event(
                    event_id=f"{d}-bench-trip{i}",
                    date=d,
                    title=f"Bench trip {i}",
                    total=__import__("decimal").Decimal("400.00"),
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
        sign_form = urlencode(
            {
                **hidden,
                "full_name": "Bench Signer",
                "email": "b@example.com",
                "date_of_birth": "1980-01-01",
                "emergency_contact_name": "Kim",
                "emergency_contact_phone": "619-555-0100",
                "agree": "yes",
                "signature": "Bench Signer",
                "website": "",
            }
        )
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
        replayer = Replayer(store.client)
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
