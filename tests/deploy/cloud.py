"""The deploy tests' AWS: one moto server on loopback (AWS_ENDPOINT_URL) for the session, a fresh
account per test (the function with its secrets, a bucket, a distribution, a Function URL), and
`python -m deploy …` run in this process against it, smoke-testing the real app on loopback.

The moto server runs in its own process (tests/deploy/moto_server.py): an in-process server
would share moto's global state with the app tests' mock_aws, and its reset would wipe their
tables. Requests to 127.0.0.1 are not intercepted by mock_aws, so both coexist in one session.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import pytest

from deploy import build
from deploy.cli import main
from scc import create_app
from scc.store import Store
from tests.support.servers import serve

FUNCTION = "shipcaptaincrew"
BUCKET = "scc-dispatch-test"
SMOKE_TABLE = "scc-deploy-smoke"
SECRETS = {
    "GMAIL_CLIENT_ID": "gmail-client-7f3a9c.apps.googleusercontent.com",
    "GMAIL_CLIENT_SECRET": "GOCSPX-s3cr3t-Qw8rT5yU",
    "GMAIL_REFRESH_TOKEN": "1//0refresh-Zx9Lk2Jh4Gf6Ds8Aq",
    "SCC_SECRET_KEY": "signing-key-9b8c7d6e5f4a3b2c1d0e",
    "SCC_ADMIN_PASS_HASH": "$2b$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUV",
}
ADMIN = "owner@shipcaptaincrew.test"
INITIAL_ENV = {**SECRETS, "SCC_DISPATCH_BUCKET": BUCKET, "SCC_ADMIN_EMAIL": ADMIN}


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """One moto server for the session, stopped when its stdin closes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("moto_server.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None and process.stdin is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    yield url
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


class CloudFrontStandIn:
    """The smoke test's way in, as CloudFront is: a request whose path a behaviour sends to a
    Function URL origin gets that origin's custom headers (X-SCC-Origin-Verify), replacing any
    the viewer sent; one for the S3 origin gets the object the deploy uploaded (the shell). The
    distribution is read from the moto server on every request, so what `routes --yes` changes
    is what the app sees. (Paths no behaviour routes yet still reach the app, so tests that never
    ran `routes` can smoke-test; CloudFront would send them to S3.)"""

    def __init__(self, app: Any, moto_url: str) -> None:
        self.app = app
        self.cloudfront = boto3.client("cloudfront", endpoint_url=moto_url, region_name="us-west-2")
        self.s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-west-2")

    def origin(self, path: str) -> dict[str, Any]:
        listed = self.cloudfront.list_distributions()["DistributionList"].get("Items") or []
        if not listed:
            return {}
        answer = self.cloudfront.get_distribution_config(Id=listed[0]["Id"])
        config = answer["DistributionConfig"]
        behaviours = config.get("CacheBehaviors", {}).get("Items") or []
        target = next(
            (
                b["TargetOriginId"]
                for b in behaviours
                if fnmatch.fnmatchcase(path, b["PathPattern"])
            ),
            config["DefaultCacheBehavior"]["TargetOriginId"],
        )
        found: dict[str, Any] = next(o for o in config["Origins"]["Items"] if o["Id"] == target)
        return found

    def from_s3(self, origin: dict[str, Any], path: str, start_response: Any) -> Any:
        bucket = origin["DomainName"].split(".s3.")[0]
        try:
            found = self.s3.get_object(Bucket=bucket, Key=path.lstrip("/"))
        except self.s3.exceptions.NoSuchKey:
            return None
        body = found["Body"].read()
        start_response("200 OK", [("Content-Type", found["ContentType"])])
        return [body]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ = {k: v for k, v in environ.items() if k != "HTTP_X_SCC_ORIGIN_VERIFY"}
        origin = self.origin(environ["PATH_INFO"])
        if ".s3." in origin.get("DomainName", ""):  # moto drops an empty S3OriginConfig
            served = self.from_s3(origin, environ["PATH_INFO"], start_response)
            if served is not None:
                return served
        items: list[dict[str, str]] = (origin.get("CustomHeaders") or {}).get("Items") or []
        for header in items:
            environ["HTTP_" + header["HeaderName"].upper().replace("-", "_")] = header[
                "HeaderValue"
            ]
        return self.app(environ, start_response)


# The build stamp of each package the tests made, by the CodeSha256 Lambda reports for it.
STAMPS: dict[str, Path] = {}


def stamped(tree: Path, out: Path) -> Path:
    """Zip a package tree with its build stamp, as deploy.build does, and remember the stamp."""
    build.stamp(tree)
    build.write_zip(tree, out)
    STAMPS[build.package_info(out).code_sha256] = tree / build.STAMP
    return out


class AliasEnvironment:
    """The app as an alias runs it in AWS: /_staging/… as alias staging, the rest as alias live,
    each with its version's SCC_ORIGIN_SECRET, its Lambda version and its package's build stamp,
    read from the (moto) function before each request, so the app itself answers for them."""

    def __init__(self, app: Any, moto_url: str) -> None:
        self.app = app
        self.lam = boto3.client("lambda", endpoint_url=moto_url, region_name="us-west-2")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        staging = environ["PATH_INFO"].startswith("/_staging/")
        try:
            config = self.lam.get_function_configuration(
                FunctionName=FUNCTION, Qualifier="staging" if staging else "live"
            )
        except self.lam.exceptions.ResourceNotFoundException:
            config = {}
        secret = config.get("Environment", {}).get("Variables", {}).get("SCC_ORIGIN_SECRET", "")
        self.app.config.update(
            ORIGIN_SECRETS=[v.strip() for v in secret.split(",") if v.strip()],
            LAMBDA_VERSION=config.get("Version"),
            BUILD_FILE=STAMPS.get(config.get("CodeSha256", "")),
        )
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def smoke_url(moto_url: str) -> Iterator[str]:
    """The real app on loopback (its table on the moto server) behind the stand-in for
    CloudFront, for the smoke tests."""
    app = create_app({"SECRET_KEY": "smoke", "TABLE": SMOKE_TABLE, "DYNAMODB_ENDPOINT": moto_url})
    edge = CloudFrontStandIn(AliasEnvironment(app, moto_url), moto_url)
    with serve(edge) as url:
        yield url


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Small packages of the real app (no dependencies), each with different code."""
    directory = tmp_path_factory.mktemp("packages")

    def make(marker: str) -> Path:
        out = directory / f"{marker}.zip"
        if not out.exists():
            tree = directory / marker
            build.copy_sources(tree)
            (tree / "scc" / "_release.txt").write_text(marker)
            stamped(tree, out)
        return out

    return make


@dataclass
class Cloud:
    """The moto server seen from the test: clients with an explicit endpoint, and helpers."""

    url: str
    distribution_id: str = ""
    outputs: list[str] = field(default_factory=list)
    clients: dict[str, Any] = field(default_factory=dict)  # one per service, made on first use

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = boto3.client(
                service, endpoint_url=self.url, region_name="us-west-2"
            )
        return self.clients[service]

    def env(self, qualifier: str | None = None) -> dict[str, str]:
        extra = {"Qualifier": qualifier} if qualifier else {}
        config = self.client("lambda").get_function_configuration(FunctionName=FUNCTION, **extra)
        variables: dict[str, str] = config.get("Environment", {}).get("Variables", {})
        return variables

    def alias(self, name: str) -> str | None:
        try:
            return str(
                self.client("lambda").get_alias(FunctionName=FUNCTION, Name=name)["FunctionVersion"]
            )
        except self.client("lambda").exceptions.ResourceNotFoundException:
            return None

    def versions(self) -> list[str]:
        answer = self.client("lambda").list_versions_by_function(FunctionName=FUNCTION)
        return [v["Version"] for v in answer["Versions"] if v["Version"] != "$LATEST"]

    def aliases(self) -> None:
        """Step 3 of DEPLOY.md's one-time setup: version 1 behind both aliases."""
        lam = self.client("lambda")
        version = lam.publish_version(FunctionName=FUNCTION)["Version"]
        for alias in ("staging", "live"):
            lam.create_alias(FunctionName=FUNCTION, Name=alias, FunctionVersion=version)

    def statements(self, alias: str) -> list[dict[str, Any]]:
        """The resource policy of an alias, [] when it has none."""
        lam = self.client("lambda")
        try:
            policy = lam.get_policy(FunctionName=FUNCTION, Qualifier=alias)["Policy"]
        except lam.exceptions.ResourceNotFoundException:
            return []
        found: list[dict[str, Any]] = json.loads(policy)["Statement"]
        return found

    def objects(self) -> dict[str, dict[str, Any]]:
        s3 = self.client("s3")
        found = {}
        for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            head = s3.head_object(Bucket=BUCKET, Key=item["Key"])
            found[item["Key"]] = {
                "etag": head["ETag"],
                "cache": head.get("CacheControl"),
                "type": head.get("ContentType"),
                "meta": head.get("Metadata"),
            }
        return found

    def body(self, key: str) -> str:
        return str(self.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read().decode())

    def invalidations(self) -> list[list[str]]:
        cf = self.client("cloudfront")
        listed = cf.list_invalidations(DistributionId=self.distribution_id)["InvalidationList"]
        return [
            cf.get_invalidation(DistributionId=self.distribution_id, Id=item["Id"])["Invalidation"][
                "InvalidationBatch"
            ]["Paths"].get("Items", [])
            for item in listed.get("Items", [])
        ]

    def state(self) -> dict[str, Any]:
        config = self.client("lambda").get_function_configuration(FunctionName=FUNCTION)
        return {
            "code": config["CodeSha256"],
            "env": self.env(),
            "versions": self.versions(),
            "staging": self.alias("staging"),
            "live": self.alias("live"),
            "objects": self.objects(),
            "invalidations": self.invalidations(),
            "distribution": self.client("cloudfront").get_distribution_config(
                Id=self.distribution_id
            )["DistributionConfig"],
        }


def _distribution(cloud: Cloud) -> str:
    s3_origin = {
        "Id": "shell",
        "DomainName": f"{BUCKET}.s3.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    config = {
        "CallerReference": "scc-test",
        "Comment": "",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [s3_origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "shell",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
    }
    answer = cloud.client("cloudfront").create_distribution(DistributionConfig=config)
    return str(answer["Distribution"]["Id"])


_load_service_model = botocore.loaders.Loader.load_service_model
_MODELS: dict[tuple[Any, ...], Any] = {}


def _models_read_once(
    self: Any, service_name: str, type_name: str, api_version: str | None = None
) -> Any:
    """Each `python -m deploy` run makes its own boto3 session, whose loader parses every service
    model it needs from botocore's JSON again (in AWS a run is one process, so once). The tests
    run many in one process: the parsed models are kept for the session (botocore never changes
    one; one loader already hands the same dict to all its clients).

    botocore speaks CloudWatch's smithy-rpc-v2-cbor protocol first, which moto 5.1.22 does not
    answer in (its DescribeAlarms comes back empty); CloudWatch also speaks the query protocol
    its model lists, which moto does, so the deploy's client uses that here."""
    key = (tuple(self.search_paths), service_name, type_name, api_version)
    if key not in _MODELS:
        model = _load_service_model(self, service_name, type_name, api_version)
        if service_name == "cloudwatch" and type_name == "service-2":
            metadata = {**model["metadata"], "protocol": "query", "protocols": ["query"]}
            model = {**model, "metadata": metadata}
        _MODELS[key] = model
    return _MODELS[key]


@pytest.fixture
def cloud(
    moto_url: str, packages: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Cloud:
    """A fresh account: the function (with its secrets), a bucket, a distribution, a URL."""
    monkeypatch.setattr(botocore.loaders.Loader, "load_service_model", _models_read_once)
    reset = urllib.request.Request(moto_url + "/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(reset).close()  # noqa: S310 - the loopback moto server
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("SCC_DEPLOY_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SCC_DEPLOY_WAIT_DELAY", "0")
    monkeypatch.setenv("SCC_DEPLOY_RETRY_DELAY", "0")
    cloud = Cloud(moto_url)
    role = cloud.client("iam").create_role(RoleName="scc", AssumeRolePolicyDocument="{}")
    cloud.client("lambda").create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="lambda_entry.handler",
        Code={"ZipFile": packages("initial").read_bytes()},
        Environment={"Variables": INITIAL_ENV},
    )
    cloud.client("lambda").create_function_url_config(FunctionName=FUNCTION, AuthType="NONE")
    cloud.client("s3").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    cloud.distribution_id = _distribution(cloud)
    Store(SMOKE_TABLE, moto_url).create_table()
    return cloud


@pytest.fixture
def aliases(cloud: Cloud) -> Cloud:
    """The account after DEPLOY.md's one-time setup up to `routes`: both aliases, a URL."""
    cloud.aliases()
    return cloud


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def deploy(
    cloud: Cloud, smoke_url: str, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """Run `python -m deploy …` in this process (the clients go to AWS_ENDPOINT_URL)."""

    def run(command: str, *args: str, smoke: str | None = None, yes: bool = True) -> Result:
        argv = [
            command,
            "--distribution-id",
            cloud.distribution_id,
            "--smoke-url",
            smoke or smoke_url,
            *args,
        ]
        argv += ["--yes"] if yes else []
        code = main(argv)
        out, err = capsys.readouterr()
        cloud.outputs.append(out + err)
        return Result(code, out, err)

    return run


def on_every_session(monkeypatch: pytest.MonkeyPatch, event: str, handler: Any) -> None:
    """Register a botocore event handler on every boto3 session the deploy makes."""
    real_session = boto3.session.Session

    def session(**kwargs: Any) -> Any:
        made = real_session(**kwargs)
        made.events.register(event, handler)
        return made

    monkeypatch.setattr(boto3.session, "Session", session)


def assert_no_secrets(cloud: Cloud, *extra: str) -> None:
    for output in cloud.outputs:
        for value in [*SECRETS.values(), *extra]:
            assert value not in output
