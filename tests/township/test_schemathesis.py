"""schemathesis against the live service's /openapi.json: zero 5xx, zero responses that break
the documented schema.  Requests carry a real staff token (staff API) or a real device token
(sync API), so they reach the handlers instead of stopping at 401.  Bounded: at most
``MAX_EXAMPLES`` generated requests per operation.

The schema states the bounds of every number and time the service takes (a record's rev and
timestamps, staff dates), so the generated requests aim at their edges; and it links
operations (api/links.py: a pushed or listed record's id opens, moves and answers it), so
the stateful test chains real ids through scenarios of a few steps each."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.township._staff import make_township, report

MAX_EXAMPLES = 30
MAX_SCENARIOS = 25


@pytest.fixture
def api_schema(live_service):
    return schemathesis.openapi.from_url(f"{live_service.url}/openapi.json")


@pytest.fixture
def api_tokens(live_service):
    tw = make_township(live_service, "测试干部")
    tw.push(report(tw.device, receipt=True))
    return {"staff": tw.staff_token, "device": tw.device.token}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
)
def test_openapi_contract(case, api_tokens):
    case.call_and_validate(headers=headers_for(case, api_tokens, "10.77.0.1"), checks=CHECKS)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
CHECKS.append(response_schema_conformance)


def headers_for(case, tokens: dict[str, str], address: str) -> dict[str, str]:
    """The device's token for the sync API, staff's for the rest — and its own client address,
    so the enrollment and resident-page rate limits it runs into are its own and not those of
    the other tests sharing this service."""
    device_paths = ("/api/v1/sync", "/api/v1/attachments")
    token = tokens["device"] if case.path.startswith(device_paths) else tokens["staff"]
    return {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}


def test_openapi_links_chain_real_ids(api_schema, api_tokens):
    """Scenarios along the schema's links: push or list → open, move, answer that record."""

    class Scenarios(api_schema.as_state_machine()):
        def before_call(self, case):
            # The real tokens, over whatever the generator made up for the security scheme.
            case.headers = {**(case.headers or {}), **headers_for(case, api_tokens, "10.77.0.2")}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Scenarios.run(
        settings=settings(
            max_examples=MAX_SCENARIOS,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
