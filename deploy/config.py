"""What the deploy script works on: its options, the fixed names and keys, and the tunable waits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FUNCTION = "shipcaptaincrew"
DEFAULT_PACKAGE = PROJECT_ROOT / "build" / "shipcaptaincrew.zip"
DEFAULT_TABLE = "shipcaptaincrew-events"  # the app's default SCC_TABLE (scc.store.DEFAULT_TABLE)
DEFAULT_TIMEZONE = "America/Los_Angeles"  # the app's default SCC_TIMEZONE (scc.config)

# The Lambda runtime the package is built for; the function must run exactly this.
RUNTIME = "python3.12"
PYTHON_VERSION = "3.12"
# Lambda's Python 3.12 runs on Amazon Linux 2023 (glibc 2.34): manylinux2014 wheels and the newer
# manylinux_2_28 ones (cbor2, which py_webauthn needs, ships only those) both run there.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
ARCHITECTURE = "x86_64"
HANDLER = "lambda_entry.handler"
TASK_ROOT = "/var/task"  # where Lambda unpacks the zip; .pyc files name their sources there

STAGING = "staging"
LIVE = "live"
STAGING_PREFIX = "_staging"  # S3 keys and URL paths of the staging shell
RELEASES_PREFIX = "_releases"  # S3: each staged version's live shell and assets, kept for promote
SHELL_KEY = "tools/shipcaptaincrew/index.html"  # the dispatch shell's key in the bucket
STATIC_PREFIX = "static"
SMOKE_EVENT_ID = "2000-01-01-deploy-smoke-test"  # well formed, never stored: the waiver page 404s

# The reserved-concurrency ceiling `routes --yes` sets (deploy/alarms.py): a crew's phones and a
# boat's worth of patrons signing at once, with room to spare; a flood beyond it is throttled.
DEFAULT_CONCURRENCY = 10

STATIC_CACHE = "public, max-age=31536000, immutable"
HTML_CACHE = "no-cache"


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Tunables:
    """Waiter and retry timing; tests set the delays to 0 (moto's updates finish at once)."""

    wait_delay: int = 1  # seconds between waiter polls
    wait_attempts: int = 600
    retry_delay: float = 1.0  # first backoff after a ResourceConflictException, then doubled
    retry_attempts: int = 6
    smoke_attempts: int = 3
    smoke_timeout: float = 15.0

    @classmethod
    def from_environ(cls) -> Tunables:
        return cls(
            wait_delay=int(_number("SCC_DEPLOY_WAIT_DELAY", 1)),
            retry_delay=_number("SCC_DEPLOY_RETRY_DELAY", 1.0),
        )


@dataclass(frozen=True)
class Options:
    """The command line, parsed. Options that a subcommand does not use are ignored."""

    command: str
    function: str = DEFAULT_FUNCTION
    region: str | None = None
    bucket: str | None = None
    distribution_id: str | None = None
    sets: tuple[str, ...] = ()
    unsets: tuple[str, ...] = ()
    env_file: Path | None = None
    package: Path | None = None
    output: Path | None = None
    yes: bool = False
    smoke_url: str | None = None
    smoke_shell_path: str = "/" + SHELL_KEY
    snapstart: bool | None = None
    with_boto3: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    tunables: Tunables = field(default_factory=Tunables.from_environ)
