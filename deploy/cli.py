"""`python -m deploy <subcommand> [options]`: parse the command line, run, and stop with a
sentence (and a non-zero exit) on any failure."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from deploy import aws, build, release, routes, staging
from deploy.aws import Clients
from deploy.config import DEFAULT_FUNCTION, DEFAULT_PACKAGE, SHELL_KEY, Options
from deploy.output import DeployError, echo, log, setup_logging
from deploy.run import Run

DESCRIPTION = """\
Deploy ShipCaptainCrew to AWS Lambda, S3 and CloudFront.

  build     build the Lambda zip (dependencies for Lambda's platform, .pyc files)
  plan      show what `staging` would change; changes nothing
  staging   deploy to alias staging and the /_staging/ shell, then smoke-test it
  promote   point alias live at the staging version, if its smoke test passed; copy its files
  rollback  point alias live back at the version before it, files included
  routes    check CloudFront's routes, the Function URL permissions, the origin header and the
            security headers policy; --yes fixes them

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
        help="base URL of the staging smoke test (default https://<distribution>/_staging)",
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
        "--with-boto3",
        action="store_true",
        help="bundle boto3/botocore instead of using the runtime's",
    )
    return p


def build_command(run: Run) -> int:
    steps = run.start(["build the package"])
    with steps.step("build the package") as step:
        package = build.build(
            run.options.output or DEFAULT_PACKAGE, with_boto3=run.options.with_boto3
        )
        step.note(package.describe())
    echo(str(package.path))
    return 0


COMMANDS: dict[str, Callable[[Run], int]] = {
    "build": build_command,
    "plan": staging.plan,
    "staging": staging.staging,
    "promote": release.promote,
    "rollback": release.rollback,
    "routes": routes.routes,
}


def _fail(run: Run, message: str) -> int:
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
    )
    run = Run(options, Clients(options.region))
    try:
        return COMMANDS[options.command](run)
    except DeployError as exc:
        return _fail(run, str(exc))
    except ClientError as exc:
        return _fail(run, aws.describe(exc))
    except BotoCoreError as exc:
        return _fail(run, str(exc))
    except KeyboardInterrupt:
        return _fail(run, "Interrupted.")
