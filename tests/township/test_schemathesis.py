"""schemathesis against the live service's /openapi.json: zero 5xx, zero responses that break
the documented schema.  Requests carry a real staff token (staff API) or a real device token
(sync API), so they reach the handlers instead of stopping at 401.  Bounded: at most
``MAX_EXAMPLES`` generated requests per operation."""

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
    token = api_tokens["device"] if case.path.startswith("/api/v1/sync") else api_tokens["staff"]
    case.call_and_validate(
        # Its own client address, so the enrollment and resident-page rate limits it runs into
        # are its own and not those of the other tests sharing this service.
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "10.77.0.1"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
