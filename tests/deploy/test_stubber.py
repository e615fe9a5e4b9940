"""The Lambda calls of a release, pinned with botocore's Stubber: their order and their guards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from deploy import alarms, lambdafn, staging
from deploy.aws import Clients
from deploy.build import Package, package_info, write_zip
from deploy.config import Options, Tunables
from deploy.envmerge import EnvChanges
from deploy.output import DeployError, Step, Steps
from deploy.staging import Planned
from deploy.steps import carry_out

FUNCTION = "shipcaptaincrew"
SECRETS = {"GMAIL_REFRESH_TOKEN": "1//0refresh-secret", "SCC_SECRET_KEY": "signing-secret"}
FAST = Tunables(wait_delay=0, retry_delay=0)
LOG = Step(1, 1, "a step")  # where a call outside a run notes what it did


@pytest.fixture
def lam() -> Any:
    return boto3.client("lambda", region_name="us-west-2")


@pytest.fixture
def stub(lam: Any) -> Iterator[Stubber]:
    with Stubber(lam) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def package(tmp_path: Path) -> Package:
    tree = tmp_path / "tree"
    (tree / "scc").mkdir(parents=True)
    (tree / "scc" / "__init__.py").write_text("")
    (tree / "lambda_entry.py").write_text("handler = None\n")
    write_zip(tree, tmp_path / "package.zip")
    return package_info(tmp_path / "package.zip")


def updated() -> dict[str, Any]:
    """A GetFunction answer that satisfies the function_updated_v2 waiter."""
    return {"Configuration": {"LastUpdateStatus": "Successful"}}


def test_release_calls_in_order_with_the_revision_id_read(
    lam: Any, stub: Stubber, package: Package
) -> None:
    name = {"FunctionName": FUNCTION}
    stub.add_response(
        "update_function_code",
        {"CodeSha256": package.code_sha256, "RevisionId": "rev-1"},
        {**name, "ZipFile": package.path.read_bytes(), "Publish": False, "RevisionId": "rev-0"},
    )
    stub.add_response("get_function", updated(), name)
    stub.add_response(
        "get_function_configuration",
        {"Environment": {"Variables": SECRETS}, "RevisionId": "rev-2"},
        name,
    )
    stub.add_response(
        "update_function_configuration",
        {"RevisionId": "rev-3"},
        {**name, "Environment": {"Variables": {**SECRETS, "NEW": "value"}}, "RevisionId": "rev-2"},
    )
    stub.add_response("get_function", updated(), name)
    stub.add_response(
        "get_function_configuration",
        {"CodeSha256": package.code_sha256, "RevisionId": "rev-4"},
        name,
    )
    stub.add_response(
        "publish_version",
        {"Version": "7"},
        {**name, "CodeSha256": package.code_sha256, "Description": ANY, "RevisionId": "rev-4"},
    )
    stub.add_response("get_function_configuration", {"State": "Active"}, {**name, "Qualifier": "7"})
    stub.add_response(
        "update_alias",
        {
            "AliasArn": f"arn:aws:lambda:us-west-2:123456789012:function:{FUNCTION}:staging",
            "Name": "staging",
            "FunctionVersion": "7",
        },
        {**name, "Name": "staging", "FunctionVersion": "7", "Description": ANY},
    )
    run = Planned(Options(command="staging", yes=True, tunables=FAST), Clients("us-west-2"))
    run.clients.lambda_ = lam
    run.planned = cast(Any, SimpleNamespace(
        function=FUNCTION, package=package, changes=EnvChanges({"NEW": "value"}),
        function_answer={"Configuration": {"CodeSha256": "old", "RevisionId": "rev-0"}},
    ))  # fmt: skip
    run.source = "test"
    lambda_steps = staging.STEPS[4:11]  # update code … point alias staging, as staging runs them
    assert [s.what for s in lambda_steps][::6] == ["update code", "point alias staging"]

    carry_out(run, lambda_steps, question=lambda r: "go?")

    assert run.version == "7"
    assert run.log.changed[-1] == "alias staging → version 7"


def test_snapstart_is_sent_with_the_environment(lam: Any, stub: Stubber) -> None:
    name = {"FunctionName": FUNCTION}
    stub.add_response(
        "get_function_configuration",
        {
            "Environment": {"Variables": SECRETS},
            "RevisionId": "r",
            "SnapStart": {"ApplyOn": "None"},
        },
        name,
    )
    stub.add_response(
        "update_function_configuration",
        {},
        {**name, "Environment": {"Variables": SECRETS}, "RevisionId": "r",
         "SnapStart": {"ApplyOn": "PublishedVersions"}},
    )  # fmt: skip

    lambdafn.merge_environment(lam, Steps(["merge"]), LOG, FUNCTION, EnvChanges(), True, FAST)


def test_a_conflict_is_retried_with_backoff(lam: Any, stub: Stubber, package: Package) -> None:
    for _ in range(2):
        stub.add_client_error(
            "update_function_code", "ResourceConflictException", http_status_code=409
        )
    stub.add_response("update_function_code", {"CodeSha256": package.code_sha256})

    lambdafn.update_code(
        lam, Steps(["update"]), LOG, FUNCTION, package, {"CodeSha256": "old"}, FAST
    )


def test_conflict_retries_are_bounded(lam: Any, stub: Stubber, package: Package) -> None:
    for _ in range(3):
        stub.add_client_error(
            "update_function_code", "ResourceConflictException", http_status_code=409
        )

    with pytest.raises(ClientError, match="ResourceConflictException"):
        lambdafn.update_code(
            lam, Steps(["update"]), LOG, FUNCTION, package, {"CodeSha256": "old"},
            Tunables(retry_delay=0, retry_attempts=3),
        )  # fmt: skip


def test_a_changed_revision_is_read_and_merged_again(lam: Any, stub: Stubber) -> None:
    name = {"FunctionName": FUNCTION}
    stub.add_response(
        "get_function_configuration",
        {"Environment": {"Variables": SECRETS}, "RevisionId": "a"},
        name,
    )
    stub.add_client_error(
        "update_function_configuration", "PreconditionFailedException", http_status_code=412
    )
    # Meanwhile someone added a key: it must survive the retry.
    theirs = {**SECRETS, "ADDED_MEANWHILE": "theirs"}
    stub.add_response(
        "get_function_configuration",
        {"Environment": {"Variables": theirs}, "RevisionId": "b"},
        name,
    )
    stub.add_response(
        "update_function_configuration",
        {},
        {**name, "Environment": {"Variables": {**theirs, "NEW": "v"}}, "RevisionId": "b"},
    )

    diff = lambdafn.merge_environment(
        lam, Steps(["merge"]), LOG, FUNCTION, EnvChanges({"NEW": "v"}), None, FAST
    )

    assert diff.added == ("NEW",)


def test_an_unreadable_environment_is_never_overwritten(lam: Any, stub: Stubber) -> None:
    stub.add_response(
        "get_function_configuration",
        {"Environment": {"Error": {"ErrorCode": "KMSAccessDeniedException", "Message": "no"}}},
        {"FunctionName": FUNCTION},
    )

    with pytest.raises(DeployError, match="KMSAccessDeniedException"):
        lambdafn.merge_environment(
            lam, Steps(["merge"]), LOG, FUNCTION, EnvChanges({"NEW": "v"}), None, FAST
        )


def test_publish_refuses_code_that_is_not_the_package(
    lam: Any, stub: Stubber, package: Package
) -> None:
    stub.add_response(
        "get_function_configuration", {"CodeSha256": "someone-else"}, {"FunctionName": FUNCTION}
    )

    with pytest.raises(DeployError, match="no version was published"):
        lambdafn.publish(lam, Steps(["publish"]), LOG, FUNCTION, package, "d", FAST)


@pytest.mark.parametrize("version", ["$LATEST", "", "live"])
def test_an_alias_never_points_at_latest(lam: Any, stub: Stubber, version: str) -> None:
    with pytest.raises(DeployError, match="never \\$LATEST"):
        lambdafn.point_alias(lam, FUNCTION, "live", version, "d", FAST)


@pytest.mark.parametrize(
    ("description", "history"),
    [(None, []), ("scc live; previous:", []), ("scc live; previous: 5 3 2", ["5", "3", "2"]),
     ("hand-written", [])],
)  # fmt: skip
def test_live_history_is_read_from_the_alias_description(
    description: str | None, history: list[str]
) -> None:
    assert lambdafn.live_history({"Description": description}) == history
    assert lambdafn.live_history({"Description": lambdafn.live_description(history)}) == history


def test_an_account_too_small_for_the_ceiling_gets_a_sentence(lam: Any, stub: Stubber) -> None:
    """moto reserves any amount; AWS keeps a minimum unreserved for the account and answers
    InvalidParameterValueException (the PutFunctionConcurrency page of the Lambda API reference;
    a new account's quota can be as low as 10)."""
    stub.add_client_error(
        "put_function_concurrency",
        "InvalidParameterValueException",
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [10].",
        expected_params={"FunctionName": FUNCTION, "ReservedConcurrentExecutions": 10},
    )

    with pytest.raises(DeployError, match="cannot reserve 10 concurrent executions .* quota"):
        alarms.reserve(lam, FUNCTION, 10)
