"""The function's CloudWatch log group keeps 90 days, unless someone chose a period already.

Lambda creates /aws/lambda/<function> on the first invocation and keeps its logs forever; the
app's `notify:` lines are what a lost message is resent from, so they must outlive a few weeks,
but forever costs money for nothing. `plan` reads (DescribeLogGroups); `staging` creates the
group if it is missing and sets the retention if none is set.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

RETENTION_DAYS = 90


def group_name(configuration: dict[str, Any]) -> str:
    """The function's log group: its LoggingConfig's, else Lambda's default."""
    chosen = (configuration.get("LoggingConfig") or {}).get("LogGroup")
    return str(chosen or f"/aws/lambda/{configuration['FunctionName']}")


@dataclass(frozen=True)
class LogGroup:
    name: str
    exists: bool
    retention_days: int | None

    @property
    def to_do(self) -> str:
        """What staging will do, '' for nothing."""
        if not self.exists:
            return f"create it, keeping {RETENTION_DAYS} days"
        if self.retention_days is None:
            return f"keep {RETENTION_DAYS} days (now forever)"
        return ""

    def line(self) -> str:
        if self.to_do:
            return f"{self.name}: {self.to_do}"
        return f"{self.name}: keeps {self.retention_days} days (left as it is)"


def read(logs: Any, name: str) -> LogGroup:
    """The group and its retention, by describe calls only."""
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name):
        for group in page.get("logGroups", []):
            if group.get("logGroupName") == name:
                return LogGroup(name, True, group.get("retentionInDays"))
    return LogGroup(name, False, None)


def apply(logs: Any, group: LogGroup) -> str:
    """Create the group if missing and set the retention if none; returns what it did."""
    done = group.to_do
    if not group.exists:
        # The function's first invocation may have made it meanwhile.
        with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
            logs.create_log_group(logGroupName=group.name)
    if done:
        logs.put_retention_policy(logGroupName=group.name, retentionInDays=RETENTION_DAYS)
    return done
