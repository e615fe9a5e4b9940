"""Before anything changes: which published version holds the function's code, and its
configuration, in an owner-only file outside the repository, with no secret in it.

The code is kept as a Lambda version (published first if $LATEST's code is in none), not as
GetFunction's Code.Location, a presigned URL that expires minutes after it is read: a version
keeps its code until someone deletes it, and a fresh URL to its zip is one call away. The
environment is kept as names and hashes (enough to see which values changed since); its values
are in that version's configuration, where Lambda keeps them encrypted.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deploy import aws
from deploy.config import PROJECT_ROOT, Tunables
from deploy.output import NOT_SECRET, DeployError


def state_dir() -> Path:
    """$SCC_DEPLOY_STATE_DIR, else $XDG_STATE_HOME/shipcaptaincrew, else ~/.local/state/…"""
    explicit = os.environ.get("SCC_DEPLOY_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "shipcaptaincrew"


def check_outside_repo(directory: Path) -> Path:
    """Refuse a state folder inside the repository: the file describes the function's setup."""
    resolved = directory.resolve()
    if resolved == PROJECT_ROOT or PROJECT_ROOT in resolved.parents:
        raise DeployError(
            f"The snapshot folder {resolved} is inside the repository, where it could be "
            "committed. Point SCC_DEPLOY_STATE_DIR somewhere else."
        )
    return resolved


def keep_code(
    lam: Any, function: str, configuration: dict[str, Any], version: str | None, tunables: Tunables
) -> str:
    """The published version that holds $LATEST's code: `version` (found by the plan), else one
    published now, guarded by the code and RevisionId the plan read."""
    if version is not None:
        return version
    guard = {"RevisionId": configuration["RevisionId"]} if configuration.get("RevisionId") else {}
    answer = aws.call(
        lam.publish_version,
        tunables,
        FunctionName=function,
        CodeSha256=configuration["CodeSha256"],
        Description="scc snapshot: the code before a staging run",
        **guard,
    )
    return str(answer["Version"])


def fingerprint(value: str) -> str:
    """What a snapshot keeps of a value: enough of its SHA-256 to see that it changed."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def without_values(configuration: dict[str, Any]) -> dict[str, Any]:
    """The configuration with each environment value replaced by its fingerprint (the names
    that are never secret, the bucket and the table, kept as they are)."""
    kept = copy.deepcopy(configuration)
    variables = (kept.get("Environment") or {}).get("Variables")
    if variables:
        kept["Environment"]["Variables"] = {
            key: value if key in NOT_SECRET else fingerprint(str(value))
            for key, value in variables.items()
        }
    return kept


def restore_commands(function: str, version: str) -> dict[str, str]:
    """How to put the snapshot back, in AWS CLI commands (also in docs/DEPLOY.md)."""
    return {
        "serve_that_version": f"aws lambda update-alias --function-name {function} --name live "
        f"--function-version {version}",
        "zip_of_that_version": f"aws lambda get-function --function-name {function} "
        f"--qualifier {version} --query Code.Location --output text (a URL valid for minutes)",
        "code_back_to_latest": f"aws lambda update-function-code --function-name {function} "
        "--zip-file fileb://<that zip>",
        "environment_of_that_version": f"aws lambda get-function-configuration --function-name "
        f"{function} --qualifier {version} --query Environment > env.json (compare its values' "
        "SHA-256 with this file's; keep env.json outside the repository)",
        "environment_back_to_latest": "aws lambda update-function-configuration --function-name "
        f"{function} --environment file://env.json",
    }


def write(
    function: str, function_answer: dict[str, Any], aliases: dict[str, Any], version: str
) -> Path:
    """Write the snapshot (mode 0600, folder 0700) and return its path."""
    directory = check_outside_repo(state_dir())
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = directory / f"{function}-{stamp}.json"
    configuration = dict(function_answer.get("Configuration", {}))
    snapshot = {
        "taken_at": stamp,
        "function": function,
        "code": {
            "version": version,
            "sha256": configuration.get("CodeSha256"),
            "size": configuration.get("CodeSize"),
        },
        "configuration": without_values(configuration),
        "aliases": aliases,
        "restore": restore_commands(function, version),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        json.dump(snapshot, out, indent=2, sort_keys=True, default=str)
    return path
