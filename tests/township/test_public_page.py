"""The resident's status page /r/{number}?s={sig}: genuine, not yet synced, forged; rate limited."""

from __future__ import annotations

import itertools
import math
import re
import time

import httpx
import pytest

from gridterm.core import model, receipts
from gridterm.township.api import public
from tests.township._staff import case, make_township, report

_addresses = itertools.count(1)


@pytest.fixture
def resident(live_service):
    """A resident's phone: its own client address (X-Forwarded-For from 127.0.0.1, which
    uvicorn trusts), so each test has its own rate-limit budget."""
    address = f"10.9.{next(_addresses) // 250}.{next(_addresses) % 250 + 1}"
    with httpx.Client(base_url=live_service.url, headers={"X-Forwarded-For": address}) as c:
        yield c


def verdict(response: httpx.Response) -> str:
    found = re.search(r'data-verdict="([a-z_]+)"', response.text)
    assert found, response.text[:500]
    return found.group(1)


def visible_text(response: httpx.Response) -> str:
    body = response.text.split("<body>", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


def url(number: str, sig: str) -> str:
    return f"/r/{number}?s={sig}"


def _other_valid_number(number: str) -> str:
    body = ("1" if number[0] != "1" else "2") + number[1:10]
    return body + receipts.check_character(body)


def test_genuine_receipt_before_and_after_sync(live_service, resident):
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    rc = rec["receipts"][0]

    # Issued on the device, not pushed yet: genuine, issued by this officer, not received.
    r = resident.get(url(rc["number"], rc["sig"]))
    assert r.status_code == 200 and verdict(r) == "pending"
    text = visible_text(r)
    assert "王网格" in text and "尚未收到" in text and "同步" in text
    assert r.headers["content-type"].startswith("text/html")

    tw.push(rec)
    r = resident.get(url(rc["number"], rc["sig"]))
    assert r.status_code == 200 and verdict(r) == "genuine"
    text = visible_text(r)
    assert "已上报" in text and "事件上报" in text and "安全隐患" in text
    assert "张*明" in text and "张三明" not in text  # masked resident name
    assert "电线裸露" not in text and "村口" not in text  # no description or place
    assert "承诺时限" in text

    r = tw.staff.post(
        f"/api/v1/staff/records/{rec['id']}/transition",
        json={"to": "accepted", "public_reply": "已安排电工明天上午处理"},
    )
    assert r.status_code == 200
    r = resident.get(url(rc["number"], rc["sig"]))
    text = visible_text(r)
    assert "已受理" in text and "已安排电工明天上午处理" in text


def test_number_typed_with_dashes_in_any_case(live_service, resident):
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    rc = rec["receipts"][0]
    n = rc["number"].lower()
    r = resident.get(url(f"{n[:5]}-{n[5:10]}-{n[10:]}", rc["sig"].lower()))
    assert r.status_code == 200 and verdict(r) == "genuine"


def test_forgeries_are_not_genuine(live_service, resident):
    tw = make_township(live_service)
    other = make_township(live_service).device
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    number, sig = rec["receipts"][0]["number"], rec["receipts"][0]["sig"]

    # A changed number: the check character no longer fits.
    alphabet = receipts.ALPHABET
    changed = alphabet[(alphabet.index(number[3]) + 1) % 32]
    wrong_check = number[:3] + changed + number[4:]
    r = resident.get(url(wrong_check, sig))
    assert r.status_code == 404 and verdict(r) == "forged" and "校验位" in r.text

    # A changed number with a valid check character: the signature does not fit it.
    r = resident.get(url(_other_valid_number(number), sig))
    assert r.status_code == 404 and verdict(r) == "forged" and "签名" in r.text

    # A changed signature.
    bad_sig = ("0" if sig[0] != "0" else "1") + sig[1:]
    r = resident.get(url(number, bad_sig))
    assert r.status_code == 404 and verdict(r) == "forged"

    # Another enrolled device's genuine signature for the same number.
    r = resident.get(url(number, receipts.sign(number, other.secret)))
    assert r.status_code == 404 and verdict(r) == "forged"

    # A number made up, signed with a key no device has.
    made_up = receipts.new_number()
    r = resident.get(url(made_up, receipts.sign(made_up, "not-a-device-secret")))
    assert r.status_code == 404 and verdict(r) == "forged"

    # Nothing about the real record leaks on any of these pages.
    assert "安全隐患" not in r.text and "张三明" not in r.text and "张*明" not in r.text

    # No signature at all: the link is incomplete, not a verdict on the receipt.
    r = resident.get(f"/r/{number}")
    assert r.status_code == 400 and verdict(r) == "incomplete"


def test_case_receipt_names_only_its_party_masked(live_service, resident):
    tw = make_township(live_service)
    rec = case(tw.device)
    rec["receipts"] = [receipts.issue(rec, tw.device.secret, party=1)]
    tw.push(rec)
    rc = rec["receipts"][0]
    text = visible_text(resident.get(url(rc["number"], rc["sig"])))
    assert model.mask_name("钱大伟") in text
    assert "钱大伟" not in text and "赵" not in text and "排水沟" not in text
    assert "人民调解" in text and "邻里" in text


def test_rate_limited_per_address_with_retry_after(live_service, resident):
    made_up = receipts.new_number()
    burst, per_second = public.DEFAULT_RATE
    # The budget refills while the requests are made (one every 2 s), so on a loaded machine
    # a 31st or 32nd request may still pass: what must hold is that no more pass than the
    # burst plus what refilled in the time taken, and that the refusal does come.
    started = time.monotonic()
    codes = []
    for _ in range(100):
        codes.append(resident.get(url(made_up, "0" * 16)).status_code)
        if codes[-1] == 429:
            break
    elapsed = time.monotonic() - started
    assert codes[: int(burst)] == [404] * int(burst)
    assert codes[-1] == 429 and set(codes[:-1]) == {404}
    assert len(codes) - 1 <= burst + math.ceil(elapsed * per_second) + 1
    last = resident.get(url(made_up, "0" * 16))
    assert last.status_code == 429 and int(last.headers["Retry-After"]) >= 1
    # another address is not affected
    with httpx.Client(base_url=live_service.url, headers={"X-Forwarded-For": "10.8.8.8"}) as c:
        assert c.get(url(made_up, "0" * 16)).status_code == 404
