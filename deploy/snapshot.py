"""Before anything changes: the function's code location and whole configuration, secrets
included, in an owner-only file outside the repository."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deploy.config import PROJECT_ROOT
from deploy.output import DeployError


def state_dir() -> Path:
    """$SCC_DEPLOY_STATE_DIR, else $XDG_STATE_HOME/shipcaptaincrew, else ~/.local/state/…"""
    explicit = os.environ.get("SCC_DEPLOY_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "shipcaptaincrew"


def check_outside_repo(directory: Path) -> Path:
    """Refuse a state folder inside the repository: the file holds the Gmail tokens."""
    resolved = directory.resolve()
    if resolved == PROJECT_ROOT or PROJECT_ROOT in resolved.parents:
        raise DeployError(
            f"The snapshot folder {resolved} is inside the repository; it would hold secrets next "
            "to the code. Point SCC_DEPLOY_STATE_DIR somewhere else."
        )
    return resolved


def write(function: str, function_answer: dict[str, Any], aliases: dict[str, Any]) -> Path:
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
            "location": function_answer.get("Code", {}).get("Location"),
            "repository_type": function_answer.get("Code", {}).get("RepositoryType"),
            "sha256": configuration.get("CodeSha256"),
            "size": configuration.get("CodeSize"),
        },
        "configuration": configuration,
        "aliases": aliases,
        "restore": "aws lambda update-function-configuration --function-name "
        f"{function} --environment file://<this file's configuration.Environment>",
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        json.dump(snapshot, out, indent=2, sort_keys=True, default=str)
    return path
