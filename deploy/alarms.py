"""When production breaks, someone is told, and a flood has a ceiling.

CloudWatch alarms on alias live's Errors and Throttles, the stream mapping's IteratorAge and the
failure queue's depth, sent to an SNS topic that mails SCC_ADMIN_EMAIL (through SNS, so the mail
arrives when Gmail is what broke; AWS asks the address to confirm the subscription once). A
reserved-concurrency ceiling bounds how many copies of the function run at once, so a flood of
requests costs at most that many and is throttled beyond it (the Throttles alarm says so).
`routes --yes` creates or fixes them; `routes` and `plan` report them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws, streams
from deploy.config import LIVE
from deploy.output import DeployError, Finding

TOPIC_SUFFIX = "-alarms"
PERIOD = 300
ITERATOR_AGE_MS = 30 * 60 * 1000  # notifications half an hour behind


def topic_arn(function_arn: str, function: str) -> str:
    """The alarm topic's ARN, in the function's region and account."""
    _, partition, _, region, account = function_arn.split(":")[:5]
    return f"arn:{partition}:sns:{region}:{account}:{function}{TOPIC_SUFFIX}"


@dataclass(frozen=True)
class Alarm:
    name: str
    namespace: str
    metric: str
    statistic: str
    threshold: float
    about: str
    on_queue: bool = False  # the failure queue's metric, else alias live's


ALARMS = (
    Alarm("live-errors", "AWS/Lambda", "Errors", "Sum", 1, "requests or stream batches failed"),
    Alarm("live-throttles", "AWS/Lambda", "Throttles", "Sum", 1, "refused at the ceiling"),
    Alarm(
        "stream-iterator-age",
        "AWS/Lambda",
        "IteratorAge",
        "Maximum",
        ITERATOR_AGE_MS,
        "notifications are more than 30 minutes behind",
    ),
    Alarm(
        "notify-failures",
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "Maximum",
        1,
        "notices that could not be sent wait in the failure queue",
        on_queue=True,
    ),
)


def specs(function: str, topic: str) -> list[dict[str, Any]]:
    """The alarms as PutMetricAlarm takes them: anything over the threshold in five minutes."""
    live = [
        {"Name": "FunctionName", "Value": function},
        {"Name": "Resource", "Value": f"{function}:{LIVE}"},
    ]
    queue = [{"Name": "QueueName", "Value": streams.queue_name(function)}]
    return [
        {
            "AlarmName": f"{function}-{alarm.name}",
            "AlarmDescription": f"ShipCaptainCrew: {alarm.about} (docs/DEPLOY.md, Alarms)",
            "Namespace": alarm.namespace,
            "MetricName": alarm.metric,
            "Dimensions": queue if alarm.on_queue else live,
            "Statistic": alarm.statistic,
            "Period": PERIOD,
            "EvaluationPeriods": 1,
            "Threshold": float(alarm.threshold),
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [topic],
        }
        for alarm in ALARMS
    ]


def _dimensions(alarm: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((d["Name"], d["Value"]) for d in alarm.get("Dimensions", []))


def _drifted(spec: dict[str, Any], found: dict[str, Any] | None) -> bool:
    """Whether the alarm is missing or says something else than the spec."""
    if found is None:
        return True
    others = (key for key in spec if key != "Dimensions")
    return _dimensions(found) != _dimensions(spec) or any(found.get(k) != spec[k] for k in others)


@dataclass
class Watch:
    """The topic, its subscriptions, the alarms and the ceiling: describe calls only."""

    function: str
    topic: str
    topic_exists: bool
    # endpoint -> SubscriptionArn, which is "PendingConfirmation" until the mail is confirmed
    subscribed: dict[str, str]
    alarms: dict[str, dict[str, Any]]
    concurrency: int | None

    def stale_alarms(self) -> list[dict[str, Any]]:
        made = specs(self.function, self.topic)
        return [spec for spec in made if _drifted(spec, self.alarms.get(spec["AlarmName"]))]

    def notes(self, admin: str | None) -> list[str]:
        """What only the admin can do: confirm the subscription (AWS mails a link)."""
        if admin and self.subscribed.get(admin) == "PendingConfirmation":
            return ["SCC_ADMIN_EMAIL has not confirmed the alarm topic's subscription mail yet"]
        return []

    def findings(self, admin: str | None, ceiling: int) -> list[Finding]:
        topic: list[str] = []
        if not self.topic_exists:
            topic.append("missing")
        if not admin:
            topic.append("SCC_ADMIN_EMAIL is not set: nobody to mail")
        elif admin not in self.subscribed:
            topic.append("SCC_ADMIN_EMAIL not subscribed")
        found = [Finding("alarm topic", tuple(topic))]
        stale = {spec["AlarmName"] for spec in self.stale_alarms()}
        for spec in specs(self.function, self.topic):
            name = spec["AlarmName"]
            problem = "missing" if name not in self.alarms else "differs"
            short = name.removeprefix(self.function + "-")
            found.append(Finding(f"alarm {short}", (problem,) if name in stale else ()))
        reserved = f"{self.concurrency or 'none'}, wanted {ceiling}"
        found.append(
            Finding("reserved concurrency", () if self.concurrency == ceiling else (reserved,))
        )
        return found


def read(clients: Any, function: str, function_arn: str) -> Watch:
    topic = topic_arn(function_arn, function)
    sns = clients.sns
    try:
        sns.get_topic_attributes(TopicArn=topic)
        exists = True
    except ClientError as exc:
        if aws.error_code(exc) != "NotFound":
            raise
        exists = False
    subscribed: dict[str, str] = {}
    if exists:
        for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic):
            for sub in page.get("Subscriptions", []):
                subscribed[sub["Endpoint"]] = sub["SubscriptionArn"]
    names = [s["AlarmName"] for s in specs(function, topic)]
    found = clients.cloudwatch.describe_alarms(AlarmNames=names).get("MetricAlarms", [])
    reserved = clients.lambda_.get_function_concurrency(FunctionName=function)
    return Watch(
        function=function,
        topic=topic,
        topic_exists=exists,
        subscribed=subscribed,
        alarms={alarm["AlarmName"]: alarm for alarm in found},
        concurrency=reserved.get("ReservedConcurrentExecutions"),
    )


def make_topic(sns: Any, watch: Watch, admin: str | None) -> list[str]:
    """Create the topic (idempotent) and subscribe the admin's address; what it did."""
    done = []
    if not watch.topic_exists:
        sns.create_topic(Name=watch.topic.rsplit(":", 1)[1])
        watch.topic_exists = True
        done.append("topic created")
    if admin and admin not in watch.subscribed:
        answer = sns.subscribe(TopicArn=watch.topic, Protocol="email", Endpoint=admin)
        watch.subscribed[admin] = str(answer.get("SubscriptionArn", "PendingConfirmation"))
        done.append("SCC_ADMIN_EMAIL subscribed (AWS mails it a link to confirm)")
    return done


def put_alarms(cloudwatch: Any, watch: Watch) -> list[str]:
    """Create each missing alarm and put back each that drifted; their names."""
    put = []
    for spec in watch.stale_alarms():
        cloudwatch.put_metric_alarm(**spec)
        watch.alarms[spec["AlarmName"]] = spec
        put.append(spec["AlarmName"])
    return put


def reserve(lam: Any, function: str, ceiling: int) -> None:
    """Reserve the ceiling; an account whose own limit is too low gets a sentence."""
    try:
        lam.put_function_concurrency(FunctionName=function, ReservedConcurrentExecutions=ceiling)
    except ClientError as exc:
        message = str(exc.response.get("Error", {}).get("Message", ""))
        if aws.error_code(exc) != "InvalidParameterValueException" or "Unreserved" not in message:
            raise
        raise DeployError(
            f"This account cannot reserve {ceiling} concurrent executions for {function}: AWS "
            f"keeps a minimum unreserved ({message.strip()}). Ask for a higher Lambda "
            "concurrency quota (Service Quotas, 'Concurrent executions'), or pass a smaller "
            "--concurrency."
        ) from None
