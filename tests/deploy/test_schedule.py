"""The reminders' schedule on moto's EventBridge Scheduler and IAM: created once, with its own
role that may invoke alias live and nothing else; read without changes by `plan`; put back when
it drifted; left alone when it is right."""

from __future__ import annotations

import json

from deploy import schedule
from deploy.config import Tunables
from tests.deploy.cloud import FUNCTION, Cloud

TZ = "America/Los_Angeles"


def test_the_deploy_creates_checks_and_repairs_the_schedule(aliases: Cloud) -> None:
    scheduler, iam = aliases.client("scheduler"), aliases.client("iam")
    live = aliases.client("lambda").get_alias(FunctionName=FUNCTION, Name="live")["AliasArn"]
    tunables = Tunables(retry_delay=0)

    before = schedule.read(scheduler, iam, live, TZ)
    assert before.schedule is None and "not there yet" in before.line()
    assert "created" in schedule.ensure(scheduler, iam, live, TZ, tunables)

    made = scheduler.get_schedule(Name=schedule.NAME)
    assert made["ScheduleExpression"] == "cron(0 8-20 * * ? *)"
    assert made["ScheduleExpressionTimezone"] == TZ
    assert made["Target"]["Arn"] == live and json.loads(made["Target"]["Input"]) == {
        "scc_job": "reminders"
    }
    role = iam.get_role(RoleName=schedule.ROLE)["Role"]
    assert made["Target"]["RoleArn"] == role["Arn"]
    (trusted,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trusted["Principal"] == {"Service": "scheduler.amazonaws.com"}
    policy = iam.get_role_policy(RoleName=schedule.ROLE, PolicyName=schedule.POLICY)
    (allowed,) = policy["PolicyDocument"]["Statement"]
    assert (allowed["Action"], allowed["Resource"]) == ("lambda:InvokeFunction", live)
    assert iam.list_role_policies(RoleName=schedule.ROLE)["PolicyNames"] == [schedule.POLICY]

    checked = schedule.read(scheduler, iam, live, TZ)
    assert checked.drift == () and checked.line().endswith("(ok)")
    assert schedule.ensure(scheduler, iam, live, TZ, tunables).endswith("(ok)")

    drifted = {**schedule.wanted(live, role["Arn"], "UTC"), "ScheduleExpression": "rate(1 day)"}
    scheduler.update_schedule(**drifted)
    assert schedule.read(scheduler, iam, live, TZ).drift == (
        "ScheduleExpression",
        "ScheduleExpressionTimezone",
    )
    assert "updated" in schedule.ensure(scheduler, iam, live, TZ, tunables)
    assert schedule.read(scheduler, iam, live, TZ).drift == ()
