"""Fixtures for the township service: a real uvicorn on 127.0.0.1 per engine per session.

``live_service`` runs every test that uses it on SQLite and — when ``GRIDTERM_TEST_PG`` is
set — on PostgreSQL too.  Tests isolate themselves by making their own township and grid.
"""

from __future__ import annotations

import pytest

from tests.helpers.service import fresh_database, pg_base_url, start_service

ENGINES = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


def skip_without_pg(kind: str) -> None:
    if kind == "pg" and not pg_base_url():
        pytest.skip("PostgreSQL tests need GRIDTERM_TEST_PG")


@pytest.fixture(scope="session", params=ENGINES)
def engine_kind(request):
    skip_without_pg(request.param)
    return request.param


@pytest.fixture(scope="session")
def live_service(engine_kind, tmp_path_factory):
    folder = str(tmp_path_factory.mktemp(engine_kind))
    # Many tests share this service from 127.0.0.1: a wide enrollment budget, so tests that
    # try wrong codes (or fuzz /enroll) never starve the others.  The limit itself is tested
    # on a service of its own.
    generous = (10_000.0, 1_000.0)
    with (
        fresh_database(engine_kind, folder) as url,
        start_service(url, enroll_rate=generous, attachments=f"{folder}/attachments") as service,
    ):
        yield service


@pytest.fixture
def fresh_db_url(engine_kind, tmp_path):
    """An empty database (not migrated) on the current engine, dropped after the test."""
    with fresh_database(engine_kind, str(tmp_path)) as url:
        yield url


@pytest.fixture
def live_service_for_db():
    """Serve an existing database (e.g. one the admin CLI just set up)."""
    return start_service
