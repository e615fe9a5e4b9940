"""`promote` and `rollback` against the moto server: live moves only to a version whose staging
smoke test passed, a rolled-back version is not shipped again, files go with the alias."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from deploy import build, s3shell, schedule, streams
from scc.notify import routes
from scc.store import Store
from scc.web import assets
from tests.deploy.cloud import FUNCTION, Cloud, Result, assert_no_secrets, stamped

SHELL = "tools/shipcaptaincrew/index.html"


def test_promote_and_rollback_move_live(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    assert deploy("staging", "--package", str(packages("one"))).code == 0
    promoted = deploy("promote")
    assert promoted.code == 0
    assert cloud.alias("live") == "2"
    # The reminders' hourly schedule is made by the promote, aimed at alias live (not a version).
    made = cloud.client("scheduler").get_schedule(Name=schedule.NAME)
    live_arn = cloud.client("lambda").get_alias(FunctionName=FUNCTION, Name="live")["AliasArn"]
    assert made["Target"]["Arn"] == live_arn and made["State"] == "ENABLED"
    assert made["ScheduleExpression"] == "cron(0 8-20 * * ? *)"
    assert f"reminders schedule {schedule.NAME}" in promoted.out + promoted.err
    # what `plan` prints for it (a plan builds the package: 20 s, so read it as plan does)
    tz = made["ScheduleExpressionTimezone"]
    checked = schedule.read(cloud.client("scheduler"), cloud.client("iam"), live_arn, tz)
    assert checked.drift == () and checked.line().endswith("(ok)")
    assert deploy("staging", "--package", str(packages("two")), "--set", "SECOND_KEY=2").code == 0
    assert cloud.alias("live") == "2"
    assert deploy("promote").code == 0
    assert cloud.alias("live") == "3"
    assert cloud.objects()["tools/shipcaptaincrew/index.html"]["meta"]["scc-version"] == "3"
    css = re.search(r'href="/static/(app\.[0-9a-f]{8}\.css)"', cloud.body(SHELL))
    assert css is not None and f"static/{css[1]}" in cloud.objects()

    result = deploy("rollback")

    assert result.code == 0, result.err
    assert cloud.alias("live") == "2"
    assert "SECOND_KEY" not in cloud.env("live")  # the configuration goes back with the code
    assert cloud.objects()["tools/shipcaptaincrew/index.html"]["meta"]["scc-version"] == "2"
    assert cloud.invalidations()[-1] == ["/*"]
    again = deploy("rollback")
    assert again.code == 1
    assert "nothing to roll back to" in again.err
    assert cloud.alias("live") == "2"
    assert_no_secrets(cloud)


def test_promote_connects_the_tables_stream_and_brings_an_old_mapping_to_its_settings(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    table, lam = "shipcaptaincrew-events", cloud.client("lambda")
    step = "[8/16] connect the table's stream to alias live, or bring the mapping to its settings:"
    assert deploy("staging", "--package", str(packages("one"))).code == 0
    no_table = deploy("promote")
    assert no_table.code == 0, no_table.err
    assert f"{step} skipped, no table {table}" in no_table.err
    Store(table, cloud.url).create_table()  # with its stream, as `scc init-db` makes it
    planned = deploy("plan", "--package", str(packages("one")))
    assert f"stream       table {table} → alias live: not connected yet; promote" in planned.out

    first = deploy("promote")

    assert first.code == 0, first.err
    stream = cloud.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    [mapping] = lam.list_event_source_mappings(EventSourceArn=stream)["EventSourceMappings"]
    uuid, queue = mapping["UUID"], mapping["DestinationConfig"]["OnFailure"]["Destination"]
    assert f"{step} mapping {uuid}: table {table} → alias live" in first.err
    live = lam.get_alias(FunctionName=FUNCTION, Name="live")["AliasArn"]
    assert lam.list_event_source_mappings(FunctionName=live)["EventSourceMappings"]  # to live
    assert queue.endswith(f":{FUNCTION}-notify-failures") and mapping["State"] == "Enabled"
    assert {key: mapping[key] for key in streams.SETTINGS} == streams.SETTINGS
    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert patterns == [route.pattern() for route in routes.ROUTES]  # what the notifier reads

    # A mapping an earlier release made: two filters, ten retries, no bisect, no destination.
    old = [{"eventName": ["MODIFY"]}, {"eventName": ["INSERT"]}]
    lam.update_event_source_mapping(
        UUID=uuid,
        FilterCriteria={"Filters": [{"Pattern": json.dumps(p)} for p in old]},
        MaximumRetryAttempts=10,
        BisectBatchOnFunctionError=False,
        DestinationConfig={"OnFailure": {}},
    )
    drifted = deploy("plan", "--package", str(packages("one")))
    converged = deploy("promote")
    again = deploy("promote")

    assert "settings differ (BisectBatchOnFunctionError False → True; MaximumRetryAttempts" in (
        drifted.out
    )
    assert converged.code == 0, converged.err
    for change in (
        "MaximumRetryAttempts 10 → 5",
        "BisectBatchOnFunctionError False → True",
        "FilterCriteria 2 → 3 filters",
        f"on-failure destination none → {queue}",
    ):
        assert change in converged.err
    [mapping] = lam.list_event_source_mappings(EventSourceArn=stream)["EventSourceMappings"]
    assert mapping["UUID"] == uuid and streams.differences(mapping, queue) == []
    assert f"{step} skipped, table {table} → alias live: connected (mapping {uuid}" in again.err
    assert "settings right" in again.err
    assert_no_secrets(cloud)


def test_promote_refuses_a_version_whose_smoke_test_failed(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path], smoke_url: str
) -> None:
    assert deploy("staging", "--package", str(packages("one"))).code == 0
    assert deploy("promote").code == 0
    live = cloud.alias("live")
    failed = deploy("staging", "--package", str(packages("two")), smoke=smoke_url + "/nowhere")
    staged = cloud.alias("staging")
    before = cloud.objects()

    refused = deploy("promote")

    assert failed.code == 1
    assert "FAILED: Smoke test: GET " in failed.err
    assert f"Alias live was not touched (it is at {live})." in failed.err
    assert f"Version {staged} is not marked as passed: promote will refuse it." in failed.err
    assert staged not in (live, None)
    assert refused.code == 1
    assert (
        f"FAILED: Version {staged} behind alias staging has no passed smoke test on record "
        f"(the alias says: scc staging: version {staged}, smoke test pending)"
    ) in refused.err
    assert f"Alias live was not moved (it is at {live})." in refused.err
    assert cloud.alias("live") == live
    assert cloud.objects() == before  # no file copied either
    assert_no_secrets(cloud)


def test_rollback_then_promote_does_not_ship_the_rolled_back_version(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    for marker in ("one", "two"):
        assert deploy("staging", "--package", str(packages(marker))).code == 0
        assert deploy("promote").code == 0
    bad = cloud.alias("live")
    assert cloud.alias("staging") == bad

    rolled_back = deploy("rollback")
    again = deploy("promote")

    assert rolled_back.code == 0, rolled_back.err
    good = cloud.alias("live")
    assert good != bad
    assert f"staging is {bad}: promote will refuse it" in rolled_back.err
    assert again.code == 1
    assert f"(the alias says: rolled-back {bad} from live at " in again.err
    assert cloud.alias("live") == good
    assert cloud.body(SHELL) == cloud.body(f"_releases/{good}/{SHELL}")
    fixed = deploy("staging", "--package", str(packages("three")))
    assert fixed.code == 0 and deploy("promote").code == 0
    assert cloud.alias("live") == cloud.alias("staging") not in (good, bad)


def test_promote_refuses_a_staging_alias_moved_by_hand(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    """The pass mark names its version: pointing alias staging elsewhere by hand (keeping the
    description) does not make the other version promotable."""
    assert deploy("staging", "--package", str(packages("one"))).code == 0
    first = cloud.alias("staging")
    assert deploy("staging", "--package", str(packages("two"))).code == 0
    lam = cloud.client("lambda")
    lam.update_alias(FunctionName=FUNCTION, Name="staging", FunctionVersion=first)

    refused = deploy("promote")

    assert refused.code == 1
    assert f"Version {first} behind alias staging has no passed smoke test on record" in (
        refused.err
    )
    assert cloud.alias("live") is None


def test_new_static_files_get_new_names_and_the_old_ones_stay_for_open_pages(
    cloud: Cloud,
    deploy: Callable[..., Result],
    packages: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert deploy("staging", "--package", str(packages("one"))).code == 0
    assert deploy("promote").code == 0
    linked = r'href="/static/(app\.[0-9a-f]{8}\.css)"'
    old = re.search(linked, cloud.body(SHELL))
    assert old is not None
    old_css = cloud.body(f"static/{old[1]}")

    # The next release changes its stylesheet: package and checkout both hold the new one.
    tree = tmp_path / "next"
    build.copy_sources(tree)
    css = tree / "scc" / "static" / "app.css"
    css.write_bytes(css.read_bytes() + b"\n/* the next release */\n")
    package = stamped(tree, tmp_path / "next.zip")
    local_files = s3shell._local_files
    monkeypatch.setattr(s3shell, "_local_files", lambda root=tree: local_files(tree))
    monkeypatch.setattr(assets, "STATIC", str(tree / "scc" / "static"))

    assert deploy("staging", "--package", str(package)).code == 0
    assert deploy("promote").code == 0
    new = re.search(linked, cloud.body(SHELL))
    assert new is not None and new[1] != old[1]
    assert cloud.body(f"static/{new[1]}").endswith("/* the next release */\n")
    assert cloud.body(f"static/{old[1]}") == old_css  # a page still open loads what it linked
