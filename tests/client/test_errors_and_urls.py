"""The one error parser and the one address rule every client of the service uses."""

from __future__ import annotations

import httpx
import pytest

from gridterm.client import enroll, staff
from gridterm.client.errors import service_detail
from gridterm.client.urls import normalize_url


def _answer(status: int, **kwargs) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("GET", "http://x"), **kwargs)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            _answer(409, json={"detail": "不能受理", "code": "invalid_transition"}),
            ("不能受理", "invalid_transition"),
        ),
        (
            _answer(422, json={"detail": [{"loc": ["body", "to"], "msg": "field required"}]}),
            ("to: field required", ""),
        ),
        (_answer(400, json={"detail": {"why": "nested"}}), ('{"why": "nested"}', "")),
        (_answer(502, text="<html>Bad Gateway</html>"), ("<html>Bad Gateway</html>", "")),
        (_answer(503, content=b""), ("Service Unavailable", "")),
        (_answer(500, json=["not", "an", "object"]), ("Internal Server Error", "")),
    ],
)
def test_every_shape_of_error_answer_becomes_one_sentence(response, expected):
    assert service_detail(response) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("zhen.example.cn/", "https://zhen.example.cn"),
        ("township:8080", "http://township:8080"),
        ("township:443", "https://township:443"),
        ("127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("localhost", "http://localhost"),
        (" HTTPS://Zhen.example.cn ", "HTTPS://Zhen.example.cn"),
        ("http://10.0.0.5", "http://10.0.0.5"),
    ],
)
def test_one_rule_for_a_typed_service_address(typed, expected):
    assert normalize_url(typed, ValueError) == expected


@pytest.mark.parametrize("bad", ["", "   ", "ftp://x.cn", "http://", "http://[::1"])
def test_a_bad_address_raises_the_callers_error(bad):
    with pytest.raises(ValueError):
        normalize_url(bad, ValueError)


def test_the_officer_and_the_staff_console_read_an_address_the_same_way():
    for typed in ("zhen.example.cn", "township:8080", "127.0.0.1:9", "https://x.cn/"):
        assert enroll.normalize_url(typed) == staff.normalize_url(typed)
