"""`python -m deploy routes` against the moto server: behaviours, both Function URL permissions,
the origin header and the security headers policy, checked and then fixed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from deploy import headers
from tests.deploy.cloud import FUNCTION, INITIAL_ENV, Cloud, Result, assert_no_secrets

OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
URL_AUTH = {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
VIA_URL = {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def _behaviour(pattern: str, origin: str, cache_policy: str) -> dict[str, Any]:
    return {
        "PathPattern": pattern,
        "TargetOriginId": origin,
        "CachePolicyId": cache_policy,
        "ViewerProtocolPolicy": "allow-all",
        "AllowedMethods": {
            "Quantity": 2,
            "Items": ["GET", "HEAD"],
            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        },
    }


def _grants(cloud: Cloud, alias: str) -> list[tuple[str, dict[str, Any]]]:
    return sorted((s["Action"], s.get("Condition", {})) for s in cloud.statements(alias))


def _distribution(cloud: Cloud) -> dict[str, Any]:
    answer = cloud.client("cloudfront").get_distribution_config(Id=cloud.distribution_id)
    config: dict[str, Any] = answer["DistributionConfig"]
    return config


def test_routes_checks_then_fixes(aliases: Cloud, deploy: Callable[..., Result]) -> None:
    cloud, cf = aliases, aliases.client("cloudfront")
    current = cf.get_distribution_config(Id=cloud.distribution_id)
    config = current["DistributionConfig"]
    config["CacheBehaviors"] = {
        "Quantity": 2,
        "Items": [
            _behaviour("/images/*", "shell", OPTIMIZED),
            _behaviour("/api/*", "shell", OPTIMIZED),
        ],
    }
    cf.update_distribution(
        Id=cloud.distribution_id, IfMatch=current["ETag"], DistributionConfig=config
    )

    check = deploy("routes", yes=False)

    assert check.code == 1
    assert "/g/*/waiver → live" in check.out and "missing" in check.out
    assert "caching not disabled" in check.out
    for alias in ("live", "staging"):
        assert re.search(
            f"Function URL permissions {alias} +lambda:InvokeFunctionUrl not granted; "
            "lambda:InvokeFunction not granted",
            check.out,
        )
        assert f"origin header {alias}" in check.out
    assert "no response headers policy scc-security-headers" in check.out
    assert "[3/7] grant the missing Function URL permissions: skipped, would grant 4" in check.err
    assert "[7/7] update the distribution: skipped, would fix" in check.err
    assert cloud.statements("live") == [] and "SCC_ORIGIN_SECRET" not in cloud.env()

    assert deploy("routes").code == 0

    fixed = _distribution(cloud)
    behaviours = fixed["CacheBehaviors"]["Items"]
    assert [b["PathPattern"] for b in behaviours] == [
        "/_staging/api/*",
        "/_staging/g/*/waiver",
        "/_staging/g/*/payment",
        "/_staging/g/*/payment/*",
        "/api/*",
        "/g/*/waiver",
        "/g/*/payment",
        "/g/*/payment/*",
        "/images/*",
    ]
    url = cloud.client("lambda").get_function_url_config(FunctionName=FUNCTION)["FunctionUrl"]
    origins = {o["Id"]: o["DomainName"] for o in fixed["Origins"]["Items"]}
    for behaviour in behaviours[:8]:
        assert url == f"https://{origins[behaviour['TargetOriginId']]}"
        assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
        assert behaviour["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
        assert len(behaviour["AllowedMethods"]["Items"]) == 7
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviours[8]["CachePolicyId"] == OPTIMIZED  # not ours: left alone
    for alias in ("live", "staging"):
        assert _grants(cloud, alias) == [
            ("lambda:InvokeFunction", VIA_URL),
            ("lambda:InvokeFunctionUrl", URL_AUTH),
        ]
    again = deploy("routes", yes=False)
    assert again.code == 0
    assert again.out.count(" ok\n") == 8 + 2 + 2 + 1
    assert_no_secrets(cloud, cloud.env()["SCC_ORIGIN_SECRET"])


def test_routes_grants_only_the_permission_that_is_missing(
    aliases: Cloud, deploy: Callable[..., Result]
) -> None:
    """The setup DEPLOY.md used to describe: only lambda:InvokeFunctionUrl, as AWS required it
    before October 2025. Every request to such a new URL answers 403."""
    lam = aliases.client("lambda")
    for alias in ("live", "staging"):
        lam.add_permission(
            FunctionName=FUNCTION,
            Qualifier=alias,
            StatementId="FunctionURLAllowPublicAccess",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )

    check = deploy("routes", yes=False)
    fixed = deploy("routes")

    assert check.code == 1
    assert re.search(
        "Function URL permissions live +lambda:InvokeFunction not granted\n", check.out
    )
    assert "would grant 2 permissions" in check.err
    assert fixed.code == 0, fixed.err
    assert "lambda:InvokeFunction granted on alias staging's Function URL" not in fixed.err
    for alias in ("live", "staging"):
        sids = [s["Sid"] for s in aliases.statements(alias)]
        assert sids == ["FunctionURLAllowPublicAccess", "scc-url-invoke-function"]
        assert _grants(aliases, alias)[0] == ("lambda:InvokeFunction", VIA_URL)


def test_routes_makes_an_origin_secret_keeps_every_key_and_never_prints_it(
    aliases: Cloud, deploy: Callable[..., Result]
) -> None:
    result = deploy("routes")

    assert result.code == 0, result.err
    env = aliases.env()
    secret = env.pop("SCC_ORIGIN_SECRET")
    assert env == INITIAL_ENV
    assert len(secret) >= 40
    config = _distribution(aliases)
    [function_url_origin] = [o for o in config["Origins"]["Items"] if o["Id"] != "shell"]
    assert function_url_origin["CustomHeaders"]["Items"] == [
        {"HeaderName": "X-SCC-Origin-Verify", "HeaderValue": secret}
    ]
    assert "[4/7] store a new SCC_ORIGIN_SECRET in the function's environment: 1 added" in (
        result.err
    )
    assert "version 1 behind alias live does not accept that SCC_ORIGIN_SECRET value" in (
        result.err
    )
    assert_no_secrets(aliases, secret)


def test_routes_sends_the_first_origin_secret_and_changes_no_environment(
    aliases: Cloud, deploy: Callable[..., Result]
) -> None:
    lam = aliases.client("lambda")
    rotated = {**INITIAL_ENV, "SCC_ORIGIN_SECRET": "new-origin-secret-1, old-origin-secret-0"}
    lam.update_function_configuration(FunctionName=FUNCTION, Environment={"Variables": rotated})

    result = deploy("routes")

    assert result.code == 0, result.err
    assert aliases.env() == rotated
    origins = _distribution(aliases)["Origins"]["Items"]
    sent = [h["HeaderValue"] for o in origins for h in o["CustomHeaders"].get("Items", [])]
    assert sent == ["new-origin-secret-1"]
    assert "[4/7] store a new SCC_ORIGIN_SECRET in the function's environment: skipped" in (
        result.err
    )
    assert_no_secrets(aliases, "new-origin-secret-1", "old-origin-secret-0")


def test_routes_puts_a_drifted_headers_policy_right(
    aliases: Cloud, deploy: Callable[..., Result]
) -> None:
    cf = aliases.client("cloudfront")
    drifted = headers.policy_config({**headers.HEADERS, "Content-Security-Policy": "default-src *"})
    made = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=drifted)
    policy_id = made["ResponseHeadersPolicy"]["Id"]

    check = deploy("routes", yes=False)
    fixed = deploy("routes")

    assert "policy scc-security-headers does not send the app's headers" in check.out
    assert fixed.code == 0, fixed.err
    now = cf.get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]
    assert headers.policy_headers(now["ResponseHeadersPolicyConfig"]) == headers.HEADERS
    listed = cf.list_response_headers_policies(Type="custom")["ResponseHeadersPolicyList"]
    assert listed["Quantity"] == 1  # updated, not made again
    default = _distribution(aliases)["DefaultCacheBehavior"]
    assert default["ResponseHeadersPolicyId"] == policy_id
