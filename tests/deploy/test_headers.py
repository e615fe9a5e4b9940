"""The pieces of `routes` that read AWS's shapes: the security headers policy (pinned with
botocore's Stubber) and the Function URL statements as AWS's GetPolicy spells them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from deploy import funcurls, headers
from scc import create_app

# The statements AWS's guide shows for a public Function URL (urls-auth), as GetPolicy returns
# them; and the same with the changes that make them grant less.
URL_STATEMENT = {
    "Sid": "FunctionURLAllowPublicAccess",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "lambda:InvokeFunctionUrl",
    "Resource": "arn:aws:lambda:us-west-2:123456789012:function:shipcaptaincrew:live",
    "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
}
INVOKE_STATEMENT = {
    **URL_STATEMENT,
    "Sid": "FunctionURLAllowInvokeAction",
    "Action": "lambda:InvokeFunction",
    "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}},
}


def test_the_policy_sends_exactly_the_headers_the_app_sets() -> None:
    """deploy reads scc/web/security.py's headers; what the app sends on its own answers is
    what CloudFront must add to S3's."""
    app = create_app({"SECRET_KEY": "headers-test", "TESTING": True})
    response = app.test_client().get("/api/health")
    not_security = {"content-type", "content-length", "cache-control", "vary"}
    sent = {k: v for k, v in response.headers.items() if k.lower() not in not_security}

    assert sent == headers.HEADERS
    assert headers.policy_headers(headers.policy_config(sent)) == sent


@pytest.mark.parametrize(
    ("statement", "grant", "ok"),
    [
        (URL_STATEMENT, 0, True),
        (INVOKE_STATEMENT, 1, True),
        ({**URL_STATEMENT, "Principal": {"AWS": "*"}}, 0, True),
        ({**INVOKE_STATEMENT, "Action": ["lambda:InvokeFunction"]}, 1, True),
        (URL_STATEMENT, 1, False),
        ({**INVOKE_STATEMENT, "Condition": {}}, 1, False),  # anyone could invoke it directly
        ({**URL_STATEMENT, "Effect": "Deny"}, 0, False),
        ({**URL_STATEMENT, "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}, 0, False),
        (
            {
                **URL_STATEMENT,
                "Condition": {
                    **URL_STATEMENT["Condition"],  # type: ignore[dict-item]
                    "ArnLike": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1"},
                },
            },
            0,
            False,
        ),
    ],
)
def test_a_statement_grants_only_what_it_says(
    statement: dict[str, Any], grant: int, ok: bool
) -> None:
    assert funcurls.grants(statement, funcurls.GRANTS[grant]) is ok


@pytest.fixture
def cloudfront() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("cloudfront", region_name="us-east-1")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def _summary(policy_id: str, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "Id": policy_id,
        "LastModifiedTime": "2026-01-01T00:00:00Z",
        "ResponseHeadersPolicyConfig": config,
    }


def test_a_drifted_policy_is_found_and_updated_in_place(
    cloudfront: tuple[Any, Stubber],
) -> None:
    client, stub = cloudfront
    drifted = headers.policy_config({**headers.HEADERS, "X-Frame-Options": "SAMEORIGIN"})
    other = {**drifted, "Name": "someone-elses"}
    listed = [("p-other", other), ("p-ours", drifted)]
    stub.add_response(
        "list_response_headers_policies",
        {
            "ResponseHeadersPolicyList": {
                "MaxItems": 100,
                "Quantity": 2,
                "Items": [
                    {"Type": "custom", "ResponseHeadersPolicy": _summary(i, c)} for i, c in listed
                ],
            }
        },
        {"Type": "custom"},
    )
    stub.add_response(
        "get_response_headers_policy",
        {"ResponseHeadersPolicy": _summary("p-ours", drifted), "ETag": "E1"},
        {"Id": "p-ours"},
    )
    stub.add_response(
        "update_response_headers_policy",
        {"ResponseHeadersPolicy": _summary("p-ours", headers.policy_config(headers.HEADERS))},
        {
            "Id": "p-ours",
            "IfMatch": "E1",
            "ResponseHeadersPolicyConfig": headers.policy_config(headers.HEADERS),
        },
    )

    found = headers.find(client)

    assert found is not None and not found.right
    assert headers.save(client, found) == "p-ours"
    config = headers.attached({"DefaultCacheBehavior": {"TargetOriginId": "shell"}}, "p-ours")
    assert headers.check(found, config).problems == (
        "policy scc-security-headers does not send the app's headers",
    )
