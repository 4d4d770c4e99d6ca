"""Pieces of the sync client that need no store."""

from __future__ import annotations

import email.utils
import subprocess
import sys

import httpx
import pytest

from gridterm.client import sync


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("0", 0.0), (" 2.5 ", 2.5), ("-3", 0.0), ("soon", None), ("", None), (None, None)],
)
def test_retry_after_seconds(header, expected):
    assert sync.parse_retry_after(header) == expected


def test_retry_after_http_date():
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert sync.parse_retry_after(header, now=now) == pytest.approx(30.0)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert sync.parse_retry_after(past, now=now) == 0.0


@pytest.mark.parametrize(
    "url",
    ["", "ftp://example.cn", "http://", "   "],
)
def test_bad_service_url_is_named(url):
    with pytest.raises(sync.EnrollmentError) as err:
        sync.normalize_url(url)
    assert err.value.exit_code == 2


def test_service_url_gets_a_scheme_and_loses_the_slash():
    assert sync.normalize_url("township.example.cn/") == "https://township.example.cn"
    assert sync.normalize_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"


def _answer(status: int, body: dict) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("GET", "http://x"))


@pytest.mark.parametrize(
    ("status", "code", "key"),
    [
        (401, "device_revoked", "sync.auth.revoked"),
        (401, "token_invalid", "sync.auth.token_invalid"),
        (401, "enrollment_expired", "sync.auth.expired"),
        (403, "forbidden", "sync.auth.forbidden"),
    ],
)
def test_auth_errors_say_why(status, code, key):
    err = sync.auth_error(_answer(status, {"detail": "the reason", "code": code}))
    assert err.key == key and err.exit_code == 2
    assert "the reason" in str(err)
    assert "the reason" in err.message("zh_CN")


def test_bad_ca_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope.pem"
    with pytest.raises(sync.SyncError) as err:
        sync._client(sync.SyncConfig(ca_file=str(missing)), None)
    assert str(missing) in str(err.value)


def test_a_ca_file_that_is_no_certificate_is_refused(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n")
    with pytest.raises(sync.SyncError):
        sync._client(sync.SyncConfig(ca_file=str(ca)), None)


@pytest.mark.parametrize("module", ["gridterm.client.sync", "gridterm.cli.sync"])
def test_importing_sync_pulls_in_no_ui_and_no_service(module):
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('textual', 'fastapi', 'uvicorn', 'sqlalchemy') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
