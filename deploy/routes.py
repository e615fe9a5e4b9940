"""`routes`: check, and with --yes fix, everything between a browser and the app.

- CloudFront's behaviours for the app's paths (deploy/behaviours.py);
- each alias's Function URL permissions, both of them (deploy/funcurls.py);
- the X-SCC-Origin-Verify header on the Function URL origins, its value from the function's
  SCC_ORIGIN_SECRET, made when missing (deploy/origin.py);
- the security headers policy on the default (S3) behaviour (deploy/headers.py).

Without --yes it is the plan: the same reads and checks, every fixing step saying what it would
do, and exit 1 while anything is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploy import behaviours, funcurls, headers, lambdafn, origin
from deploy.envmerge import EnvChanges, known_variables
from deploy.funcurls import FunctionUrl
from deploy.output import DeployError, Finding, Step, echo, log
from deploy.run import Run

READ = "read the Function URLs, their permissions, the distribution and its policies"
CHECK = "check routes, permissions, origin header and security headers"
GRANT = "grant the missing Function URL permissions"
SECRET = f"store a new {origin.SECRET_KEY} in the function's environment"
WAIT = "wait for LastUpdateStatus Successful (configuration)"
POLICY = "create or update the security headers policy"
UPDATE = "update the distribution"
ROUTES_STEPS = [READ, CHECK, GRANT, SECRET, WAIT, POLICY, UPDATE]


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


def _skip(run: Run, todo: str, nothing: str) -> str | None:
    """Why a fixing step does nothing (nothing to do, or no --yes); None when it acts."""
    if not todo:
        return nothing
    if not run.options.yes:
        return f"would {todo}; run again with --yes"
    return None


def _go(run: Run, step: Step, todo: str, nothing: str) -> bool:
    """Whether a fixing step acts; when not, the step says why."""
    reason = _skip(run, todo, nothing)
    if reason is not None:
        step.skip(reason)
    return reason is None


def routes(run: Run) -> int:
    """Check; with --yes fix, then check again. Exit 1 while anything is wrong."""
    options, lam, cloudfront = run.options, run.clients.lambda_, run.clients.cloudfront
    distribution_id = run.distribution_id()  # a missing option is said before any call
    steps = run.start(ROUTES_STEPS)
    with steps.step(READ) as step:
        edge = read(run, distribution_id)
        step.note(", ".join(f"{alias} → {host}" for alias, host in edge.hosts.items()))
    with steps.step(CHECK) as step:
        findings = edge.findings()
        for finding in findings:
            echo(finding.line())
        wrong = [f for f in findings if f.problems]
        step.note(f"{len(findings) - len(wrong)} of {len(findings)} right")
    with steps.step(GRANT) as step:
        todo = [(url, grant) for url in edge.urls.values() for grant in url.missing]
        if _go(run, step, f"grant {len(todo)} permissions" if todo else "", "all granted"):
            for url, grant in todo:
                funcurls.add(lam, options.function, url, grant, options.tunables)
                steps.record(f"{grant.action} granted on alias {url.alias}'s Function URL")
            again = funcurls.read(lam, options.function)
            still = [f"{alias}: {g.action}" for alias, u in again.items() for g in u.missing]
            if still:
                raise DeployError(f"After granting, still missing: {', '.join(still)}.")
            step.note(f"{len(todo)} granted")
    reason = _skip(run, "make one" if edge.secret is None else "", f"{origin.SECRET_KEY} is set")
    if reason is None:
        edge.secret = origin.new_secret()
        lambdafn.merge_environment(
            lam,
            steps,
            options.function,
            EnvChanges({origin.SECRET_KEY: edge.secret}),
            None,
            options.tunables,
            title=SECRET,
        )
        lambdafn.wait_updated(lam, steps, WAIT, options.function, options.tunables)
    else:
        with steps.step(SECRET) as step:
            step.skip(reason)
        with steps.step(WAIT, wait=True) as step:
            step.skip("nothing was changed")
    with steps.step(POLICY) as step:
        policy_wrong = edge.policy is None or not edge.policy.right
        todo_policy = "create it" if edge.policy is None else "update it" if policy_wrong else ""
        if _go(run, step, todo_policy, f"{headers.POLICY_NAME} sends the app's headers"):
            policy_id = headers.save(cloudfront, edge.policy)
            steps.record(f"response headers policy {headers.POLICY_NAME} ({policy_id}) saved")
            step.note(f"{headers.POLICY_NAME}: {policy_id}")
            edge.policy = headers.Policy(policy_id, "", headers.policy_config(headers.HEADERS))
    with steps.step(UPDATE) as step:
        off = [f for f in edge.distribution_findings() if f.problems]
        if _go(run, step, f"fix {len(off)} of its checks" if off else "", "nothing to fix"):
            _update(run, edge, distribution_id)
            step.note(f"{len(off)} fixed")
    for note in edge.notes():
        log.warning("    NOTE: %s", note)
    if not options.yes:
        return 1 if wrong else 0
    private = [url.alias for url in edge.urls.values() if url.auth_type != "NONE"]
    if private:
        raise DeployError(
            f"The Function URL of {', '.join(private)} is not public (auth type not NONE), which "
            "routes does not change: aws lambda update-function-url-config --function-name "
            f"{options.function} --qualifier {private[0]} --auth-type NONE"
        )
    if wrong:
        log.info("CloudFront is deploying the change; it reaches every edge in a few minutes.")
    return 0


def _update(run: Run, edge: Edge, distribution_id: str) -> None:
    """Send the fixed distribution config (guarded by its ETag), then read and check it again."""
    cloudfront = run.clients.cloudfront
    new = behaviours.fixed(edge.config, edge.hosts)
    if edge.secret is not None:
        new = origin.with_header(new, edge.hosts, edge.secret)
    if edge.policy is not None:
        new = headers.attached(new, edge.policy.id)
    cloudfront.update_distribution(Id=distribution_id, IfMatch=edge.etag, DistributionConfig=new)
    assert run.steps is not None  # noqa: S101 - run.start made them
    run.steps.record(f"distribution {distribution_id} updated")
    edge.config = cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"]
    still = [f.subject for f in edge.distribution_findings() if f.problems]
    if still:
        raise DeployError(f"After the update these are still wrong: {', '.join(still)}.")
