"""The app's security headers on what S3 serves: a CloudFront response headers policy on the
default behaviour (the dispatch shell and its sign-in form come from S3, which cannot set them).

HEADERS is the app's own list (scc.web.security), so the two cannot drift apart. CloudFront spells
the well-known ones as fields of its SecurityHeadersConfig and takes the rest (Permissions-Policy)
as custom headers.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from deploy.output import Finding
from scc.web.security import HEADERS as HEADERS  # the list the policy sends (re-exported)

POLICY_NAME = "scc-security-headers"
COMMENT = "ShipCaptainCrew: the app's security headers (scc/web/security.py) on what S3 serves"


def _hsts(value: str) -> dict[str, Any]:
    parts = [p.strip() for p in value.split(";")]
    max_age = next(int(p.split("=", 1)[1]) for p in parts if p.lower().startswith("max-age="))
    lowered = [p.lower() for p in parts]
    return {
        "Override": True,
        "AccessControlMaxAgeSec": max_age,
        "IncludeSubdomains": "includesubdomains" in lowered,
        "Preload": "preload" in lowered,
    }


def policy_config(headers: dict[str, str]) -> dict[str, Any]:
    """The ResponseHeadersPolicyConfig that sends exactly these headers, overriding the origin."""
    security: dict[str, Any] = {}
    custom = []
    for name, value in headers.items():
        key = name.lower()
        if key == "content-security-policy":
            security["ContentSecurityPolicy"] = {"Override": True, "ContentSecurityPolicy": value}
        elif key == "strict-transport-security":
            security["StrictTransportSecurity"] = _hsts(value)
        elif key == "x-content-type-options" and value.lower() == "nosniff":
            security["ContentTypeOptions"] = {"Override": True}
        elif key == "referrer-policy":
            security["ReferrerPolicy"] = {"Override": True, "ReferrerPolicy": value}
        elif key == "x-frame-options":
            security["FrameOptions"] = {"Override": True, "FrameOption": value}
        else:
            custom.append({"Header": name, "Value": value, "Override": True})
    return {
        "Name": POLICY_NAME,
        "Comment": COMMENT,
        "SecurityHeadersConfig": security,
        "CustomHeadersConfig": {"Quantity": len(custom), "Items": custom},
    }


def policy_headers(config: dict[str, Any]) -> dict[str, str]:
    """The headers a ResponseHeadersPolicyConfig sends: the inverse of policy_config."""
    security = config.get("SecurityHeadersConfig") or {}
    found: dict[str, str] = {}
    if "ContentSecurityPolicy" in security:
        found["Content-Security-Policy"] = security["ContentSecurityPolicy"][
            "ContentSecurityPolicy"
        ]
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        found["Strict-Transport-Security"] = (
            f"max-age={hsts['AccessControlMaxAgeSec']}"
            + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else "")
            + ("; preload" if hsts.get("Preload") else "")
        )
    if "ContentTypeOptions" in security:
        found["X-Content-Type-Options"] = "nosniff"
    if "ReferrerPolicy" in security:
        found["Referrer-Policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    if "FrameOptions" in security:
        found["X-Frame-Options"] = security["FrameOptions"]["FrameOption"]
    if "XSSProtection" in security:
        found["X-XSS-Protection"] = "(set)"  # not one of the app's: its presence is a difference
    for item in (config.get("CustomHeadersConfig") or {}).get("Items") or []:
        found[item["Header"]] = item["Value"]
    return found


@dataclass(frozen=True)
class Policy:
    """The response headers policy called POLICY_NAME, as CloudFront has it."""

    id: str
    etag: str
    config: dict[str, Any]

    @property
    def right(self) -> bool:
        return policy_headers(self.config) == HEADERS


def find(cloudfront: Any) -> Policy | None:
    """This account's response headers policy called POLICY_NAME (describe calls only)."""
    marker: dict[str, str] = {}
    while True:
        listed = cloudfront.list_response_headers_policies(Type="custom", **marker)
        page = listed.get("ResponseHeadersPolicyList") or {}
        for item in page.get("Items") or []:
            policy = item["ResponseHeadersPolicy"]
            if policy["ResponseHeadersPolicyConfig"].get("Name") == POLICY_NAME:
                answer = cloudfront.get_response_headers_policy(Id=policy["Id"])
                current = answer["ResponseHeadersPolicy"]
                return Policy(current["Id"], answer["ETag"], current["ResponseHeadersPolicyConfig"])
        if not page.get("NextMarker"):
            return None
        marker = {"Marker": page["NextMarker"]}


def check(policy: Policy | None, config: dict[str, Any]) -> Finding:
    """The policy exists, sends the app's headers, and the default behaviour uses it."""
    problems = []
    if policy is None:
        problems.append(f"no response headers policy {POLICY_NAME}")
    elif not policy.right:
        problems.append(f"policy {POLICY_NAME} does not send the app's headers")
    attached = config.get("DefaultCacheBehavior", {}).get("ResponseHeadersPolicyId")
    if policy is None or attached != policy.id:
        problems.append("not on the default (S3) behaviour")
    return Finding("security headers on S3", tuple(problems))


def save(cloudfront: Any, policy: Policy | None) -> str:
    """Create the policy, or update it to send the app's headers; returns its id."""
    wanted = policy_config(HEADERS)
    if policy is None:
        answer = cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig=wanted)
        return str(answer["ResponseHeadersPolicy"]["Id"])
    if not policy.right:
        cloudfront.update_response_headers_policy(
            Id=policy.id, IfMatch=policy.etag, ResponseHeadersPolicyConfig=wanted
        )
    return policy.id


def attached(config: dict[str, Any], policy_id: str) -> dict[str, Any]:
    """The distribution config with the policy on its default behaviour."""
    new = copy.deepcopy(config)
    new.setdefault("DefaultCacheBehavior", {})["ResponseHeadersPolicyId"] = policy_id
    return new
