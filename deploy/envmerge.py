"""The function's environment: current ∪ --set/--env-file, minus --unset, never sent partial.

The Gmail OAuth tokens live only in the function's environment, and UpdateFunctionConfiguration
replaces the whole map. So the new map is always built from the whole current one, checked
before it is sent, and described by key only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from deploy.output import DeployError, redact

ENV_LIMIT_BYTES = 4096  # Lambda measures the JSON of the variables map against 4 KB
KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
# Set by the Lambda runtime; UpdateFunctionConfiguration refuses them.
RESERVED = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


@dataclass(frozen=True)
class EnvChanges:
    """What the operator asked for: values to set (file first, then --set) and keys to drop."""

    set: Mapping[str, str] = field(default_factory=dict)
    unset: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EnvDiff:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    kept: tuple[str, ...]
    removed: tuple[str, ...]
    missing_unsets: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.kept)} kept, "
            f"{len(self.removed)} removed"
        )

    def lines(self) -> list[str]:
        """One line per key, sorted, values never shown."""
        marks = [
            ("+", "added", self.added),
            ("~", "changed", self.changed),
            ("=", "kept", self.kept),
            ("-", "removed", self.removed),
        ]
        rows = sorted((key, mark, word) for mark, word, keys in marks for key in keys)
        width = max((len(key) for key, _, _ in rows), default=0)
        out = [f"{mark} {key.ljust(width)}  {word}" for key, mark, word in rows]
        out += [f"? {key.ljust(width)}  not set, nothing to unset" for key in self.missing_unsets]
        return out


def _check_key(key: str, where: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise DeployError(
            f"{where}: {key!r} is not a valid variable name (a letter, then letters, digits or _)."
        )
    if key in RESERVED:
        raise DeployError(f"{where}: {key} is set by the Lambda runtime and cannot be changed.")
    return key


def _split(item: str, where: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        # Never echo the item: it may be a secret typed without its key.
        raise DeployError(f"{where} takes KEY=VALUE; one item has no '=' or no key.")
    return _check_key(key.strip(), where), value


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments skipped; `export ` and quotes allowed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeployError(f"Cannot read the env file {path}: {exc.strerror}.") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, value = _split(line, f"{path.name} line {number}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def parse_changes(
    sets: tuple[str, ...], unsets: tuple[str, ...], env_file: Path | None
) -> EnvChanges:
    """Turn --env-file, --set and --unset into one change; a key both set and unset is refused."""
    values = read_env_file(env_file) if env_file else {}
    for item in sets:
        key, value = _split(item, "--set")
        values[key] = value
    dropped = frozenset(_check_key(key.strip(), "--unset") for key in unsets)
    both = sorted(dropped & values.keys())
    if both:
        raise DeployError(f"{', '.join(both)}: both set and unset; say which you mean.")
    return EnvChanges(values, dropped)


def env_size(variables: Mapping[str, str]) -> int:
    """Bytes Lambda counts against its 4 KB limit: the map as compact JSON."""
    return len(json.dumps(dict(variables), separators=(",", ":"), ensure_ascii=False).encode())


def merge(current: Mapping[str, str], changes: EnvChanges) -> tuple[dict[str, str], EnvDiff]:
    """The complete new map and what differs from the current one; refuses what Lambda would
    reject or what would wipe the environment."""
    # Never partial: the map starts as the whole current one; only --unset drops a key.
    merged = {key: value for key, value in current.items() if key not in changes.unset}
    merged.update(changes.set)
    if current and not merged:
        raise DeployError(
            "That would remove every environment variable of the function; refusing. "
            "Unset fewer keys."
        )
    size = env_size(merged)
    if size > ENV_LIMIT_BYTES:
        raise DeployError(
            f"The merged environment would be {size} bytes, over Lambda's limit of "
            f"{ENV_LIMIT_BYTES} bytes; nothing was sent. Unset or shorten some values."
        )
    diff = EnvDiff(
        added=tuple(sorted(k for k in merged if k not in current)),
        changed=tuple(sorted(k for k in merged if k in current and merged[k] != current[k])),
        kept=tuple(sorted(k for k in merged if k in current and merged[k] == current[k])),
        removed=tuple(sorted(k for k in current if k not in merged)),
        missing_unsets=tuple(sorted(k for k in changes.unset if k not in current)),
    )
    return merged, diff


def current_variables(configuration: Mapping[str, object]) -> dict[str, str]:
    """The variables of a GetFunctionConfiguration answer; refuse when Lambda could not decrypt
    them (the answer then has an error and no variables, and merging would wipe the secrets)."""
    environment = configuration.get("Environment") or {}
    if not isinstance(environment, dict):
        return {}
    error = environment.get("Error")
    if error:
        code = error.get("ErrorCode", "?") if isinstance(error, dict) else "?"
        raise DeployError(
            f"Lambda could not read the function's environment ({code}), so it cannot be merged "
            "safely; nothing was sent. Check the KMS key and this role's kms:Decrypt permission."
        )
    variables = environment.get("Variables") or {}
    return {str(k): str(v) for k, v in variables.items()}


def known_variables(configuration: Mapping[str, object]) -> dict[str, str]:
    """current_variables, each value registered with the redactor before anyone can print it."""
    variables = current_variables(configuration)
    redact.add_env(variables)
    return variables
