"""Enrolling against a wrong address: a closed port, a host that does not exist, something
that is not the township service.  Each ends within 10 seconds (the issue waited 124 s) with
a message naming the address and what to check — never sync's "the records stay queued"
(nothing is queued at enrollment) — and enrolls nothing."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from gridterm.client import sync
from gridterm.client.errors import EnrollmentError
from gridterm.core.i18n import set_language, t
from gridterm.core.store import Store

LIMIT = 10.0


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_closed_port_ends_within_ten_seconds_naming_the_address(store, lang):
    set_language(lang)
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    with pytest.raises(EnrollmentError) as caught:
        sync.enroll(store, url, "ABCD-EFGH")
    took = time.monotonic() - started
    assert took < LIMIT, f"{took:.1f} s"
    message = str(caught.value)
    assert caught.value.key == "ux.enroll.unreachable"
    assert url in message and "healthz" in message
    assert t("sync.unreachable", reason="") not in message
    assert "待发" not in message and "queue" not in message.lower()
    assert store.meta_get("enrollment") is None
    set_language("zh_CN")


def test_a_host_that_does_not_exist_ends_within_ten_seconds(store):
    set_language("en")
    url = "http://no-such-township.invalid:8080"
    started = time.monotonic()
    with pytest.raises(EnrollmentError) as caught:
        sync.enroll(store, url, "ABCD-EFGH")
    assert time.monotonic() - started < LIMIT
    assert url in str(caught.value)
    set_language("zh_CN")


class NotTheService(http.server.BaseHTTPRequestHandler):
    """Another web server on the port: 404 in HTML for everything."""

    def do_POST(self) -> None:
        body = b"<html><body>Not Found</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_something_else_on_the_port_is_named_as_no_township_service(store):
    set_language("zh_CN")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotTheService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(EnrollmentError) as caught:
            sync.enroll(store, url, "ABCD-EFGH")
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert caught.value.key == "ux.enroll.not_a_service"
    assert url in str(caught.value) and "404" in str(caught.value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gridterm_enroll_on_a_closed_port_says_so_in_one_line(tmp_path, lang):
    """The command as an officer types it: one line on stderr, exit 2, within 10 s."""
    url = f"http://127.0.0.1:{closed_port()}"
    env = {**os.environ, "GRIDTERM_DATA_DIR": str(tmp_path / "data")}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "gridterm", "--lang", lang, "enroll", url, "ABCD-EFGH"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert time.monotonic() - started < LIMIT + 3  # + the interpreter's start-up
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gridterm: ")
    assert url in lines[0]
    set_language("zh_CN" if lang == "zh" else "en")
    assert lines[0] == "gridterm: " + t("ux.enroll.unreachable", url=url, reason="ConnectError")
    set_language("zh_CN")
