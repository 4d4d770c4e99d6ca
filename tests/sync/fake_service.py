"""An in-memory stand-in for the township's sync API, served through httpx.MockTransport.

Only the sync client's unit tests use it (mocking the network is allowed there and nowhere
else); end-to-end tests run the real service on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

Fault = Callable[[httpx.Request], "httpx.Response | None"]


class FakeService:
    def __init__(self) -> None:
        self.stored: dict[str, dict] = {}  # id -> {"rev", "body"}
        self.history: list[tuple[str, int]] = []
        self.requests: list[httpx.Request] = []
        self.faults: list[Fault] = []  # applied one per request, in order
        self.lose_answer: set[int] = set()  # request numbers whose answer is cut off
        self.reject: dict[str, str] = {}  # id -> reason
        self.updates: list[dict] = []  # the change feed, seq 1..n
        self.households: list[dict] = []
        self.gone_below: int = 0  # cursors below this answer 410
        self.auth: httpx.Response | None = None

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        number = len(self.requests)
        if self.faults:
            fault = self.faults.pop(0)
            if fault is not None:
                answer = fault(request)
                if answer is not None:
                    return answer
        if self.auth is not None and request.url.path != "/api/v1/enroll":
            return self.auth
        response = self.route(request)
        if number in self.lose_answer:
            # The service did the work; the answer never reached the client.
            raise httpx.RemoteProtocolError("connection closed", request=request)
        return response

    def route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v1/enroll":
            body = json.loads(request.content)
            if body["code"] != "GOOD-CODE":
                return httpx.Response(404, json={"detail": "unknown code", "code": "code_invalid"})
            return httpx.Response(
                200,
                json={
                    "device_id": "dev-1",
                    "token": "tok-1",
                    "device_secret": "secret-1",
                    "officer": {"id": "o1", "name": "王芳", "phone": "13800000000"},
                    "grid": {"id": "g1", "name": "一组"},
                    "township": {"id": "t1", "name": "青山镇"},
                    "service_url": "https://public.example.cn",
                },
            )
        if path == "/api/v1/sync/push":
            return self.push(request)
        if path == "/api/v1/sync/pull":
            return self.pull(request)
        return httpx.Response(404, json={"detail": "no such path", "code": "not_found"})

    def push(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer tok-1"
        assert request.headers["Idempotency-Key"]
        records = json.loads(request.content)["records"]
        results = []
        raw = request.content
        for rec in records:
            rid, rev = rec["id"], rec["rev"]
            body = json.dumps(rec, sort_keys=True)
            if rid in self.reject:
                results.append(
                    {"id": rid, "rev": rev, "result": "rejected", "error": self.reject[rid]}
                )
                continue
            have = self.stored.get(rid)
            if have is None or rev > have["rev"]:
                self.stored[rid] = {"rev": rev, "body": body}
                self.history.append((rid, rev))
                result = "stored"
            elif rev == have["rev"] and body == have["body"]:
                result = "unchanged"
            elif rev == have["rev"]:
                result = "conflict"
            else:
                result = "unchanged"
            results.append({"id": rid, "rev": rev, "result": result, "error": None})
        assert raw.startswith(b'{"records":[')
        return httpx.Response(200, json={"results": results})

    def pull(self, request: httpx.Request) -> httpx.Response:
        cursor = int(request.url.params["cursor"])
        limit = int(request.url.params.get("limit", 1000))
        if cursor < self.gone_below and cursor != 0:
            return httpx.Response(410, json={"detail": "cursor too old", "code": "cursor_gone"})
        feed = [u for u in self.updates if u["seq"] > cursor][:limit]
        households = self.households if cursor == 0 else []
        new_cursor = feed[-1]["seq"] if feed else cursor
        more = any(u["seq"] > new_cursor for u in self.updates)
        return httpx.Response(
            200,
            json={
                "cursor": new_cursor,
                "more": more,
                "updates": feed,
                "templates": [],
                "households": households,
                "mediators": [],
            },
        )


def status(code: int, retry_after: str | None = None) -> Fault:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return lambda request: httpx.Response(
        code, json={"detail": "busy", "code": "busy"}, headers=headers
    )


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def stall(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)
