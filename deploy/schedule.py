"""The reminders' schedule: an EventBridge Scheduler schedule that sends `{"scc_job":
"reminders"}` to alias live every hour from 08:00 to 20:00 in SCC_TIMEZONE, through its own
execution role, which may invoke that alias and nothing else.

`read` describes what is there (get calls only, for `plan`); `ensure` creates the role and the
schedule when missing and puts back what drifted. The step list (deploy/run.py) calls them with
the account's `scheduler` and `iam` clients.

Setting up the execution role (trust scheduler.amazonaws.com, only from this account):
https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
Lambda as a target: https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws
from deploy.config import Tunables

NAME = "scc-reminders"
ROLE = "scc-reminders-scheduler"
POLICY = "invoke-live-alias"
EXPRESSION = "cron(0 8-20 * * ? *)"  # minute 0 of hours 8..20, every day, in the timezone given
INPUT = json.dumps({"scc_job": "reminders"}, separators=(",", ":"))
RETRY = {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600}


def trust(account: str) -> dict[str, Any]:
    """Who may assume the role: EventBridge Scheduler, for this account's schedules only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }


def permissions(alias_arn: str) -> dict[str, Any]:
    """What the role may do: invoke alias live, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": alias_arn}
        ],
    }


def wanted(alias_arn: str, role_arn: str, timezone: str) -> dict[str, Any]:
    """The schedule as create_schedule and update_schedule take it."""
    return {
        "Name": NAME,
        "ScheduleExpression": EXPRESSION,
        "ScheduleExpressionTimezone": timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Description": "SCC: remind patrons of what they miss (scc.notify.reminders)",
        "Target": {"Arn": alias_arn, "RoleArn": role_arn, "Input": INPUT, "RetryPolicy": RETRY},
    }


@dataclass(frozen=True)
class ScheduleState:
    """What `plan` shows and the deploy acts on."""

    role_arn: str | None
    schedule: dict[str, Any] | None
    drift: tuple[str, ...] = ()  # what differs from what is wanted

    def line(self) -> str:
        if self.schedule is None:
            return f"reminders schedule {NAME}: not there yet; the deploy creates it"
        if self.drift:
            return (
                f"reminders schedule {NAME}: differs ({', '.join(self.drift)}); the deploy fixes it"
            )
        tz = self.schedule.get("ScheduleExpressionTimezone")
        return f"reminders schedule {NAME}: hourly 08:00-20:00 {tz} → alias live (ok)"


def _missing(exc: ClientError) -> bool:
    return aws.error_code(exc) in ("ResourceNotFoundException", "NoSuchEntity")


def read(scheduler: Any, iam: Any, alias_arn: str, timezone: str) -> ScheduleState:
    """The role and the schedule as they are (get calls only), and how they differ."""
    try:
        role_arn: str | None = str(iam.get_role(RoleName=ROLE)["Role"]["Arn"])
    except ClientError as exc:
        if not _missing(exc):
            raise
        role_arn = None
    try:
        found = scheduler.get_schedule(Name=NAME)
    except ClientError as exc:
        if not _missing(exc):
            raise
        return ScheduleState(role_arn, None)
    want = wanted(alias_arn, role_arn or "", timezone)
    drift = [
        k
        for k in ("ScheduleExpression", "ScheduleExpressionTimezone", "State")
        if found.get(k) != want[k]
    ]
    target = found.get("Target") or {}
    drift += [
        f"Target.{k}" for k in ("Arn", "RoleArn", "Input") if target.get(k) != want["Target"][k]
    ]
    return ScheduleState(role_arn, found, tuple(drift))


def _role(iam: Any, alias_arn: str) -> str:
    """Create the execution role, or put back its trust and permissions; its ARN."""
    account = alias_arn.split(":")[4]
    document = json.dumps(trust(account))
    try:
        arn = str(iam.get_role(RoleName=ROLE)["Role"]["Arn"])
        iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=document)
    except ClientError as exc:
        if not _missing(exc):
            raise
        answer = iam.create_role(
            RoleName=ROLE,
            AssumeRolePolicyDocument=document,
            Description="EventBridge Scheduler: invoke SCC's alias live for the reminders",
        )
        arn = str(answer["Role"]["Arn"])
    policy = json.dumps(permissions(alias_arn))
    iam.put_role_policy(RoleName=ROLE, PolicyName=POLICY, PolicyDocument=policy)
    return arn


def ensure(scheduler: Any, iam: Any, alias_arn: str, timezone: str, tunables: Tunables) -> str:
    """Create or fix the role and the schedule; one line saying what was done."""
    state = read(scheduler, iam, alias_arn, timezone)
    if state.schedule is not None and not state.drift and state.role_arn:
        _role(iam, alias_arn)  # the role's policies are not part of the drift read: put them back
        return state.line()
    role_arn = _role(iam, alias_arn)
    write = scheduler.update_schedule if state.schedule is not None else scheduler.create_schedule
    # A new role takes a few seconds to be assumable (IAM is eventually consistent):
    # EventBridge Scheduler answers ValidationException until then.
    aws.call(
        write,
        tunables,
        retry_on="ValidationException",
        waiting="the schedule's new role is not assumable yet",
        **wanted(alias_arn, role_arn, timezone),
    )
    done = "updated" if state.schedule is not None else "created"
    return f"reminders schedule {NAME}: {done} (hourly 08:00-20:00 {timezone} → alias live)"
