"""Issue 13, item 1: a township enrolls its officers on a training day, all at once, while the
devices already enrolled keep pushing.  Every request must get through (a 429/503 is fine
only with a Retry-After, and is retried as a device retries it) — none may hang until the
client gives up.  Shape: 120 enrollments and 20 devices pushing 5 batches each, all started
at the same instant, each device on its own connection, against the real service.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import httpx

from tests.township._staff import report

ENROLLING = 120
PUSHING = 20
BATCHES = 5
# A client timeout far above what any request should take, far below "forever": before the
# fix, requests sat behind a stalled write lock until the database's 30 s timeout.
CLIENT_TIMEOUT = 25.0


class Refusals:
    def __init__(self) -> None:
        self.count = 0


async def send(client: httpx.AsyncClient, refusals: Refusals, **request) -> httpx.Response:
    """One request as a device sends it: a 429/503 must say when to come back, and is
    retried then (capped, as gridterm.client caps it)."""
    for _ in range(50):
        response = await client.request(**request)
        if response.status_code not in (429, 503):
            return response
        assert response.headers.get("Retry-After"), response.text
        refusals.count += 1
        await asyncio.sleep(min(2.0, float(response.headers["Retry-After"])))
    raise AssertionError("refused 50 times in a row")


async def test_a_burst_of_enrollments_while_devices_push_all_get_through(live_service):
    svc = live_service
    grid = svc.make_grid()
    codes = [svc.make_code(svc.make_officer(grid, f"培训{i}")) for i in range(ENROLLING)]
    pushers = [svc.enroll_device(grid) for _ in range(PUSHING)]
    batches = {
        dev.id: [[report(dev) for _ in range(10)] for _ in range(BATCHES)] for dev in pushers
    }
    refusals = Refusals()
    go = asyncio.Event()

    async def enroll(client: httpx.AsyncClient, code: str) -> httpx.Response:
        await go.wait()
        body = {"code": code, "device_name": "培训手机"}
        return await send(client, refusals, method="POST", url="/api/v1/enroll", json=body)

    async def push(client: httpx.AsyncClient, dev) -> list[str]:
        await go.wait()
        results = []
        for batch in batches[dev.id]:
            response = await send(
                client,
                refusals,
                method="POST",
                url="/api/v1/sync/push",
                json={"records": batch},
                headers={
                    "Authorization": f"Bearer {dev.token}",
                    "Idempotency-Key": uuid.uuid4().hex,
                },
            )
            assert response.status_code == 200, response.text
            results += [r["result"] for r in response.json()["results"]]
        return results

    async with contextlib.AsyncExitStack() as stack:

        async def client() -> httpx.AsyncClient:
            made = httpx.AsyncClient(base_url=svc.url, timeout=CLIENT_TIMEOUT)
            return await stack.enter_async_context(made)

        enrolling = [asyncio.create_task(enroll(await client(), code)) for code in codes]
        pushing = [asyncio.create_task(push(await client(), dev)) for dev in pushers]
        go.set()
        enrolled = await asyncio.gather(*enrolling)
        pushed = await asyncio.gather(*pushing)

    assert [r.status_code for r in enrolled] == [200] * ENROLLING
    assert len({r.json()["device_id"] for r in enrolled}) == ENROLLING
    assert [set(results) for results in pushed] == [{"stored"}] * PUSHING
    assert sum(len(results) for results in pushed) == PUSHING * BATCHES * 10


async def test_a_burst_of_staff_writes_all_get_through(live_service):
    """The staff routes write through the same queue: 80 comments on one record at once."""
    from tests.township._staff import make_township

    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    refusals = Refusals()
    headers = {"Authorization": f"Bearer {tw.staff_token}"}
    url = f"/api/v1/staff/records/{rec['id']}/comments"
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=live_service.url, timeout=CLIENT_TIMEOUT)
            )
            for _ in range(80)
        ]
        answers = await asyncio.gather(
            *(
                send(
                    c, refusals, method="POST", url=url, json={"text": f"第{i}条"}, headers=headers
                )
                for i, c in enumerate(clients)
            )
        )
    assert [r.status_code for r in answers] == [200] * 80
    events = tw.staff.get(f"/api/v1/staff/records/{rec['id']}").json()["events"]
    assert len([e for e in events if e.get("comment")]) == 80
