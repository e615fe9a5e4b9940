"""What may go live, pinned with botocore's Stubber where moto cannot play the part: a version
that is not Active, an idle SnapStart version woken before live points at it, and the pass mark
written only for the version the smoke test went to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from deploy import gate
from deploy.aws import Clients
from deploy.config import Options, Tunables
from deploy.output import DeployError, Step
from deploy.promote import Promote
from deploy.rollback import Rollback
from deploy.run import Run

FUNCTION = "shipcaptaincrew"
ARN = f"arn:aws:lambda:us-west-2:123456789012:function:{FUNCTION}"
BUCKET = "scc-dispatch-test"
FAST = Tunables(wait_delay=0, retry_delay=0)
NAME = {"FunctionName": FUNCTION}
SHA = "n2mV0b4Ahw6KaBeN3FhLJbdXe5DNNUvKZ6bx7jCeTTo="
ENV = {"Environment": {"Variables": {"SCC_DISPATCH_BUCKET": BUCKET}}}


@pytest.fixture
def stubs() -> Iterator[dict[str, Stubber]]:
    """Stubbed Lambda, S3 and CloudFront clients: every call must be the one expected next."""
    clients = {
        name: boto3.client(name, region_name="us-west-2") for name in ("lambda", "s3", "cloudfront")
    }
    stubbers = {name: Stubber(client) for name, client in clients.items()}
    for stubber in stubbers.values():
        stubber.activate()
    yield stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def _run(stubs: dict[str, Stubber], kind: type[Run]) -> Any:
    clients = Clients("us-west-2")
    for name, attribute in (("lambda", "lambda_"), ("s3", "s3"), ("cloudfront", "cloudfront")):
        setattr(clients, attribute, stubs[name].client)
    command = kind.__name__.lower()
    options = Options(command=command, distribution_id="E1", yes=True, tunables=FAST)
    return kind(options, clients)


def _distribution(stubs: dict[str, Stubber]) -> None:
    """GetDistribution: every id is checked before anything changes."""
    distribution = {
        "Id": "E1",
        "ARN": "arn:aws:cloudfront::123456789012:distribution/E1",
        "Status": "Deployed",
        "LastModifiedTime": "2026-01-01T00:00:00Z",
        "InProgressInvalidationBatches": 0,
        "DomainName": "d111.cloudfront.net",
        "DistributionConfig": {
            "CallerReference": "scc",
            "Origins": {
                "Quantity": 1,
                "Items": [{"Id": "shell", "DomainName": f"{BUCKET}.s3.amazonaws.com"}],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "shell",
                "ViewerProtocolPolicy": "allow-all",
            },
            "Comment": "",
            "Enabled": True,
        },
    }
    stubs["cloudfront"].add_response(
        "get_distribution", {"Distribution": distribution}, {"Id": "E1"}
    )


def _alias(name: str, version: str, description: str) -> dict[str, Any]:
    return {
        "AliasArn": f"{ARN}:{name}",
        "Name": name,
        "FunctionVersion": version,
        "Description": description,
        "RevisionId": f"rev-{name}-{version}",
    }


def _version(state: str, **extra: Any) -> dict[str, Any]:
    return {"Version": extra.pop("Version", "7"), "CodeSha256": SHA, "State": state, **ENV, **extra}


def _release_files(stubs: dict[str, Stubber], version: str) -> None:
    keys = [
        f"_releases/{version}/static/app.css",
        f"_releases/{version}/tools/shipcaptaincrew/index.html",
    ]
    stubs["s3"].add_response(
        "list_objects_v2",
        {"Contents": [{"Key": k} for k in keys], "IsTruncated": False},
        {"Bucket": BUCKET, "Prefix": f"_releases/{version}/"},
    )


def _copied(s3: Stubber, key: str) -> None:
    expected = {"Bucket": BUCKET, "Key": key, "MetadataDirective": "COPY", "CopySource": ANY}
    s3.add_response("copy_object", {}, expected)


def test_promote_refuses_a_version_that_is_not_active(stubs: dict[str, Stubber]) -> None:
    lam = stubs["lambda"]
    _distribution(stubs)
    passed = gate.passed("7", SHA, "scc abc123")
    lam.add_response("get_alias", _alias("staging", "7", passed), {**NAME, "Name": "staging"})
    lam.add_response(
        "get_alias", _alias("live", "5", "scc live; previous:"), {**NAME, "Name": "live"}
    )
    lam.add_response(
        "get_function_configuration",
        _version("Failed", StateReason="Snapshot creation failed"),
        {**NAME, "Qualifier": "7"},
    )

    with pytest.raises(DeployError, match="Version 7 is Failed, not Active \\(Snapshot creation"):
        _run(stubs, Promote).execute()
    # No UpdateAlias was stubbed: live was not moved, and no file was copied.


def test_rollback_wakes_an_idle_snapstart_version_before_live_points_at_it(
    stubs: dict[str, Stubber],
) -> None:
    lam, s3 = stubs["lambda"], stubs["s3"]
    _distribution(stubs)
    lam.add_response(
        "get_alias", _alias("live", "7", "scc live; previous: 5"), {**NAME, "Name": "live"}
    )
    idle = _version("Inactive", Version="5", SnapStart={"ApplyOn": "PublishedVersions"})
    lam.add_response("get_function_configuration", idle, {**NAME, "Qualifier": "5"})
    lam.add_response("get_function_configuration", _version("Active", Version="$LATEST"), NAME)
    lam.add_response(
        "get_alias", _alias("staging", "8", gate.passed("8", SHA, "s")), {**NAME, "Name": "staging"}
    )
    s3.add_response("head_bucket", {}, {"Bucket": BUCKET})
    _release_files(stubs, "5")
    # Step 2: invoked once (Lambda answers that it is restoring the snapshot), waited for.
    invoked = {**NAME, "Qualifier": "5", "InvocationType": "RequestResponse", "Payload": ANY}
    lam.add_client_error(
        "invoke", "SnapStartNotReadyException", http_status_code=409, expected_params=invoked
    )
    for state in ("Pending", "Active", "Active"):
        lam.add_response(
            "get_function_configuration", _version(state, Version="5"), {**NAME, "Qualifier": "5"}
        )
    # Then, and only then: static files, alias live (noting the rollback under way), shell,
    # invalidation, and the rollback recorded as finished.
    _copied(s3, "static/app.css")
    for description in ("scc live; rolling back from 7; previous:", "scc live; previous:"):
        if description == "scc live; previous:":
            _copied(s3, "tools/shipcaptaincrew/index.html")
            batch = {"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": "c"}
            invalidation = {
                "Id": "I1",
                "Status": "InProgress",
                "CreateTime": "2026-01-01T00:00:00Z",
            }
            stubs["cloudfront"].add_response(
                "create_invalidation",
                {"Invalidation": {**invalidation, "InvalidationBatch": batch}},
                {"DistributionId": "E1", "InvalidationBatch": ANY},
            )
        lam.add_response(
            "update_alias", _alias("live", "5", description),
            {**NAME, "Name": "live", "FunctionVersion": "5", "Description": description},
        )  # fmt: skip

    assert _run(stubs, Rollback).execute() == 0


def test_an_active_version_is_not_invoked(stubs: dict[str, Stubber]) -> None:
    step = Step(2, 7, gate.__name__)

    gate.wake(stubs["lambda"].client, FUNCTION, "7", _version("Active"), step, FAST)

    assert step.skipped == "version 7 is Active"


def test_a_version_that_fails_to_wake_is_refused(stubs: dict[str, Stubber]) -> None:
    lam = stubs["lambda"]
    lam.add_response(
        "invoke",
        {"StatusCode": 200},
        {**NAME, "Qualifier": "7", "InvocationType": "RequestResponse", "Payload": ANY},
    )
    lam.add_response("get_function_configuration", _version("Failed"), {**NAME, "Qualifier": "7"})

    with pytest.raises(DeployError, match="Waiting for published version active failed"):
        gate.wake(lam.client, FUNCTION, "7", _version("Inactive"), Step(2, 7, "wake"), FAST)


def test_the_pass_is_recorded_only_for_the_version_staging_still_points_at(
    stubs: dict[str, Stubber],
) -> None:
    lam = stubs["lambda"]
    lam.add_response(
        "get_alias", _alias("staging", "8", gate.pending("8", "s")), {**NAME, "Name": "staging"}
    )
    lam.add_response(
        "get_alias", _alias("staging", "7", gate.pending("7", "s")), {**NAME, "Name": "staging"}
    )
    mark = gate.passed("7", SHA, "s")
    lam.add_response(
        "update_alias",
        _alias("staging", "7", mark),
        {**NAME, "Name": "staging", "FunctionVersion": "7", "Description": mark,
         "RevisionId": "rev-staging-7"},
    )  # fmt: skip

    with pytest.raises(DeployError, match="Alias staging moved to version 8 during the smoke test"):
        gate.mark_passed(lam.client, FUNCTION, "7", SHA, "s", FAST)
    gate.mark_passed(lam.client, FUNCTION, "7", SHA, "s", FAST)


@pytest.mark.parametrize(
    ("description", "sha", "refused"),
    [
        (gate.passed("7", SHA, "scc abc"), SHA, None),
        (gate.passed("6", SHA, "scc abc"), SHA, "no passed smoke test on record"),
        (gate.pending("7", "scc abc"), SHA, "the alias says: scc staging: version 7, smoke test"),
        ("", SHA, "the alias says: nothing"),
        (gate.passed("7", SHA, "scc abc"), "other-code", "for other code than that version"),
    ],
)
def test_the_pass_mark_must_name_the_version_and_its_code(
    description: str, sha: str, refused: str | None
) -> None:
    staging = _alias("staging", "7", description)
    configuration = {"CodeSha256": sha}
    if refused is None:
        gate.check_passed(staging, configuration)
    else:
        with pytest.raises(DeployError, match=refused):
            gate.check_passed(staging, configuration)
