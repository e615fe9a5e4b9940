"""What keeps production safe, read with describe calls only, for the plan: the table's protection
(`scc init-db` turns it on), the stream mapping and its failure queue and the reminders schedule
(`promote`), the alarms and the concurrency ceiling (`routes --yes`), and where the secrets
live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from deploy import alarms, aws, schedule, streams
from deploy.config import DEFAULT_TIMEZONE
from deploy.run import Run
from scc.runtime_secrets import NAMES, references
from scc.store import tables


@dataclass
class Safety:
    table: str
    protection: tables.Protection | None  # None: no table to protect yet
    stream: streams.StreamState
    queue_arn: str | None
    watch: alarms.Watch
    admin: str | None
    referenced: dict[str, str]  # secret variable -> Parameter Store name
    plain: list[str]  # secret variables holding their value
    reminders: str  # the reminders schedule, as a line

    def lines(self, ceiling: int) -> list[str]:
        if self.protection is None:
            table = f"{self.table}: not there yet (`scc init-db` makes and protects it)"
        elif self.protection.missing():
            missing = ", ".join(self.protection.missing())
            table = f"{self.table}: {missing}; run `scc init-db`"
        else:
            table = f"{self.table}: deletion protection, point-in-time recovery and TTL on"
        queue = streams.queue_name(self.watch.function)
        failures = (
            f"{queue} (on-failure destination of the mapping)"
            if self.queue_arn
            else f"{queue} missing; promote or routes --yes makes it"
        )
        wrong = [f for f in self.watch.findings(self.admin, ceiling) if f.problems]
        watched = (
            "topic, 4 alarms and reserved concurrency right"
            if not wrong
            else "; ".join(f"{f.subject}: {', '.join(f.problems)}" for f in wrong)
            + " (routes --yes fixes)"
        )
        secrets = [f"{name} → Parameter Store {ref}" for name, ref in self.referenced.items()]
        if self.plain:
            secrets.append(
                f"{', '.join(self.plain)} in the environment itself (rollback refuses to "
                "bring back an older value)"
            )
        return [
            f"  table        {table}",
            f"  stream       {self.stream.line(self.queue_arn)}",
            f"  failures     {failures}",
            f"  alarms       {watched}",
            f"  reminders    {self.reminders}",
            f"  secrets      {'; '.join(secrets) or 'none set'}",
        ]


def _protection(dynamodb: Any, table: str) -> tables.Protection | None:
    try:
        return tables.protection(dynamodb, table)
    except ClientError as exc:
        if aws.error_code(exc) != "ResourceNotFoundException":
            raise
        return None


def read(
    run: Run, configuration: dict[str, Any], environment: dict[str, str], live_arn: str | None
) -> Safety:
    clients, function = run.clients, run.options.function
    table = streams.table_name(environment)
    referenced = references(environment)
    timezone = environment.get("SCC_TIMEZONE") or DEFAULT_TIMEZONE
    reminders = (
        schedule.read(clients.scheduler, clients.iam, live_arn, timezone).line()
        if live_arn
        else f"reminders schedule {schedule.NAME}: promote makes it once alias live exists"
    )
    return Safety(
        table=table,
        protection=_protection(clients.dynamodb, table),
        stream=streams.read(clients.lambda_, clients.dynamodb, table, live_arn),
        queue_arn=streams.queue_arn(clients.sqs, streams.queue_name(function)),
        watch=alarms.read(clients, function, str(configuration["FunctionArn"])),
        admin=environment.get("SCC_ADMIN_EMAIL") or None,
        referenced=referenced,
        plain=[n for n in NAMES if environment.get(n) and n not in referenced],
        reminders=reminders,
    )
