"""The Lambda calls of a release: code → wait → merged config → wait → publish → wait → alias,
and the live alias's history. The steps that call them are in deploy/staging.py."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws
from deploy.build import Package
from deploy.config import Tunables
from deploy.envmerge import EnvChanges, EnvDiff, known_variables, merge
from deploy.output import DeployError, Steps, log
from deploy.output import Step as Log

MERGE_ATTEMPTS = 3
HISTORY = re.compile(r"previous:((?: \d+)*)")
PENDING = re.compile(r"rolling back from (\d+);")
HISTORY_LENGTH = 20


def read_function(lam: Any, function: str) -> dict[str, Any]:
    """GetFunction: code location and configuration; a missing function is a plain sentence."""
    try:
        answer: dict[str, Any] = lam.get_function(FunctionName=function)
    except ClientError as exc:
        if aws.error_code(exc) == "ResourceNotFoundException":
            raise DeployError(
                f"There is no Lambda function {function} in this account and region; create it "
                "first (see docs/DEPLOY.md) or pass --function and --region."
            ) from None
        raise
    answer.pop("ResponseMetadata", None)
    return answer


def read_alias(lam: Any, function: str, name: str) -> dict[str, Any] | None:
    try:
        answer: dict[str, Any] = lam.get_alias(FunctionName=function, Name=name)
    except ClientError as exc:
        if aws.error_code(exc) == "ResourceNotFoundException":
            return None
        raise
    answer.pop("ResponseMetadata", None)
    return answer


def published(lam: Any, function: str) -> list[dict[str, Any]]:
    """The function's published versions (not $LATEST), oldest first."""
    versions: list[dict[str, Any]] = []
    for page in lam.get_paginator("list_versions_by_function").paginate(FunctionName=function):
        versions += [v for v in page["Versions"] if v["Version"].isdigit()]
    return sorted(versions, key=lambda v: int(v["Version"]))


def holding(versions: list[dict[str, Any]], code_sha256: str) -> str | None:
    """The newest published version with this code, if any."""
    found = [v["Version"] for v in versions if v.get("CodeSha256") == code_sha256]
    return str(found[-1]) if found else None


def _revision(config: dict[str, Any]) -> dict[str, str]:
    """The RevisionId guard for the next write, when Lambda gave one."""
    revision = config.get("RevisionId")
    if not revision:
        log.warning("    Lambda returned no RevisionId; this write is not guarded against races.")
        return {}
    return {"RevisionId": str(revision)}


def update_code(
    lam: Any, steps: Steps, done: Log, function: str, package: Package, current: dict[str, Any],
    tunables: Tunables,
) -> None:  # fmt: skip
    if current.get("CodeSha256") == package.code_sha256:
        done.skip("the function already has this code")
        return
    aws.call(
        lam.update_function_code,
        tunables,
        FunctionName=function,
        ZipFile=package.path.read_bytes(),
        Publish=False,
        **_revision(current),
    )
    steps.record(f"$LATEST code updated to sha256 {package.sha256[:12]}")
    done.note(f"sha256 {package.sha256[:12]}")


def wait_updated(lam: Any, done: Log, function: str, tunables: Tunables) -> None:
    aws.wait(lam, "function_updated_v2", tunables, FunctionName=function)
    done.note("Successful")


def merge_environment(
    lam: Any,
    steps: Steps,
    done: Log,
    function: str,
    changes: EnvChanges,
    snapstart: bool | None,
    tunables: Tunables,
) -> EnvDiff:
    """Read the whole current environment, merge, and write it back guarded by the RevisionId
    just read; if someone changed the configuration meanwhile, read and merge again."""
    for _ in range(MERGE_ATTEMPTS):
        config = lam.get_function_configuration(FunctionName=function)
        merged, diff = merge(known_variables(config), changes)
        applies, wanted = snapstart_now(config), snapstart_wanted(snapstart)
        if diff.unchanged and wanted in (None, applies):
            done.skip(f"environment unchanged ({len(merged)} keys)")
            return diff
        update: dict[str, Any] = {"FunctionName": function, "Environment": {"Variables": merged}}
        if wanted not in (None, applies):
            update["SnapStart"] = {"ApplyOn": wanted}
        try:
            aws.call(lam.update_function_configuration, tunables, **update, **_revision(config))
        except ClientError as exc:
            if aws.error_code(exc) != "PreconditionFailedException":
                raise
            log.info("    the configuration changed since it was read; reading it again")
            continue
        steps.record(f"environment of $LATEST merged ({diff.summary()})")
        if "SnapStart" in update:
            steps.record(f"SnapStart set to {wanted}")
        done.note(diff.summary())
        return diff
    raise DeployError(
        "The function's configuration kept changing while it was being merged; "
        "nothing more was sent. Run the deploy again."
    )


def publish(
    lam: Any, steps: Steps, done: Log, function: str, package: Package, description: str,
    tunables: Tunables,
) -> str:  # fmt: skip
    """Publish $LATEST, but only if it still holds the package this run uploaded."""
    config = lam.get_function_configuration(FunctionName=function)
    if config.get("CodeSha256") != package.code_sha256:
        raise DeployError(
            "The function's code is no longer the package this run uploaded (another deploy "
            "ran meanwhile?); no version was published."
        )
    answer = aws.call(
        lam.publish_version,
        tunables,
        FunctionName=function,
        CodeSha256=package.code_sha256,
        Description=description[:256],
        **_revision(config),
    )
    version = str(answer["Version"])
    steps.record(f"version {version} published")
    done.note(f"version {version}")
    return version


def wait_version(lam: Any, done: Log, function: str, version: str, tunables: Tunables) -> None:
    aws.wait(lam, "published_version_active", tunables, FunctionName=function, Qualifier=version)
    done.note("Active")


def snapstart_now(configuration: dict[str, Any]) -> str:
    """SnapStart's ApplyOn as the function has it ("None" when off)."""
    return str((configuration.get("SnapStart") or {}).get("ApplyOn", "None"))


def snapstart_wanted(flag: bool | None) -> str | None:
    """What --snapstart/--no-snapstart asks for; None leaves it as it is."""
    return None if flag is None else ("PublishedVersions" if flag else "None")


def point_alias(
    lam: Any, function: str, name: str, version: str, description: str, tunables: Tunables
) -> str:
    """Point an alias at a published version (creating the alias if needed); never $LATEST.
    Returns the alias's ARN."""
    if not version.isdigit():
        raise DeployError(
            f"Refusing to point alias {name} at {version!r}: aliases only ever name a published "
            "version, never $LATEST."
        )
    fields = {
        "FunctionName": function,
        "Name": name,
        "FunctionVersion": version,
        "Description": description[:256],
    }
    try:
        answer = aws.call(lam.update_alias, tunables, **fields)
    except ClientError as exc:
        if aws.error_code(exc) != "ResourceNotFoundException":
            raise
        answer = aws.call(lam.create_alias, tunables, **fields)
    return str(answer["AliasArn"])


def live_history(alias: dict[str, Any] | None) -> list[str]:
    """Earlier live versions, most recent first, as kept in alias live's description."""
    match = HISTORY.search((alias or {}).get("Description") or "")
    return match.group(1).split() if match else []


def rolling_back_from(alias: dict[str, Any] | None) -> str | None:
    """The version a rollback that has not finished took live off, as alias live says."""
    match = PENDING.search((alias or {}).get("Description") or "")
    return match.group(1) if match else None


def live_description(previous: list[str], *, rolling_back_from: str | None = None) -> str:
    """Alias live's description: the earlier live versions, and while a rollback has moved live
    but not finished, the version it came from (so running it again finishes it)."""
    kept = previous[:HISTORY_LENGTH]
    pending = f" rolling back from {rolling_back_from};" if rolling_back_from else ""
    return f"scc live;{pending} previous:" + "".join(f" {v}" for v in kept)
