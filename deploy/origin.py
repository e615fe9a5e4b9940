"""X-SCC-Origin-Verify: the header CloudFront adds to every request it sends a Function URL, so
the app knows the request came through CloudFront and may trust CloudFront-Viewer-Address (the
URLs themselves are public).

CloudFront sends the first value of the function's SCC_ORIGIN_SECRET; the app accepts any of its
comma-separated values, so a secret is rotated by putting the new one first. `routes --yes`
makes one with `secrets` when the function has none and stores it in the function's environment
by the same merge as `staging`. The value is never printed: the redactor knows it first.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from deploy.output import Finding, redact

HEADER = "X-SCC-Origin-Verify"
SECRET_KEY = "SCC_ORIGIN_SECRET"  # noqa: S105 - the variable's name, not a secret
SECRET_BYTES = 32


def values(environment: dict[str, str]) -> list[str]:
    """The accepted values of an environment's SCC_ORIGIN_SECRET, the one to send first."""
    return [v.strip() for v in environment.get(SECRET_KEY, "").split(",") if v.strip()]


def new_secret() -> str:
    """A fresh value, registered with the redactor before anyone could print it."""
    value = secrets.token_urlsafe(SECRET_BYTES)
    redact.add([value])
    return value


def _origin(config: dict[str, Any], host: str) -> dict[str, Any] | None:
    origins: list[dict[str, Any]] = config.get("Origins", {}).get("Items", [])
    return next((o for o in origins if o.get("DomainName") == host), None)


def _items(origin: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (origin.get("CustomHeaders") or {}).get("Items") or []
    return items


def sent(config: dict[str, Any], host: str) -> str | None:
    """The value the origin of this host sends in the header, if any."""
    origin = _origin(config, host)
    found = [h for h in _items(origin or {}) if h.get("HeaderName", "").lower() == HEADER.lower()]
    return str(found[0].get("HeaderValue", "")) if found else None


def check(config: dict[str, Any], hosts: dict[str, str], value: str | None) -> list[Finding]:
    """Each alias's Function URL origin sends the header with `value` (never shown)."""
    findings = []
    for alias, host in hosts.items():
        problems = []
        current = sent(config, host)
        if _origin(config, host) is None:
            problems.append("no origin for the Function URL yet")
        elif value is None:
            problems.append(f"{SECRET_KEY} is not set in the function's environment")
        elif current is None:
            problems.append(f"{HEADER} not sent")
        elif current != value:
            problems.append(f"{HEADER} is not the first value of {SECRET_KEY}")
        findings.append(Finding(f"origin header {alias}", tuple(problems)))
    return findings


def with_header(config: dict[str, Any], hosts: dict[str, str], value: str) -> dict[str, Any]:
    """The distribution config with the header on every Function URL origin; other custom
    headers kept."""
    new = copy.deepcopy(config)
    for host in set(hosts.values()):
        origin = _origin(new, host)
        if origin is None:
            continue
        kept = [h for h in _items(origin) if h.get("HeaderName", "").lower() != HEADER.lower()]
        items = [*kept, {"HeaderName": HEADER, "HeaderValue": value}]
        origin["CustomHeaders"] = {"Quantity": len(items), "Items": items}
    return new
