"""Helpers for the sync tests that run the real township service on 127.0.0.1."""

from __future__ import annotations

import contextlib
from collections import Counter

import httpx
from sqlalchemy import func, select

from gridterm.client import sync
from gridterm.core.store import Store
from gridterm.township import db

FAST = dict(deadline=10.0, wait_initial=0.01, wait_max=0.2, wait_jitter=0.05)


def enroll_store(service, data_dir, grid=None, name: str = "测试手机"):
    """Open a store in ``data_dir`` and enroll it with a fresh officer (and grid)."""
    grid = grid or service.make_grid()
    officer = service.make_officer(grid, "王芳", "13800000000")
    code = service.make_code(officer)
    store = Store.open(data_dir)
    sync.enroll(store, service.url, code, name, config=sync.SyncConfig(**FAST))
    return store


def staff_path(service, suffix: str) -> str | None:
    """The staff API path ending in ``suffix`` (the staff router may not be installed)."""
    for path in service.app.openapi()["paths"]:
        if path.startswith("/api/v1/staff") and path.endswith(suffix):
            return path
    return None


def staff_transition(service, staff_token: str, record_id: str, to: str, **fields) -> dict:
    path = staff_path(service, "/transition")
    assert path is not None, "the staff API has no transition endpoint"
    with httpx.Client(
        base_url=service.url, headers={"Authorization": f"Bearer {staff_token}"}, timeout=30
    ) as client:
        response = client.post(
            path.replace("{record_id}", record_id).replace("{id}", record_id),
            json={"to": to, **fields},
        )
    assert response.status_code == 200, response.text
    return response.json()


def service_rows(service, grid_id: str) -> tuple[dict[str, int], Counter]:
    """(id -> rev held, Counter of (id, rev) in the history) for one grid."""
    with service.sessions() as session:
        held = dict(
            session.execute(
                select(db.Record.id, db.Record.rev).where(db.Record.grid_id == grid_id)
            ).all()
        )
        ids = list(held)
        history: Counter = Counter()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for rid, rev, n in session.execute(
                select(db.RecordRev.record_id, db.RecordRev.rev, func.count())
                .where(db.RecordRev.record_id.in_(chunk))
                .group_by(db.RecordRev.record_id, db.RecordRev.rev)
            ).all():
                history[(rid, rev)] = n
    return held, history


def stored_body(service, record_id: str, rev: int) -> str:
    with service.sessions() as session:
        return session.execute(
            select(db.RecordRev.body).where(
                db.RecordRev.record_id == record_id, db.RecordRev.rev == rev
            )
        ).scalar_one()


@contextlib.contextmanager
def serve_on(db_url: str, port: int):
    """The service for ``db_url`` on a given loopback port (to bring a service "back")."""
    import socket
    import threading

    import uvicorn

    from gridterm.township.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    server = uvicorn.Server(
        uvicorn.Config(create_app(db_url), log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
