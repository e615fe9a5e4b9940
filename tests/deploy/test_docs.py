"""docs/DEPLOY.md says what the code does: each subcommand's steps in the code's order and words,
and an execution role that allows exactly the DynamoDB operations the app calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from deploy import promote, rollback, routes, staging
from deploy.config import PROJECT_ROOT
from deploy.steps import Step

PAGE = (PROJECT_ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
# Run by the operator from a shell (scc init-db, lint-events, make dev), never by Lambda.
NOT_IN_LAMBDA = ("scc/dev/", "scc/store/admin.py")
# Whole-table Scans are the admin tools' alone: `scc lint-events` (admin.partition_keys) and
# `scc init-db`'s upgrade (admin.old_format), which the operator runs, not the function.
SCANS = {"scc/store/admin.py"}


def _listed(section: str) -> list[str]:
    """The bold titles of the numbered list under `### <section>`."""
    body = PAGE.split(f"\n### {section}\n", 1)[1]
    body = re.split(r"\n##", body, maxsplit=1)[0]
    titles = re.findall(r"^\s*\d+\. \*\*((?:\\\*|[^*])+)\*\*", body, flags=re.MULTILINE)
    return [" ".join(t.replace("\\*", "*").split()) for t in titles]


@pytest.mark.parametrize(
    ("section", "steps"),
    [
        ("staging", staging.STEPS),
        ("promote", promote.STEPS),
        ("rollback", rollback.STEPS),
        ("routes", routes.STEPS),
    ],
)
def test_the_page_lists_each_subcommands_steps_as_the_code_runs_them(
    section: str, steps: list[Step[Any]]
) -> None:
    assert _listed(section) == [step.what for step in steps]


def _operations() -> set[str]:
    """The DynamoDB operations the app makes (Store.call / every_item), in IAM's spelling."""
    found = set()
    for path in sorted((PROJECT_ROOT / "scc").rglob("*.py")):
        name = path.relative_to(PROJECT_ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        operations = set(re.findall(r"(?:\bcall|\bevery_item)\(\s*\"([a-z_]+)\"", text))
        if "scan" in operations:
            assert name in SCANS, f"{name} scans the table: the execution role does not allow it"
            operations.discard("scan")
        if name.startswith(NOT_IN_LAMBDA):
            continue
        for operation in operations:
            found.add("".join(part.title() for part in operation.split("_")))
        if '"ConditionCheck"' in text:  # a transaction's check: its own permission
            found.add("ConditionCheckItem")
    return found


def _role() -> list[dict[str, Any]]:
    block = PAGE.split("`data.json`", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    statements: list[dict[str, Any]] = json.loads(block)["Statement"]
    return statements


def test_the_execution_role_allows_exactly_what_the_app_calls() -> None:
    table, stream, queue, parameters = _role()
    assert {a.removeprefix("dynamodb:") for a in table["Action"]} == _operations()
    assert "BatchWriteItem" in _operations()  # a large reschedule's deletes
    # What Lambda's event source mapping reads the stream with (the Lambda guide's DynamoDB
    # page: the execution role's permissions for a DynamoDB stream).
    reads = {"DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"}
    assert {a.removeprefix("dynamodb:") for a in stream["Action"]} == reads
    assert queue["Action"] == ["sqs:SendMessage"] and "notify-failures" in queue["Resource"]
    secrets = Path(PROJECT_ROOT / "scc" / "runtime_secrets.py").read_text(encoding="utf-8")
    assert parameters["Action"] == ["ssm:GetParameters"] and ".get_parameters(" in secrets
