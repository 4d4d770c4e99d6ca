"""A real township service on 127.0.0.1 for tests: uvicorn in a thread, on SQLite or PostgreSQL.

    from tests.helpers.service import LiveService, start_service

    with start_service(db_url) as svc:          # migrates, serves, stops
        grid = svc.make_grid()                  # a fresh township + grid
        dev = svc.enroll_device(grid)           # officer + code + POST /api/v1/enroll
        dev.push([record])                      # httpx, Bearer token, Idempotency-Key
        staff_token = svc.make_staff(grid.township_id)

Fixtures (``tests/township/conftest.py``) hand out one service per engine per test session:
``live_service`` is parametrised over ``sqlite`` and ``pg`` (``pg`` is skipped unless
``GRIDTERM_TEST_PG`` names a database; each session works in its own fresh schema, dropped
at the end, so parallel runs never collide).  Tests isolate themselves by making their own
township and grid.

The listening socket is bound before the server thread starts, so the first request simply
waits in the socket's backlog until uvicorn serves it — no polling, no sleeping.

``fresh_database(kind, tmp_dir)`` gives an empty database URL (SQLite file or a fresh
PostgreSQL schema); ``serve_process(db_url, workers=N)`` runs the real ``gridterm serve``
command in a subprocess (ready when uvicorn says it listens).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gridterm.township import db
from gridterm.township.app import create_app
from gridterm.township.services import admin


@dataclass
class GridRef:
    township_id: str
    grid_id: str


@dataclass
class Device:
    """An enrolled device: what ``POST /api/v1/enroll`` answered, and a client using it."""

    service: LiveService
    enrollment: dict[str, Any]
    _client: httpx.Client | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.enrollment["device_id"]

    @property
    def token(self) -> str:
        return self.enrollment["token"]

    @property
    def secret(self) -> str:
        return self.enrollment["device_secret"]

    @property
    def grid_id(self) -> str:
        return self.enrollment["grid"]["id"]

    @property
    def officer_id(self) -> str:
        return self.enrollment["officer"]["id"]

    @property
    def township_id(self) -> str:
        return self.enrollment["township"]["id"]

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = self.service.client(self.token)
        return self._client

    def push(self, records: list[dict], key: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        return self.client.post(
            "/api/v1/sync/push", json={"records": records}, headers=headers, **kw
        )

    def pull(self, cursor: int = 0, limit: int | None = None) -> httpx.Response:
        params: dict[str, int] = {"cursor": cursor}
        if limit is not None:
            params["limit"] = limit
        return self.client.get("/api/v1/sync/pull", params=params)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class LiveService:
    """A running service: ``url``, ``db_url``, and admin shortcuts that write the database
    directly through :mod:`gridterm.township.services.admin` (the same functions the CLI uses)."""

    def __init__(self, url: str, db_url: str, app: Any) -> None:
        self.url = url
        self.db_url = db_url
        self.app = app
        self.engine = db.make_engine(db_url)
        self.sessions = db.session_factory(self.engine)
        self._clients: list[httpx.Client] = []

    # -- database -------------------------------------------------------------------------

    @contextlib.contextmanager
    def admin_session(self):
        with db.write_session(self.sessions) as session:
            yield session

    def make_township(self, name: str | None = None) -> str:
        with self.admin_session() as s:
            return admin.add_township(s, name or f"镇{secrets.token_hex(3)}").id

    def make_grid(self, township_id: str | None = None, name: str | None = None) -> GridRef:
        township_id = township_id or self.make_township()
        with self.admin_session() as s:
            grid = admin.add_grid(s, township_id, name or f"网格{secrets.token_hex(3)}")
            return GridRef(township_id=township_id, grid_id=grid.id)

    def make_officer(self, grid: GridRef | str, name: str = "王网格", phone: str = "") -> str:
        grid_id = grid.grid_id if isinstance(grid, GridRef) else grid
        with self.admin_session() as s:
            return admin.add_officer(s, grid_id, name, phone).id

    def make_code(self, officer_id: str, ttl_seconds: int = 3600) -> str:
        import datetime as dt

        with self.admin_session() as s:
            code, _row = admin.issue_code(s, officer_id, dt.timedelta(seconds=ttl_seconds))
            return code

    def expire_code(self, code: str) -> None:
        from gridterm.township.services.enrollment import code_hash, normalize_code

        with self.admin_session() as s:
            row = (
                s.query(db.EnrollmentCode)
                .filter_by(code_hash=code_hash(normalize_code(code)))
                .one()
            )
            row.expires_at = db.utcnow().replace(year=2000)

    def make_staff(self, township_id: str, name: str = "李干部") -> str:
        with self.admin_session() as s:
            token, _row = admin.add_staff(s, township_id, name)
            return token

    def revoke(self, device_id: str) -> None:
        with self.admin_session() as s:
            admin.revoke_device(s, device_id)

    def set_pull_floor(self, floor: int) -> None:
        with self.admin_session() as s:
            admin.set_pull_floor(s, floor)

    def set_status(self, record_id: str, status: str, feedback: str | None = None) -> int:
        """What a staff member's state change does to what devices pull (a new change seq)."""
        with self.admin_session() as s:
            row = s.get(db.Record, record_id)
            row.status = status
            row.feedback = feedback
            row.status_at = db.utcnow()
            row.seq = db.next_seq(s)
            return row.seq

    def rev_rows(self, record_id: str) -> list[tuple[int, str]]:
        """(rev, device_id) of every stored rev of ``record_id``."""
        with self.sessions() as s:
            rows = s.query(db.RecordRev.rev, db.RecordRev.device_id).filter_by(record_id=record_id)
            return sorted((r.rev, r.device_id) for r in rows)

    # -- HTTP -----------------------------------------------------------------------------

    def client(self, token: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)
        self._clients.append(client)
        return client

    def enroll(self, code: str, device_name: str = "测试手机") -> httpx.Response:
        with httpx.Client(base_url=self.url, timeout=60) as c:
            return c.post("/api/v1/enroll", json={"code": code, "device_name": device_name})

    def enroll_device(self, grid: GridRef | None = None, officer: str = "王网格") -> Device:
        """A new officer in ``grid`` (a fresh township and grid if None) with an enrolled device."""
        grid = grid or self.make_grid()
        officer_id = self.make_officer(grid, officer)
        response = self.enroll(self.make_code(officer_id))
        assert response.status_code == 200, response.text
        return Device(self, response.json())

    def close(self) -> None:
        for c in self._clients:
            c.close()
        self.engine.dispose()


# --------------------------------------------------------------------------- servers


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextlib.contextmanager
def start_service(db_url: str, **app_kwargs: Any) -> Iterator[LiveService]:
    """Migrate ``db_url``, serve it with uvicorn on a free 127.0.0.1 port in a thread."""
    app = create_app(db_url, **app_kwargs)
    sock = free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    service = LiveService(f"http://127.0.0.1:{port}", db_url, app)
    try:
        # The socket already listens: this waits in the backlog until uvicorn answers.
        response = httpx.get(f"{service.url}/healthz", timeout=60)
        assert response.status_code == 200, response.text
        yield service
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        service.close()


@contextlib.contextmanager
def serve_process(db_url: str, workers: int = 1, env: dict[str, str] | None = None):
    """``gridterm serve`` in a subprocess on a free port; yields its base URL.

    Ready when uvicorn says it is listening (its socket is bound, so requests queue in the
    backlog until a worker takes them): read from its stderr, no polling.  Stopped with
    SIGTERM at the end."""
    import subprocess
    import sys

    sock = free_socket()  # a free port; the server binds it again once this one is closed
    port = sock.getsockname()[1]
    sock.close()
    cmd = [sys.executable, "-m", "gridterm", "serve", "--db", db_url, "--port", str(port)]
    cmd += ["--workers", str(workers)]
    full_env = {**os.environ, "GRIDTERM_LANG": "en", **(env or {})}
    proc = subprocess.Popen(
        cmd, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        # One process says "Uvicorn running on" once it listens.  With several workers the
        # parent binds and each worker listens after its own startup: wait for all of them,
        # and let the first request retry a connect that lands a moment too early (httpx's
        # own connect retries, with its backoff).
        seen: list[str] = []
        started = 0
        for line in proc.stderr:
            seen.append(line)
            started += "Application startup complete" in line
            if (workers == 1 and "Uvicorn running on" in line) or (
                workers > 1 and started == workers
            ):
                break
        else:
            raise RuntimeError("gridterm serve exited:\n" + "".join(seen))
        # Keep draining stderr so the server never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(transport=httpx.HTTPTransport(retries=3), timeout=60) as c:
            assert c.get(f"{base}/healthz").status_code == 200
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --------------------------------------------------------------------------- databases


def pg_base_url() -> str | None:
    return os.environ.get("GRIDTERM_TEST_PG") or None


@contextlib.contextmanager
def fresh_database(kind: str, tmp_dir: str) -> Iterator[str]:
    """A SQLAlchemy URL to an empty database: a SQLite file under ``tmp_dir``, or a fresh
    schema in ``GRIDTERM_TEST_PG`` (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{os.path.join(tmp_dir, f'township-{uuid.uuid4().hex[:8]}.db')}"
        return
    base = pg_base_url()
    if not base:
        raise RuntimeError("GRIDTERM_TEST_PG is not set")
    base = db.normalize_url(base)
    schema = f"gt_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base)
    url = url.set(query={**url.query, "options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin_engine.dispose()


__all__ = ["Device", "GridRef", "LiveService", "fresh_database", "serve_process", "start_service"]
