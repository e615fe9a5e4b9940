"""CloudFront's cache behaviours: the app's paths go to the Function URL of the right alias,
uncached, with every viewer header but Host (and CloudFront-Viewer-Address, which the login
throttle reads). Pure functions of a DistributionConfig; deploy/routes.py reads and writes it."""

from __future__ import annotations

import copy
from typing import Any

from deploy.config import LIVE, STAGING
from deploy.output import Finding

# AWS managed policies (the same ids in every account).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
# Managed-AllViewerExceptHostHeader: all viewer headers, cookies and query strings except Host,
# plus CloudFront's headers, CloudFront-Viewer-Address among them.
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE")
SECURE = ("redirect-to-https", "https-only")
LEGACY = ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL")  # not allowed with policies
ROUTES = (
    ("/_staging/api/*", STAGING),
    ("/_staging/g/*/waiver", STAGING),
    ("/_staging/g/*/payment", STAGING),
    ("/_staging/g/*/payment/*", STAGING),
    ("/api/*", LIVE),
    ("/g/*/waiver", LIVE),
    ("/g/*/payment", LIVE),
    # Pay by card's POST /g/<eid>/payment/checkout: "/g/*/payment" matches only the whole path.
    ("/g/*/payment/*", LIVE),
)


def _origin_ids(config: dict[str, Any], hosts: dict[str, str]) -> dict[str, str | None]:
    origins = config.get("Origins", {}).get("Items", [])
    return {
        alias: next((o["Id"] for o in origins if o.get("DomainName") == host), None)
        for alias, host in hosts.items()
    }


def _behaviours(config: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = config.get("CacheBehaviors", {}).get("Items") or []
    return items


def check(config: dict[str, Any], hosts: dict[str, str]) -> list[Finding]:
    """Compare each route's behaviour with what it should be."""
    origins = _origin_ids(config, hosts)
    by_pattern = {b["PathPattern"]: b for b in _behaviours(config)}
    checks = []
    for pattern, alias in ROUTES:
        behaviour = by_pattern.get(pattern)
        problems: list[str] = []
        if behaviour is None:
            problems.append("missing")
        else:
            if origins[alias] is None or behaviour.get("TargetOriginId") != origins[alias]:
                problems.append(
                    f"origin is {behaviour.get('TargetOriginId')}, not the Function "
                    f"URL {hosts[alias]}"
                )
            if behaviour.get("CachePolicyId") != CACHING_DISABLED:
                problems.append("caching not disabled (want Managed-CachingDisabled)")
            if behaviour.get("OriginRequestPolicyId") != ALL_VIEWER_EXCEPT_HOST:
                problems.append(
                    "viewer headers not forwarded (want Managed-AllViewerExceptHostHeader)"
                )
            allowed = set(behaviour.get("AllowedMethods", {}).get("Items", []))
            if allowed != set(METHODS):
                problems.append(f"allows only {', '.join(sorted(allowed)) or 'nothing'}")
            if behaviour.get("ViewerProtocolPolicy") not in SECURE:
                problems.append("plain HTTP allowed")
        checks.append(Finding(f"{pattern} → {alias}", tuple(problems)))
    return checks


def _new_origin(origin_id: str, host: str) -> dict[str, Any]:
    return {
        "Id": origin_id,
        "DomainName": host,
        "OriginPath": "",
        "CustomHeaders": {"Quantity": 0},
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
            "OriginReadTimeout": 30,
            "OriginKeepaliveTimeout": 5,
        },
        "ConnectionAttempts": 3,
        "ConnectionTimeout": 10,
    }


def fixed(config: dict[str, Any], hosts: dict[str, str]) -> dict[str, Any]:
    """The distribution config with the routes right: Function URL origins added (or their
    domain updated), the route behaviours first in a fixed order, every other behaviour kept."""
    new = copy.deepcopy(config)
    origins: list[dict[str, Any]] = new.setdefault("Origins", {}).setdefault("Items", [])
    for alias, host in hosts.items():
        if any(o.get("DomainName") == host for o in origins):
            continue
        origin_id = f"scc-function-url-{alias}"
        mine = next((o for o in origins if o["Id"] == origin_id), None)
        if mine is not None:
            mine["DomainName"] = host  # the URL was recreated
        else:
            origins.append(_new_origin(origin_id, host))
    new["Origins"]["Quantity"] = len(origins)
    ids = _origin_ids(new, hosts)
    by_pattern = {b["PathPattern"]: b for b in _behaviours(new)}
    ours = []
    for pattern, alias in ROUTES:
        old = by_pattern.get(pattern, {})
        behaviour = {k: v for k, v in old.items() if k not in LEGACY}
        behaviour.update(
            PathPattern=pattern,
            TargetOriginId=ids[alias],
            ViewerProtocolPolicy=old.get("ViewerProtocolPolicy")
            if old.get("ViewerProtocolPolicy") in SECURE
            else "redirect-to-https",
            CachePolicyId=CACHING_DISABLED,
            OriginRequestPolicyId=ALL_VIEWER_EXCEPT_HOST,
            AllowedMethods={
                "Quantity": len(METHODS),
                "Items": list(METHODS),
                "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
            },
        )
        ours.append(behaviour)
    others = [b for b in _behaviours(new) if b["PathPattern"] not in dict(ROUTES)]
    new["CacheBehaviors"] = {"Quantity": len(ours) + len(others), "Items": ours + others}
    return new
