"""Test-data builders with keyword-only arguments."""

from __future__ import annotations

import base64
import json
from typing import Any


def event_body(
    *,
    date: str = "2030-05-23",
    name: str = "captain-cory",
    period: str | None = "afternoon",
    total: str | None = "400.00",
    patrons: list[dict[str, Any]] | None = None,
    crew: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A valid POST /api/events body; override what a test is about."""
    body: dict[str, Any] = {
        "date": date,
        "name": name,
        "total": total,
        "patrons": patrons
        if patrons is not None
        else [
            {"patron_id": "dana", "name": "Dana Lee", "amount_due": "200.00"},
            {"patron_id": "sam", "name": "Sam Ortiz", "amount_due": "200.00"},
        ],
        "crew": crew if crew is not None else [{"crew_id": "cory", "role": "captain"}],
        **extra,
    }
    if period is not None:
        body["period"] = period
    return {k: v for k, v in body.items() if v is not None}


def make_v2_event(
    *,
    method: str = "GET",
    path: str = "/",
    query: str = "",
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: str | bytes = "",
    base64_body: bool = False,
    source_ip: str = "198.51.100.7",
) -> dict[str, Any]:
    """A Lambda Function URL (payload format 2.0) event, as AWS sends it."""
    raw = body.encode() if isinstance(body, str) else body
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "abc123.lambda-url.us-west-2.on.aws", **(headers or {})},
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abc123",
            "domainName": "abc123.lambda-url.us-west-2.on.aws",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": (headers or {}).get("user-agent", "pytest"),
            },
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/May/2026:14:23:45 +0000",
            "timeEpoch": 1779546225000,
        },
        "isBase64Encoded": base64_body,
    }
    if query:
        event["queryStringParameters"] = dict(
            part.split("=", 1) for part in query.split("&") if "=" in part
        )
    if cookies:
        event["cookies"] = cookies
    if raw:
        event["body"] = base64.b64encode(raw).decode() if base64_body else raw.decode()
    return event


def json_body(data: Any) -> str:
    return json.dumps(data)
