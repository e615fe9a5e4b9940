"""What may go live: a version whose staging smoke test passed, as recorded in AWS, and that is
Active (a SnapStart version idle for 14 days is woken first).

The record is alias staging's description. `staging` points the alias at the new version marked
"smoke test pending" (the smoke test goes through the alias), and only after the smoke test
passes rewrites it to `smoke-passed <version> code <CodeSha256>; <source>`. `promote` ships the
version behind staging only if that mark names that very version and its code; `rollback`
rewrites it to `rolled-back <version> …` when staging is the version it takes off live, so the
next `promote` cannot ship it again. An alias moved by hand keeps its description, which then
names another version: refused too.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws
from deploy.config import STAGING, Tunables
from deploy.output import DeployError, Step

PASSED = re.compile(r"^smoke-passed (\d+) code (\S+?);")
DESCRIPTION_LIMIT = 256
NOT_READY = ("SnapStartNotReadyException", "ResourceNotReadyException")  # invoking an idle one
# A harmless request for waking a version: GET /api/health as a Function URL event.
WAKE_EVENT = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/api/health",
    "rawQueryString": "",
    "headers": {"host": "scc-deploy", "user-agent": "scc-deploy-wake"},
    "requestContext": {
        "http": {
            "method": "GET",
            "path": "/api/health",
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "scc-deploy-wake",
        }
    },
    "body": "",
    "isBase64Encoded": False,
}


def pending(version: str, source: str) -> str:
    """Alias staging's description while its version's smoke test has not passed."""
    return f"scc staging: version {version}, smoke test pending; {source}"[:DESCRIPTION_LIMIT]


def passed(version: str, code_sha256: str, source: str) -> str:
    return f"smoke-passed {version} code {code_sha256}; {source}"[:DESCRIPTION_LIMIT]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def mark_passed(
    lam: Any, function: str, version: str, code_sha256: str, source: str, tunables: Tunables
) -> None:
    """Record that `version` passed its smoke test, if alias staging still points at it; the
    write is guarded by the alias's RevisionId just read."""
    alias = lam.get_alias(FunctionName=function, Name=STAGING)
    if str(alias["FunctionVersion"]) != version:
        raise DeployError(
            f"Alias staging moved to version {alias['FunctionVersion']} during the smoke test; "
            f"version {version} is not marked as passed, so promote will not ship it."
        )
    guard = {"RevisionId": alias["RevisionId"]} if alias.get("RevisionId") else {}
    _describe_staging(lam, function, version, passed(version, code_sha256, source), tunables, guard)


def _describe_staging(
    lam: Any,
    function: str,
    version: str,
    description: str,
    tunables: Tunables,
    guard: dict[str, str] | None = None,
) -> None:
    """Rewrite alias staging's description, keeping it on `version`."""
    aws.call(
        lam.update_alias,
        tunables,
        FunctionName=function,
        Name=STAGING,
        FunctionVersion=version,
        Description=description,
        **(guard or {}),
    )


def check_passed(staging: dict[str, Any], configuration: dict[str, Any]) -> None:
    """Refuse a version behind staging that alias staging does not mark as passed."""
    version = str(staging["FunctionVersion"])
    description = str(staging.get("Description") or "")
    match = PASSED.match(description)
    if match is None or match.group(1) != version:
        said = description.split(";")[0] or "nothing"
        raise DeployError(
            f"Version {version} behind alias staging has no passed smoke test on record (the "
            f"alias says: {said}). Promote ships only a version whose staging smoke test passed: "
            "run `python -m deploy staging` and let its smoke test pass."
        )
    if match.group(2) != configuration.get("CodeSha256"):
        raise DeployError(
            f"Alias staging marks version {version} as passed, but for other code than that "
            "version holds; run `python -m deploy staging` again."
        )


def withdraw(
    lam: Any, function: str, staging: dict[str, Any] | None, version: str, tunables: Tunables
) -> bool:
    """If alias staging is `version` (just taken off live), replace its pass mark so that
    promote refuses it; returns whether it did."""
    if staging is None or str(staging["FunctionVersion"]) != version:
        return False
    withdrawn = f"rolled-back {version} from live at {_now()}; stage a new version to promote"
    _describe_staging(lam, function, version, withdrawn, tunables)
    return True


def state(configuration: dict[str, Any]) -> str:
    return str(configuration.get("State") or "Active")


def check_state(version: str, configuration: dict[str, Any]) -> None:
    """Refuse a version that is not Active, unless it only needs waking (Inactive) or is on its
    way (Pending)."""
    now = state(configuration)
    if now not in ("Active", "Inactive", "Pending"):
        reason = configuration.get("StateReason") or configuration.get("StateReasonCode") or ""
        raise DeployError(
            f"Version {version} is {now}, not Active{f' ({reason})' if reason else ''}; it "
            "cannot serve live. Stage a new version."
        )


def wake(
    lam: Any,
    function: str,
    version: str,
    configuration: dict[str, Any],
    step: Step,
    tunables: Tunables,
) -> None:
    """Make sure the version is Active before an alias serves it: an Inactive one (SnapStart,
    idle 14 days) is invoked once, which starts restoring it, and waited for."""
    now = state(configuration)
    if now == "Active":
        step.skip(f"version {version} is Active")
        return
    if now == "Inactive":
        try:
            lam.invoke(
                FunctionName=function,
                Qualifier=version,
                InvocationType="RequestResponse",
                Payload=json.dumps(WAKE_EVENT).encode(),
            )
            step.note("invoked once")
        except ClientError as exc:
            if aws.error_code(exc) not in (
                "SnapStartNotReadyException",
                "ResourceNotReadyException",
            ):
                raise
            step.note(f"invoked once ({aws.error_code(exc)}: Lambda is restoring it)")
    aws.wait(lam, "published_version_active", tunables, FunctionName=function, Qualifier=version)
    after = lam.get_function_configuration(FunctionName=function, Qualifier=version)
    if state(after) != "Active":
        check_state(version, after)
        raise DeployError(f"Version {version} is still {state(after)}, not Active.")
    step.note(f"{now} → Active")
