"""A TCP proxy between a device and the service that misbehaves at random (seeded).

Each connection carries one HTTP exchange; for each, the proxy picks one of:

- ``pass``        forward the request, forward the answer (with ``Connection: close``)
- ``refuse``      close the connection at once, before reading anything
- ``cut_request`` read part of the request, then close
- ``lose_answer`` forward the request, read the service's whole answer, then close without
                  passing it on (the service did the work; the device never hears of it)
- ``stall``       read the request and say nothing for ``stall_seconds`` (past the client's
                  read timeout), then close
- ``busy``        answer ``503`` with ``Retry-After`` itself

It runs its own event loop in a thread, so blocking clients (the sync client) can use it.
Each exchange is logged in ``exchanges`` as ``(mode, method, bytes of the request read from
the device)``, so a test can tell what the device sent over the wire, and how often it was
interrupted.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter

MODES = ("pass", "refuse", "cut_request", "lose_answer", "stall", "busy")


class FaultProxy:
    def __init__(
        self,
        upstream_port: int,
        seed: int,
        weights: dict[str, float] | None = None,
        stall_seconds: float = 1.0,
        retry_after: str = "0",
    ) -> None:
        self.upstream_port = upstream_port
        self.rng = random.Random(seed)
        self.weights = weights or {
            "pass": 5,
            "refuse": 1,
            "cut_request": 1,
            "lose_answer": 1,
            "stall": 0.5,
            "busy": 1,
        }
        self.stall_seconds = stall_seconds
        self.retry_after = retry_after
        self.seen: Counter = Counter()
        self.request_lines: list[str] = []
        self.exchanges: list[tuple[str, str, int]] = []
        self.enabled = True
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        # Finish what is still open (a stalled exchange) so no transport is left unclosed.
        tasks = asyncio.all_tasks(self._loop)
        for task in tasks:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        self._server.close()
        self._loop.run_until_complete(self._server.wait_closed())
        self._loop.close()

    def _pick(self) -> str:
        if not self.enabled:
            return "pass"
        modes = list(self.weights)
        return self.rng.choices(modes, weights=[self.weights[m] for m in modes])[0]

    @staticmethod
    async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        body = await reader.readexactly(length) if length else b""
        return head, body

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        mode = self._pick()
        self.seen[mode] += 1
        try:
            if mode == "refuse":
                self.exchanges.append((mode, "", 0))
                return
            if mode == "cut_request":
                part = await reader.read(self.rng.randint(1, 300))
                self.exchanges.append((mode, part.split(b" ", 1)[0].decode("latin-1"), len(part)))
                return
            head, body = await self._read_message(reader)
            self.exchanges.append((mode, head.split(b" ", 1)[0].decode("latin-1"), len(body)))
            request_line, _, rest = head.partition(b"\r\n")
            self.request_lines.append(request_line.decode("latin-1"))
            method, target, version = request_line.split(b" ", 2)
            if target.startswith(b"http://"):
                # Asked as an HTTP proxy: pass the request on in origin form.
                target = b"/" + target.split(b"/", 3)[3] if target.count(b"/") >= 3 else b"/"
                head = b" ".join((method, target, version)) + b"\r\n" + rest
            if mode == "stall":
                await asyncio.sleep(self.stall_seconds)
                return
            if mode == "busy":
                payload = b'{"detail":"busy","code":"busy"}'
                writer.write(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    + f"Retry-After: {self.retry_after}\r\n".encode()
                    + f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
                return
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            try:
                up_writer.write(head + body)
                await up_writer.drain()
                answer_head, answer_body = await self._read_message(up_reader)
            finally:
                up_writer.close()
            if mode == "lose_answer":
                return
            status_line, _, rest = answer_head.partition(b"\r\n")
            writer.write(status_line + b"\r\nConnection: close\r\n" + rest + answer_body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
