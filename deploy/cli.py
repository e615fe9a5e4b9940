"""`python -m deploy <subcommand> [options]`: parse the command line, run, and stop with a
sentence (and a non-zero exit) on any failure."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from deploy import aws, build
from deploy.aws import Clients
from deploy.config import DEFAULT_CONCURRENCY, DEFAULT_FUNCTION, DEFAULT_PACKAGE, SHELL_KEY, Options
from deploy.output import DeployError, Steps, echo, log, setup_logging
from deploy.output import Step as Log
from deploy.promote import Promote
from deploy.rollback import Rollback
from deploy.routes import Routes
from deploy.run import Run
from deploy.staging import PlanOnly, Staging
from deploy.steps import Step, carry_out

DESCRIPTION = """\
Deploy ShipCaptainCrew to AWS Lambda, S3 and CloudFront.

  build     build the Lambda zip (dependencies for Lambda's platform, .pyc files)
  plan      show what `staging` would change; changes nothing
  staging   deploy to alias staging and the /_staging/ shell, then smoke-test it
  promote   point alias live at the staging version, if its smoke test passed; copy its files;
            connect or update the stream mapping; smoke-test live, going back if it fails
  rollback  point alias live back at the version before it, files included (safe to run again)
  routes    check CloudFront's routes, the Function URL permissions, the origin header, the
            security headers policy, the alarms and the concurrency ceiling; --yes fixes them

See docs/DEPLOY.md."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse repeats unrecognised arguments; a mistyped --set must not print its value.
        self.print_usage()
        self.exit(2, "error: " + re.sub(r"=\S+", "=…", message) + "\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m deploy",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "command",
        choices=sorted(COMMANDS),
        metavar="subcommand",
        help="build, plan, staging, promote, rollback or routes",
    )
    p.add_argument("--function", default=DEFAULT_FUNCTION, help="Lambda function name")
    p.add_argument("--region", help="AWS region (default: the usual AWS configuration)")
    p.add_argument(
        "--bucket", help="S3 bucket of the shell (default: the function's SCC_DISPATCH_BUCKET)"
    )
    p.add_argument("--distribution-id", help="CloudFront distribution id")
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set an environment variable (repeatable); other keys are kept",
    )
    p.add_argument(
        "--unset",
        dest="unsets",
        action="append",
        default=[],
        metavar="KEY",
        help="remove an environment variable (repeatable)",
    )
    p.add_argument(
        "--env-file",
        type=Path,
        metavar="FILE",
        help="KEY=VALUE lines to set (--set wins over the file)",
    )
    p.add_argument(
        "--package", type=Path, metavar="ZIP", help="deploy this zip instead of building one"
    )
    p.add_argument(
        "--output",
        type=Path,
        metavar="ZIP",
        help=f"where build writes the zip (default {DEFAULT_PACKAGE})",
    )
    p.add_argument("--yes", "-y", action="store_true", help="no prompts (and routes: fix)")
    p.add_argument(
        "--smoke-url",
        metavar="URL",
        help="the site's base URL for the smoke tests: staging is tested under <URL>/_staging, "
        "live at <URL> (default https://<the distribution's first alias or domain>)",
    )
    p.add_argument(
        "--smoke-shell-path",
        default="/" + SHELL_KEY,
        metavar="PATH",
        help="path of the sign-in page under the smoke URL (default %(default)s)",
    )
    p.add_argument(
        "--snapstart",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="turn Lambda SnapStart on (or off) for published versions; unchanged if not given",
    )
    p.add_argument(
        "--concurrency",
        type=_ceiling,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help="the reserved-concurrency ceiling routes --yes sets (default %(default)s)",
    )
    p.add_argument(
        "--with-boto3",
        action="store_true",
        help="bundle boto3/botocore instead of using the runtime's",
    )
    return p


def _ceiling(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if not 1 <= number <= 1000:
        raise argparse.ArgumentTypeError("--concurrency takes a whole number from 1 to 1000")
    return number


def _build(run: Run, done: Log) -> None:
    package = build.build(run.options.output or DEFAULT_PACKAGE, with_boto3=run.options.with_boto3)
    done.note(package.describe())
    echo(str(package.path))


@dataclass
class Build(Run):
    def execute(self) -> int:
        carry_out(self, [Step("build the package", "Lambda runs it", "nothing", _build, False)])
        return 0


class Command(Protocol):
    steps: Steps | None
    unchanged: list[str]

    def execute(self) -> int: ...


COMMANDS: dict[str, Callable[[Options, Clients], Command]] = {
    "build": Build,
    "plan": PlanOnly,
    "staging": Staging,
    "promote": Promote,
    "rollback": Rollback,
    "routes": Routes,
}


def _fail(run: Command, message: str) -> int:
    log.error("FAILED: %s", message)
    if run.steps is not None:
        for line in run.steps.failure_summary(run.unchanged):
            log.error("  %s", line)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    setup_logging()
    options = Options(
        command=args.command,
        function=args.function,
        region=args.region,
        bucket=args.bucket,
        distribution_id=args.distribution_id,
        sets=tuple(args.sets),
        unsets=tuple(args.unsets),
        env_file=args.env_file,
        package=args.package,
        output=args.output,
        yes=args.yes,
        smoke_url=args.smoke_url,
        smoke_shell_path=args.smoke_shell_path,
        snapstart=args.snapstart,
        with_boto3=args.with_boto3,
        concurrency=args.concurrency,
    )
    run = COMMANDS[options.command](options, Clients(options.region))
    try:
        return run.execute()
    except DeployError as exc:
        return _fail(run, str(exc))
    except ClientError as exc:
        return _fail(run, aws.describe(exc))
    except BotoCoreError as exc:
        return _fail(run, str(exc))
    except KeyboardInterrupt:
        return _fail(run, "Interrupted.")
