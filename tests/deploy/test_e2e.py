"""Every subcommand end to end against the moto server of tests/deploy/cloud.py, smoke-testing
the real app served on loopback."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from deploy.config import PROJECT_ROOT
from deploy.snapshot import fingerprint
from tests.deploy.cloud import (
    BUCKET,
    INITIAL_ENV,
    SECRETS,
    Cloud,
    Result,
    assert_no_secrets,
    on_every_session,
)


def test_three_staging_deploys_keep_every_key(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path], tmp_path: Path
) -> None:
    env_file = tmp_path / "third.env"
    env_file.write_text(
        "# third deploy\nNEW_TOKEN='tok-3c2b1a-third'\nSCC_PAY_INSTRUCTIONS=Zelle\n"
    )
    runs = [
        deploy("staging", "--package", str(packages("one")), "--set", "SCC_PAY_INSTRUCTIONS=Venmo"),
        deploy("staging", "--package", str(packages("two")), "--set", "FEATURE_X=on"),
        deploy("staging", "--package", str(packages("three")), "--env-file", str(env_file)),
    ]

    assert [r.code for r in runs] == [0, 0, 0], runs[-1].err
    assert cloud.env() == {
        **INITIAL_ENV,
        "SCC_PAY_INSTRUCTIONS": "Zelle",
        "FEATURE_X": "on",
        "NEW_TOKEN": "tok-3c2b1a-third",
    }
    assert cloud.versions() == ["1", "2", "3", "4"]  # 1: the code before, kept by the snapshot
    assert all(cloud.env(v).items() >= SECRETS.items() for v in cloud.versions())
    assert cloud.alias("staging") == "4"
    assert cloud.alias("live") is None
    assert cloud.invalidations() == [["/_staging/*"]] * 3
    assert_no_secrets(cloud, "tok-3c2b1a-third")


def test_staging_logs_numbered_timed_steps_and_snapshots(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path], tmp_path: Path
) -> None:
    result = deploy("staging", "--package", str(packages("one")))

    assert result.code == 0, result.err
    assert "[1/15] build the package and render the shell" in result.err
    assert "[14/15] smoke test: health ok" in result.err
    assert "waited" in result.err
    (snapshot,) = (tmp_path / "state").iterdir()
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600
    assert stat.S_IMODE(snapshot.parent.stat().st_mode) == 0o700
    assert PROJECT_ROOT not in snapshot.resolve().parents
    text = snapshot.read_text()
    saved = json.loads(text)
    kept = saved["configuration"]["Environment"]["Variables"]
    assert kept.keys() == INITIAL_ENV.keys() and kept["SCC_DISPATCH_BUCKET"] == BUCKET
    assert kept["GMAIL_REFRESH_TOKEN"] == fingerprint(SECRETS["GMAIL_REFRESH_TOKEN"])
    assert not any(value in text for value in SECRETS.values())  # names and hashes only
    assert saved["code"]["version"] == "1"  # the code before, kept as a version
    assert_no_secrets(cloud)


def test_staging_uploads_both_shells_and_static_files(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    assert deploy("staging", "--package", str(packages("one"))).code == 0

    objects = cloud.objects()
    staging_shell = cloud.body("_staging/tools/shipcaptaincrew/index.html")
    live_shell = cloud.body("_releases/2/tools/shipcaptaincrew/index.html")
    css = re.search(r'href="/_staging/static/(app\.[0-9a-f]{8}\.css)"', staging_shell)
    assert css is not None and f'href="/static/{css[1]}"' in live_shell  # the same bytes
    assert 'hx-get="/_staging/api/events' in staging_shell
    js = re.search(r'src="/static/(app\.[0-9a-f]{8}\.js)"', live_shell)
    assert objects["_staging/tools/shipcaptaincrew/index.html"]["cache"] == "no-cache"
    assert objects[f"_staging/static/{css[1]}"]["cache"] == "public, max-age=31536000, immutable"
    assert objects[f"_staging/static/{css[1]}"]["type"] == "text/css; charset=utf-8"
    assert js is not None and objects[f"_releases/2/static/{js[1]}"]["meta"]["scc-version"] == "2"
    assert not any(key.startswith(("static/", "tools/")) for key in objects)  # live untouched


def test_unset_removes_only_what_it_names(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    result = deploy(
        "staging",
        "--package",
        str(packages("one")),
        "--unset",
        "GMAIL_CLIENT_ID",
        "--unset",
        "NOT_THERE",
    )

    assert result.code == 0, result.err
    expected = {k: v for k, v in INITIAL_ENV.items() if k != "GMAIL_CLIENT_ID"}
    assert cloud.env() == expected
    assert re.search(r"\? NOT_THERE +not set, nothing to unset", result.out)
    assert_no_secrets(cloud)


def test_plan_changes_nothing_and_shows_keys_only(
    cloud: Cloud,
    deploy: Callable[..., Result],
    packages: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    on_every_session(monkeypatch, "before-call", lambda model, **_: calls.append(model.name))
    before = cloud.state()
    result = deploy(
        "plan",
        "--package",
        str(packages("new")),
        "--set",
        "ADDED=new-value-1",
        "--set",
        "GMAIL_REFRESH_TOKEN=rotated-token-42",
        "--unset",
        "SCC_SECRET_KEY",
    )

    assert result.code == 0, result.err
    assert cloud.state() == before
    assert calls and all(name.startswith(("Get", "List", "Head", "Describe")) for name in calls)
    for line in (
        "+ ADDED",
        "~ GMAIL_REFRESH_TOKEN",
        "= GMAIL_CLIENT_ID",
        "- SCC_SECRET_KEY",
        "code         changed",
        "staging not set → the new version, marked as passed once its smoke test passes; "
        "live stays at not set",
        f"s3://{BUCKET}/_staging/tools/shipcaptaincrew/index.html",
        f"invalidate   /_staging/* on {cloud.distribution_id}",
        "stream       no table shipcaptaincrew-events (SCC_TABLE) in this region; notifications "
        "stay off",
    ):
        assert line in result.out
    assert_no_secrets(cloud, "new-value-1", "rotated-token-42")


def test_environment_over_4kb_is_refused_before_any_change(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    before = cloud.state()
    big = "q" * 4100

    result = deploy("staging", "--package", str(packages("one")), "--set", f"BIG={big}")

    assert result.code == 1
    assert "over Lambda's limit of 4096 bytes" in result.err
    assert "Nothing was changed in AWS." in result.err
    assert cloud.state() == before
    assert big not in result.out + result.err


def test_snapshot_folder_inside_the_repo_is_refused(
    cloud: Cloud,
    deploy: Callable[..., Result],
    packages: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCC_DEPLOY_STATE_DIR", str(PROJECT_ROOT / "state"))
    before = cloud.state()

    result = deploy("staging", "--package", str(packages("one")))

    assert result.code == 1
    assert "is inside the repository" in result.err
    assert cloud.state() == before
    assert not (PROJECT_ROOT / "state").exists()


def test_python_m_deploy_in_a_subprocess(
    cloud: Cloud, packages: Callable[[str], Path], smoke_url: str
) -> None:
    """The real command line, as the operator runs it."""
    args = [
        "--package",
        str(packages("one")),
        "--distribution-id",
        cloud.distribution_id,
        "--smoke-url",
        smoke_url,
        "--yes",
        "--set",
        "SCC_PAY_INSTRUCTIONS=Venmo @scc",
    ]
    for command in ("staging", "promote"):
        done = subprocess.run(
            [sys.executable, "-m", "deploy", command, *args],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        cloud.outputs.append(done.stdout + done.stderr)

    assert cloud.alias("live") == "2"
    assert cloud.env("live") == {**INITIAL_ENV, "SCC_PAY_INSTRUCTIONS": "Venmo @scc"}
    assert_no_secrets(cloud)


def test_without_yes_and_without_a_terminal_nothing_changes(
    cloud: Cloud, deploy: Callable[..., Result], packages: Callable[[str], Path]
) -> None:
    before = cloud.state()

    staged = deploy("staging", "--package", str(packages("one")), yes=False)
    promoted = deploy("promote")

    assert staged.code == 1 and "pass --yes to go ahead" in staged.err
    assert promoted.code == 1 and "There is no staging alias yet" in promoted.err
    assert cloud.state() == before
