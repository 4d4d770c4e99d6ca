"""Issue 13, item 9: X-Forwarded-For names the client only when it comes from a trusted proxy
(``gridterm serve --forwarded-allow-ips``, off unless given).  Before, any client on the box
got a fresh rate-limit bucket by sending a made-up address from 127.0.0.1.  Shape: the real
``gridterm serve`` command, a resident-page budget of 2, a new spoofed address per request.
"""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.service import serve_process

NUMBER = "0000000000" + "0"  # the check character of ten zeros is 0


def pages(base: str, count: int) -> list[int]:
    statuses = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(count):
            r = client.get(f"/r/{NUMBER}", headers={"X-Forwarded-For": f"10.9.{i}.1"})
            statuses.append(r.status_code)
    return statuses


@pytest.mark.parametrize("trusted", [None, "127.0.0.1"])
def test_a_spoofed_forwarded_for_gets_no_fresh_bucket_unless_the_proxy_is_trusted(
    fresh_db_url, tmp_path, trusted
):
    env = {"GRIDTERM_DATA_DIR": str(tmp_path), "GRIDTERM_PUBLIC_RATE": "2/1"}
    if trusted:
        env["GRIDTERM_FORWARDED_ALLOW_IPS"] = trusted
    with serve_process(fresh_db_url, env=env) as base:
        statuses = pages(base, 4)
    if trusted:
        # Behind a local proxy: each forwarded address is its own client.
        assert 429 not in statuses, statuses
    else:
        # Reached directly: every request is 127.0.0.1's, whatever the header says.
        assert statuses[:2] != [429, 429] and statuses[2:] == [429, 429], statuses


def test_the_option_is_on_the_command_line():
    from gridterm.cli import build_parser

    args = build_parser().parse_args(["serve", "--forwarded-allow-ips", "10.0.0.1,10.0.0.2"])
    assert args.forwarded_allow_ips == "10.0.0.1,10.0.0.2"
    assert build_parser().parse_args(["serve"]).forwarded_allow_ips is None
