"""The moto server the deploy tests run against, with what moto 5.1.22 gets wrong about AWS put
right in this process only (run as a script; it prints its URL and stops when stdin closes).

- CloudFront reads only one cache behaviour (it iterates the Items dict, so a list of several
  crashes it), and drops the policy ids of the default behaviour.
- CloudFront has no response headers policies: a small store of them, each kept as the XML it was
  sent in, answered in CloudFront's shapes.
- Lambda keeps one resource policy per version object, so the two aliases of one version share
  it, and it stores FunctionUrlAuthType and InvokedViaFunctionUrl as plain keys. AWS keeps a
  policy per alias and turns them into conditions (the urls-auth page of the Lambda guide):
  {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}} and
  {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}.
- Lambda's event source mappings keep only BatchSize, StartingPosition and Enabled: the filter,
  the partial-batch response, bisecting, retries, record age and the on-failure destination are
  accepted and dropped. AWS keeps each, answers with it, and UpdateEventSourceMapping changes it
  (the CreateEventSourceMapping and UpdateEventSourceMapping pages of the Lambda API reference).
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from moto.awslambda import models as lambda_models
from moto.awslambda import responses as lambda_responses
from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.policy import Policy
from moto.cloudfront import models as cloudfront
from moto.cloudfront import urls as cloudfront_urls
from moto.cloudfront.responses import XMLNS, CloudFrontResponse
from moto.moto_api._internal import mock_random
from moto.server import ThreadedMotoServer

# --- CloudFront: cache behaviours and the default behaviour's policy ids ---------------------

_init_config = cloudfront.DistributionConfig.__init__


def _init_with_behaviours(self: Any, config: dict[str, Any]) -> None:
    items = (config.get("CacheBehaviors") or {}).get("Items") or {}
    behaviours = items.get("CacheBehavior") if isinstance(items, dict) else None
    if isinstance(behaviours, list):
        _init_config(self, {**config, "CacheBehaviors": {"Quantity": "0"}})
        self.cache_behaviors = [cloudfront.CacheBehaviour(b) for b in behaviours]
    else:
        _init_config(self, config)


_init_default = cloudfront.DefaultCacheBehaviour.__init__
POLICY_IDS = {
    "cache_policy_id": "CachePolicyId",
    "origin_request_policy_id": "OriginRequestPolicyId",
    "response_headers_policy_id": "ResponseHeadersPolicyId",
}


def _init_default_with_policies(self: Any, config: dict[str, Any]) -> None:
    _init_default(self, config)
    for attribute, key in POLICY_IDS.items():
        setattr(self, attribute, config.get(key) or "")


cloudfront.DistributionConfig.__init__ = _init_with_behaviours  # type: ignore[method-assign]
cloudfront.DefaultCacheBehaviour.__init__ = _init_default_with_policies  # type: ignore[method-assign]

# --- CloudFront: response headers policies ---------------------------------------------------

CONFIG = re.compile(r"<ResponseHeadersPolicyConfig[^>]*>(.*)</ResponseHeadersPolicyConfig>", re.S)
NAME = re.compile(r"<Name>([^<]*)</Name>")


def _policies(self: Any) -> dict[str, dict[str, str]]:
    """This account's policies, on the backend so that moto's reset clears them."""
    store: dict[str, dict[str, str]] = self.backend.__dict__.setdefault("scc_headers", {})
    return store


def _policy_xml(policy: dict[str, str]) -> str:
    return (
        f"<Id>{policy['id']}</Id><LastModifiedTime>{policy['modified']}</LastModifiedTime>"
        f"<ResponseHeadersPolicyConfig>{policy['config']}</ResponseHeadersPolicyConfig>"
    )


def _answer(policy: dict[str, str], status: int = 200) -> Any:
    body = f'<ResponseHeadersPolicy xmlns="{XMLNS}">{_policy_xml(policy)}</ResponseHeadersPolicy>'
    return status, {"ETag": policy["etag"], "status": status}, body


def _error(status: int, code: str, message: str) -> Any:
    body = (
        f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error></ErrorResponse>"
    )
    return status, {"status": status}, body


def _store(self: Any, policy_id: str) -> Any:
    body = self.body.decode() if isinstance(self.body, bytes) else self.body
    config = CONFIG.search(body)
    name = NAME.search(body)
    if config is None or name is None:
        return _error(400, "MalformedInput", "no ResponseHeadersPolicyConfig with a Name")
    policy = {
        "id": policy_id,
        "name": name.group(1),
        "config": config.group(1),
        "etag": mock_random.get_random_hex(14).upper(),
        "modified": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    _policies(self)[policy_id] = policy
    return policy


def create_response_headers_policy(self: Any) -> Any:
    taken = {p["name"] for p in _policies(self).values()}
    body = self.body.decode() if isinstance(self.body, bytes) else self.body
    name = NAME.search(body)
    if name is not None and name.group(1) in taken:
        return _error(409, "ResponseHeadersPolicyAlreadyExists", "that name is taken")
    policy = _store(self, str(mock_random.uuid4()))
    return policy if isinstance(policy, tuple) else _answer(policy, 201)


def list_response_headers_policies(self: Any) -> Any:
    items = "".join(
        "<ResponseHeadersPolicySummary><Type>custom</Type><ResponseHeadersPolicy>"
        f"{_policy_xml(policy)}</ResponseHeadersPolicy></ResponseHeadersPolicySummary>"
        for policy in _policies(self).values()
    )
    count = len(_policies(self))
    body = (
        f'<ResponseHeadersPolicyList xmlns="{XMLNS}"><MaxItems>100</MaxItems>'
        f"<Quantity>{count}</Quantity><Items>{items}</Items></ResponseHeadersPolicyList>"
    )
    return 200, {}, body


def get_response_headers_policy(self: Any) -> Any:
    policy = _policies(self).get(unquote(self.path.rstrip("/").split("/")[-1]))
    if policy is None:
        return _error(404, "NoSuchResponseHeadersPolicy", "no such policy")
    return _answer(policy)


def update_response_headers_policy(self: Any) -> Any:
    policy_id = unquote(self.path.rstrip("/").split("/")[-1])
    current = _policies(self).get(policy_id)
    if current is None:
        return _error(404, "NoSuchResponseHeadersPolicy", "no such policy")
    if self.headers.get("If-Match") != current["etag"]:
        return _error(412, "PreconditionFailed", "If-Match is not the current ETag")
    policy = _store(self, policy_id)
    return policy if isinstance(policy, tuple) else _answer(policy)


for _handler in (
    create_response_headers_policy,
    list_response_headers_policies,
    get_response_headers_policy,
    update_response_headers_policy,
):
    setattr(CloudFrontResponse, _handler.__name__, _handler)
cloudfront_urls.url_paths.update(
    {
        "{0}/2020-05-31/response-headers-policy$": CloudFrontResponse.dispatch,
        "{0}/2020-05-31/response-headers-policy/(?P<policy_id>[^/]+)$": (
            CloudFrontResponse.dispatch
        ),
    }
)

# --- Lambda: one resource policy per qualifier, with AWS's conditions ------------------------

_decode = Policy.decode_policy


def _decode_with_conditions(self: Policy, obj: dict[str, Any]) -> Policy:
    auth_type = obj.pop("FunctionUrlAuthType", None)
    via_url = obj.pop("InvokedViaFunctionUrl", None)
    policy = _decode(self, obj)
    statement = policy.statements[0]
    condition = statement.setdefault("Condition", {})
    if auth_type:
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = auth_type
    if via_url:
        condition.setdefault("Bool", {})["lambda:InvokedViaFunctionUrl"] = "true"
    if not condition:
        del statement["Condition"]
    return policy


class StatementIdTaken(LambdaClientError):
    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ResourceConflictException", message)


def _qualified_policy(backend: Any, function_name: str, qualifier: str | None) -> Policy:
    backend.get_function(function_name, qualifier)  # unknown function or alias: not found
    latest = backend.get_function(function_name)
    store: dict[tuple[str, str], Policy] = backend.__dict__.setdefault("scc_policies", {})
    key = (latest.function_name, qualifier or "")
    if key not in store:
        store[key] = Policy(latest)
    return store[key]


def add_permission(self: Any, function_name: str, qualifier: str | None, raw: str) -> Any:
    policy = _qualified_policy(self, function_name, qualifier)
    sid = re.search(r'"StatementId":\s*"([^"]+)"', raw)
    if sid and any(s.get("Sid") == sid.group(1) for s in policy.statements):
        raise StatementIdTaken(
            f"The statement id ({sid.group(1)}) provided already exists. Please provide a new "
            "statement id, or remove the existing statement."
        )
    return policy.add_statement(raw, qualifier)


def get_policy(self: Any, function_name: str, qualifier: str | None = None) -> str:
    return _qualified_policy(self, function_name, qualifier).wire_format()


def remove_permission(self: Any) -> Any:
    function_name = unquote(self.path.split("/")[-3])
    sid = unquote(self.path.split("/")[-1].split("?")[0])
    qualifier = self.querystring.get("Qualifier", [None])[0]
    _qualified_policy(self.backend, function_name, qualifier).del_statement(sid)
    return 204, {"status": 204}, "{}"


Policy.decode_policy = _decode_with_conditions  # type: ignore[method-assign]
lambda_models.LambdaBackend.add_permission = add_permission  # type: ignore[method-assign]
lambda_models.LambdaBackend.get_policy = get_policy  # type: ignore[method-assign]
lambda_responses.LambdaResponse.remove_permission = remove_permission  # type: ignore[method-assign]


# --- Lambda: an event source mapping keeps the settings it was given ---------------------------

ESM_SETTINGS = (
    "FilterCriteria",
    "FunctionResponseTypes",
    "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds",
    "MaximumBatchingWindowInSeconds",
    "DestinationConfig",
)
_init_mapping = lambda_models.EventSourceMapping.__init__
_mapping_configuration = lambda_models.EventSourceMapping.get_configuration
_update_mapping = lambda_models.LambdaBackend.update_event_source_mapping


def _init_mapping_with_settings(self: Any, spec: dict[str, Any]) -> None:
    _init_mapping(self, spec)
    self.scc_settings = {key: spec[key] for key in ESM_SETTINGS if key in spec}


def _configuration_with_settings(self: Any) -> dict[str, Any]:
    return {**_mapping_configuration(self), **getattr(self, "scc_settings", {})}


def _update_mapping_settings(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
    mapping = _update_mapping(self, uuid, spec)
    if mapping is not None:
        mapping.scc_settings.update({key: spec[key] for key in ESM_SETTINGS if key in spec})
    return mapping


lambda_models.EventSourceMapping.__init__ = _init_mapping_with_settings  # type: ignore[method-assign]
lambda_models.EventSourceMapping.get_configuration = _configuration_with_settings  # type: ignore[method-assign]
lambda_models.LambdaBackend.update_event_source_mapping = _update_mapping_settings  # type: ignore[method-assign]


def main() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(f"http://{host}:{port}", flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
