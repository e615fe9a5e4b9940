"""Each alias's Function URL: its host, and the two statements that let anyone call it.

AWS (the Lambda guide's "Control access to Lambda function URLs"): "Starting in October 2025, new
function URLs will require both lambda:InvokeFunctionUrl and lambda:InvokeFunction permissions."
A public (AuthType NONE) URL needs, for principal "*":
  lambda:InvokeFunctionUrl  with  StringEquals lambda:FunctionUrlAuthType = NONE
  lambda:InvokeFunction     with  Bool lambda:InvokedViaFunctionUrl = true
(the second condition keeps the function from being invoked directly by anyone).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from deploy import aws
from deploy.config import LIVE, STAGING, Tunables
from deploy.output import DeployError, Finding

PUBLIC = ("*", {"AWS": "*"})


@dataclass(frozen=True)
class Grant:
    """One statement a public Function URL needs, and the AddPermission arguments that make it."""

    sid: str
    action: str
    operator: str
    key: str
    value: str
    extra: tuple[tuple[str, Any], ...]

    def cli(self, function: str, alias: str) -> str:
        """The same permission as an AWS CLI command, for the docs and error messages."""
        flag = (
            "--function-url-auth-type NONE"
            if self.key.endswith("AuthType")
            else "--invoked-via-function-url"
        )
        return (
            f"aws lambda add-permission --function-name {function} --qualifier {alias} "
            f"--statement-id {self.sid} --action {self.action} --principal '*' {flag}"
        )


GRANTS = (
    Grant(
        "scc-url-invoke-url",
        "lambda:InvokeFunctionUrl",
        "StringEquals",
        "lambda:FunctionUrlAuthType",
        "NONE",
        (("FunctionUrlAuthType", "NONE"),),
    ),
    Grant(
        "scc-url-invoke-function",
        "lambda:InvokeFunction",
        "Bool",
        "lambda:InvokedViaFunctionUrl",
        "true",
        (("InvokedViaFunctionUrl", True),),
    ),
)


@dataclass(frozen=True)
class FunctionUrl:
    """What routes reads of one alias's Function URL."""

    alias: str
    host: str
    auth_type: str
    statements: tuple[dict[str, Any], ...]

    @property
    def missing(self) -> list[Grant]:
        """The grants no statement of the policy gives."""
        return [g for g in GRANTS if not any(grants(s, g) for s in self.statements)]

    def finding(self) -> Finding:
        problems = [f"{g.action} not granted" for g in self.missing]
        if self.auth_type != "NONE":
            problems.insert(0, f"auth type {self.auth_type}, not NONE (public)")
        return Finding(f"Function URL permissions {self.alias}", tuple(problems))


def read(lam: Any, function: str) -> dict[str, FunctionUrl]:
    """The Function URL of each alias (live, staging), with its resource policy."""
    found = {}
    for alias in (LIVE, STAGING):
        try:
            config = lam.get_function_url_config(FunctionName=function, Qualifier=alias)
        except ClientError as exc:
            if aws.error_code(exc) != "ResourceNotFoundException":
                raise
            raise DeployError(
                f"Alias {alias} of {function} has no Function URL, so CloudFront has nothing to "
                f"route to. Create it: aws lambda create-function-url-config --function-name "
                f"{function} --qualifier {alias} --auth-type NONE; then run this again with "
                "--yes, which grants both invoke permissions (see docs/DEPLOY.md)."
            ) from None
        found[alias] = FunctionUrl(
            alias,
            urlsplit(config["FunctionUrl"]).netloc,
            str(config.get("AuthType", "")),
            tuple(statements(lam, function, alias)),
        )
    return found


def statements(lam: Any, function: str, alias: str) -> list[dict[str, Any]]:
    """The statements of the alias's resource policy (none when it has no policy yet)."""
    try:
        answer = lam.get_policy(FunctionName=function, Qualifier=alias)
    except ClientError as exc:
        if aws.error_code(exc) == "ResourceNotFoundException":
            return []
        raise
    found: list[dict[str, Any]] = json.loads(answer["Policy"]).get("Statement", [])
    return found


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement.get("Action", [])
    return [action] if isinstance(action, str) else list(action)


def grants(statement: dict[str, Any], grant: Grant) -> bool:
    """The statement allows exactly what the grant needs: anyone, that action, that condition
    and no other (another condition would narrow who may call)."""
    conditions = statement.get("Condition") or {}
    value = str((conditions.get(grant.operator) or {}).get(grant.key, "")).lower()
    return (
        statement.get("Effect") == "Allow"
        and statement.get("Principal") in PUBLIC
        and grant.action in _actions(statement)
        and value == grant.value.lower()
        and conditions == {grant.operator: {grant.key: conditions[grant.operator][grant.key]}}
    )


def add(lam: Any, function: str, url: FunctionUrl, grant: Grant, tunables: Tunables) -> None:
    """Add the grant's statement. A statement of ours that says something else (edited by hand)
    is removed first: Lambda cannot change a statement in place."""
    target = {"FunctionName": function, "Qualifier": url.alias, "StatementId": grant.sid}
    if any(statement.get("Sid") == grant.sid for statement in url.statements):
        aws.call(lam.remove_permission, tunables, **target)
    extra = dict(grant.extra)
    aws.call(lam.add_permission, tunables, **target, Action=grant.action, Principal="*", **extra)
