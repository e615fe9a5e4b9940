"""`routes`: check, and with --yes fix, everything between a browser and the app, and what
tells someone when it breaks.

- CloudFront's behaviours for the app's paths (deploy/behaviours.py);
- each alias's Function URL permissions, both of them (deploy/funcurls.py);
- the X-SCC-Origin-Verify header on the Function URL origins, its value from the function's
  SCC_ORIGIN_SECRET, made when missing (deploy/origin.py);
- the security headers policy on the default (S3) behaviour (deploy/headers.py);
- the failure queue, the alarm topic, the alarms and the concurrency ceiling (deploy/alarms.py).

Without --yes it is the plan: the same reads and checks, every fixing step saying what it would
do, and exit 1 while anything is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deploy import alarms, behaviours, funcurls, headers, lambdafn, origin, streams
from deploy.envmerge import EnvChanges, known_variables
from deploy.funcurls import FunctionUrl
from deploy.output import DeployError, Finding, echo, log
from deploy.output import Step as Log
from deploy.run import Run
from deploy.steps import Step, carry_out


@dataclass
class Edge:
    """What routes reads: describe calls only."""

    urls: dict[str, FunctionUrl]
    secret: str | None  # the value CloudFront should send: the first of SCC_ORIGIN_SECRET
    accepted: dict[str, tuple[str, list[str]]]  # alias → (its version, the values it accepts)
    config: dict[str, Any]
    etag: str
    policy: headers.Policy | None

    @property
    def hosts(self) -> dict[str, str]:
        return {alias: url.host for alias, url in self.urls.items()}

    def distribution_findings(self) -> list[Finding]:
        return [
            *behaviours.check(self.config, self.hosts),
            *origin.check(self.config, self.hosts, self.secret),
            headers.check(self.policy, self.config),
        ]

    def findings(self) -> list[Finding]:
        return [*self.distribution_findings(), *(u.finding() for u in self.urls.values())]

    def notes(self) -> list[str]:
        """Aliases whose version does not accept the value CloudFront sends (not yet staged
        and promoted with it): the app there ignores the header until then."""
        return [
            f"version {version} behind alias {alias} does not accept that "
            f"{origin.SECRET_KEY} value yet; the next staging (and promote) carries it there"
            for alias, (version, accepted) in self.accepted.items()
            if self.secret is not None and self.secret not in accepted
        ]


def read(run: Run, distribution_id: str) -> Edge:
    lam, cloudfront, function = run.clients.lambda_, run.clients.cloudfront, run.options.function
    urls = funcurls.read(lam, function)
    latest = known_variables(lam.get_function_configuration(FunctionName=function))
    accepted = {}
    for alias in urls:
        config = lam.get_function_configuration(FunctionName=function, Qualifier=alias)
        accepted[alias] = (str(config.get("Version")), origin.values(known_variables(config)))
    answer = cloudfront.get_distribution_config(Id=distribution_id)
    return Edge(
        urls=urls,
        secret=next(iter(origin.values(latest)), None),
        accepted=accepted,
        config=answer["DistributionConfig"],
        etag=answer["ETag"],
        policy=headers.find(cloudfront),
    )


@dataclass
class Routes(Run):
    """What routes read, and what its checks found."""

    found: Edge | None = None
    watch: alarms.Watch | None = None
    admin: str | None = None
    wrong: list[Finding] = field(default_factory=list)
    made_secret: bool = False

    @property
    def edge(self) -> Edge:
        if self.found is None:
            raise RuntimeError("the read step reads the edge")  # pragma: no cover
        return self.found

    @property
    def watched(self) -> alarms.Watch:
        if self.watch is None:
            raise RuntimeError("the read step reads the alarms")  # pragma: no cover
        return self.watch

    def execute(self) -> int:
        """Check; with --yes fix, then check again. Exit 1 while anything is wrong."""
        carry_out(self, STEPS)
        for note in [*self.edge.notes(), *self.watched.notes(self.admin)]:
            log.warning("    NOTE: %s", note)
        if not self.options.yes:
            return 1 if self.wrong else 0
        private = [url.alias for url in self.edge.urls.values() if url.auth_type != "NONE"]
        if private:
            raise DeployError(
                f"The Function URL of {', '.join(private)} is not public (auth type not NONE), "
                "which routes does not change: aws lambda update-function-url-config "
                f"--function-name {self.options.function} --qualifier {private[0]} --auth-type NONE"
            )
        if self.wrong:
            log.info("CloudFront is deploying the change; it reaches every edge in a few minutes.")
        return 0


def _skip(run: Run, todo: str, nothing: str) -> str | None:
    """Why a fixing step does nothing (nothing to do, or no --yes); None when it acts."""
    if not todo:
        return nothing
    if not run.may_change():
        return f"would {todo}; run again with --yes"
    return None


def _go(run: Run, step: Log, todo: str, nothing: str) -> bool:
    """Whether a fixing step acts; when not, the step says why."""
    reason = _skip(run, todo, nothing)
    if reason is not None:
        step.skip(reason)
    return reason is None


def _read(run: Routes, done: Log) -> None:
    distribution_id = run.distribution_id()  # a missing option is said before any call
    run.found = read(run, distribution_id)
    function = run.options.function
    configuration = run.clients.lambda_.get_function_configuration(FunctionName=function)
    run.admin = known_variables(configuration).get("SCC_ADMIN_EMAIL") or None
    run.watch = alarms.read(run.clients, function, str(configuration["FunctionArn"]))
    done.note(", ".join(f"{alias} → {host}" for alias, host in run.edge.hosts.items()))


def _check(run: Routes, done: Log) -> None:
    findings = [*run.edge.findings(), *run.watched.findings(run.admin, run.options.concurrency)]
    for finding in findings:
        echo(finding.line())
    run.wrong = [f for f in findings if f.problems]
    done.note(f"{len(findings) - len(run.wrong)} of {len(findings)} right")


def _grant(run: Routes, done: Log) -> None:
    lam, function, edge = run.clients.lambda_, run.options.function, run.edge
    todo = [(url, grant) for url in edge.urls.values() for grant in url.missing]
    if not _go(run, done, f"grant {len(todo)} permissions" if todo else "", "all granted"):
        return
    for url, grant in todo:
        funcurls.add(lam, function, url, grant, run.options.tunables)
        run.log.record(f"{grant.action} granted on alias {url.alias}'s Function URL")
    again = funcurls.read(lam, function)
    still = [f"{alias}: {g.action}" for alias, u in again.items() for g in u.missing]
    if still:
        raise DeployError(f"After granting, still missing: {', '.join(still)}.")
    done.note(f"{len(todo)} granted")


def _secret(run: Routes, done: Log) -> None:
    todo = "make one" if run.edge.secret is None else ""
    if not _go(run, done, todo, f"{origin.SECRET_KEY} is set"):
        return
    run.edge.secret = origin.new_secret()
    lambdafn.merge_environment(
        run.clients.lambda_, run.log, done, run.options.function,
        EnvChanges({origin.SECRET_KEY: run.edge.secret}), None, run.options.tunables,
    )  # fmt: skip
    run.made_secret = True


def _wait(run: Routes, done: Log) -> None:
    if not run.made_secret:
        done.skip("nothing was changed")
        return
    lambdafn.wait_updated(run.clients.lambda_, done, run.options.function, run.options.tunables)


def _policy(run: Routes, done: Log) -> None:
    edge = run.edge
    policy_wrong = edge.policy is None or not edge.policy.right
    todo = "create it" if edge.policy is None else "update it" if policy_wrong else ""
    if not _go(run, done, todo, f"{headers.POLICY_NAME} sends the app's headers"):
        return
    policy_id = headers.save(run.clients.cloudfront, edge.policy)
    run.log.record(f"response headers policy {headers.POLICY_NAME} ({policy_id}) saved")
    done.note(f"{headers.POLICY_NAME}: {policy_id}")
    edge.policy = headers.Policy(policy_id, "", headers.policy_config(headers.HEADERS))


def _update(run: Routes, done: Log) -> None:
    off = [f for f in run.edge.distribution_findings() if f.problems]
    if _go(run, done, f"fix {len(off)} of its checks" if off else "", "nothing to fix"):
        _update_distribution(run, run.edge, run.distribution_id())
        done.note(f"{len(off)} fixed")


def _topic(run: Routes, done: Log) -> None:
    watch = run.watched
    missing = not watch.topic_exists or (run.admin and run.admin not in watch.subscribed)
    if not _go(run, done, "make the topic and subscribe the admin" if missing else "", "right"):
        return
    made = alarms.make_topic(run.clients.sns, watch, run.admin)
    run.log.record(f"alarm topic {watch.topic}: {'; '.join(made)}")
    done.note("; ".join(made))
    if not run.admin:
        log.warning("    WARNING: SCC_ADMIN_EMAIL is not set: the alarms mail nobody.")


def _alarms(run: Routes, done: Log) -> None:
    stale = run.watched.stale_alarms()
    todo = f"put {len(stale)} alarms" if stale else ""
    if _go(run, done, todo, "all four in place"):
        put = alarms.put_alarms(run.clients.cloudwatch, run.watched)
        run.log.record(f"alarms put: {', '.join(put)}")
        done.note(", ".join(put))


def _concurrency(run: Routes, done: Log) -> None:
    ceiling, now = run.options.concurrency, run.watched.concurrency
    todo = f"reserve {ceiling} (now {now or 'none'})" if now != ceiling else ""
    if _go(run, done, todo, f"{ceiling} reserved"):
        alarms.reserve(run.clients.lambda_, run.options.function, ceiling)
        run.log.record(f"reserved concurrency {ceiling} (was {now or 'none'})")
        done.note(f"{now or 'none'} → {ceiling}")


def _update_distribution(run: Run, edge: Edge, distribution_id: str) -> None:
    """Send the fixed distribution config (guarded by its ETag), then read and check it again."""
    cloudfront = run.clients.cloudfront
    new = behaviours.fixed(edge.config, edge.hosts)
    if edge.secret is not None:
        new = origin.with_header(new, edge.hosts, edge.secret)
    if edge.policy is not None:
        new = headers.attached(new, edge.policy.id)
    cloudfront.update_distribution(Id=distribution_id, IfMatch=edge.etag, DistributionConfig=new)
    run.log.record(f"distribution {distribution_id} updated")
    edge.config = cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"]
    still = [f.subject for f in edge.distribution_findings() if f.problems]
    if still:
        raise DeployError(f"After the update these are still wrong: {', '.join(still)}.")


NOTHING = "nothing: it only reads"
STEPS: list[Step[Routes]] = [
    Step("read the Function URLs, their permissions, the distribution, its policies and the "
         "alarms", "the checks are made from describe calls alone", NOTHING, _read,
         changes=False),
    Step("check routes, permissions, origin header, security headers, alarms and the ceiling",
         "what is wrong is listed before anything is fixed", NOTHING, _check, changes=False),
    Step("grant the missing Function URL permissions",
         "AWS requires both invoke permissions for URLs made since October 2025",
         "aws lambda remove-permission --statement-id scc-url-invoke-url (or -function)", _grant),
    Step(f"store a new {origin.SECRET_KEY} in the function's environment",
         "the app trusts CloudFront-Viewer-Address only with it, and refuses requests without it",
         f"staging --unset {origin.SECRET_KEY}", _secret),
    Step("wait for LastUpdateStatus Successful (configuration)",
         "Lambda refuses the next update while one runs", NOTHING, _wait,
         changes=False, wait=True),
    Step("create or update the security headers policy",
         "the shell from S3 gets the app's own security headers",
         "detach it in the CloudFront console", _policy),
    Step("update the distribution",
         "the app's paths go to the Function URLs uncached, with the origin header",
         "edit the behaviours back in the CloudFront console", _update),
    streams.QUEUE_STEP,
    Step("make the alarm topic and subscribe SCC_ADMIN_EMAIL",
         "alarms are mailed through SNS, which works when Gmail is what broke",
         "aws sns delete-topic", _topic),
    Step("put the alarms (errors, throttles, stream lag, failure queue)",
         "someone is told when production breaks", "aws cloudwatch delete-alarms", _alarms),
    Step("reserve the concurrency ceiling (--concurrency)", "a flood costs at most that much",
         "aws lambda delete-function-concurrency", _concurrency),
]  # fmt: skip
