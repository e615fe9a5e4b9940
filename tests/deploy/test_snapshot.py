"""Snapshots keep the code as a Lambda version (not a presigned URL that expires in minutes),
and staging gives the function's log group a retention period: against the moto server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.deploy.cloud import FUNCTION, INITIAL_ENV, Cloud, Result, assert_no_secrets


def _snapshots(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "state").iterdir())]


def test_the_snapshot_keeps_the_code_as_a_version_that_restores_it(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path], tmp_path: Path
) -> None:
    lam = cloud.client("lambda")
    before = lam.get_function_configuration(FunctionName=FUNCTION)["CodeSha256"]

    planned = deploy("plan", "--package", str(packages("one")))
    first = deploy("staging", "--package", str(packages("one")))
    second = deploy("staging", "--package", str(packages("two")))

    assert "$LATEST's code is in no version: publish it first, so it can be restored" in (
        planned.out
    )
    assert first.code == 0 and second.code == 0, first.err + second.err
    [one, two] = _snapshots(tmp_path)
    assert one["code"]["version"] == "1" and one["code"]["sha256"] == before
    assert "[3/15] snapshot the code (as a version) and the configuration: code is version 1" in (
        first.err
    )
    assert cloud.versions() == ["1", "2", "3"]  # 1 kept by the first snapshot; 2 and 3 staged
    assert two["code"]["version"] == "2"  # no new version: the first run's holds that code
    # The version holds exactly that code and that configuration: it can be served again, or
    # its zip fetched (a fresh Code.Location) and put back into $LATEST.
    kept = lam.get_function(FunctionName=FUNCTION, Qualifier="1")
    assert kept["Configuration"]["CodeSha256"] == before
    assert kept["Configuration"]["Environment"]["Variables"] == INITIAL_ENV
    assert kept["Code"]["Location"]
    assert (
        "aws lambda update-alias --function-name shipcaptaincrew --name live "
        in (one["restore"]["serve_that_version"])
    )
    assert_no_secrets(cloud)


def test_staging_sets_90_days_on_a_log_group_without_retention_and_keeps_a_chosen_one(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    logs, group = cloud.client("logs"), f"/aws/lambda/{FUNCTION}"

    planned = deploy("plan", "--package", str(packages("one")))
    made = deploy("staging", "--package", str(packages("one")))
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["retentionInDays"] == 90
    logs.put_retention_policy(logGroupName=group, retentionInDays=30)
    kept = deploy("staging", "--package", str(packages("two")))

    assert f"logs         {group}: create it, keeping 90 days" in planned.out
    assert made.code == 0 and kept.code == 0, made.err + kept.err
    assert f"[4/15] set the log group's retention: {group}: create it, keeping 90 days" in (
        made.err
    )
    assert f"logs         {group}: keeps 30 days (left as it is)" in kept.out
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["retentionInDays"] == 30
