"""A receipt's signature covers its issue time, and carries it (issue 13, item 5)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest

from gridterm.core import receipts
from gridterm.core.receipts import render

SECRET = "device-secret"
CST = timezone(timedelta(hours=8))
ISSUED = datetime(2026, 11, 25, 9, 30, 41, tzinfo=CST)


def test_a_timed_signature_is_70_bits_of_hmac_over_number_and_minute_then_the_minute():
    number = receipts.new_number()
    sig = receipts.sign(number, SECRET, ISSUED)
    assert len(sig) == 19 and set(sig) <= set(receipts.ALPHABET)
    minute = int((ISSUED - receipts.EPOCH).total_seconds()) // 60
    stamp = "".join(receipts.ALPHABET[(minute >> (5 * i)) & 31] for i in reversed(range(5)))
    assert sig[14:] == stamp
    message = b"gridterm-receipt-v2|" + f"{number}|{stamp}".encode()
    digest = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
    bits = bin(int.from_bytes(digest[:10], "big"))[2:].zfill(80)[:70]
    assert sig[:14] == "".join(receipts.ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, 70, 5))
    # ISO text with its offset signs the same; the seconds do not count.
    assert receipts.sign(number, SECRET, ISSUED.isoformat()) == sig
    assert receipts.sign(number, SECRET, ISSUED.replace(second=0)) == sig


def test_the_signature_says_when_and_verify_holds_it_to_that():
    number = receipts.new_number()
    sig = receipts.sign(number, SECRET, ISSUED)
    assert receipts.signed_at(sig) == ISSUED.replace(second=0).astimezone(timezone.utc)
    assert receipts.verify(number, sig, SECRET)
    assert receipts.verify(number, sig.lower(), SECRET, ISSUED.isoformat())
    assert not receipts.verify(number, sig, SECRET, ISSUED + timedelta(minutes=1))
    assert not receipts.verify(number, sig, "another-device")
    # Moving the time in the signature breaks it: the HMAC covers it.
    later = receipts.sign(number, SECRET, ISSUED + timedelta(days=1))
    assert not receipts.verify(number, sig[:14] + later[14:], SECRET)


def test_old_signatures_over_the_number_alone_still_verify():
    number = receipts.new_number()
    old = receipts.sign(number, SECRET)
    assert len(old) == 16 and receipts.signed_at(old) is None
    assert receipts.verify(number, old, SECRET)
    assert receipts.verify(number, old, SECRET, ISSUED)  # nothing to hold it to
    assert receipts.find_signer(number, old, {"a": "x", "b": SECRET}) == "b"


@pytest.mark.parametrize("junk", ["", "0" * 19, "Z" * 19, "!" * 19, "0" * 18, None, 7])
def test_signed_at_and_verify_never_raise_on_junk(junk):
    number = receipts.new_number()
    receipts.signed_at(junk)  # type: ignore[arg-type]
    assert not receipts.verify(number, junk, SECRET)  # type: ignore[arg-type]


def test_issue_signs_its_time_and_a_clock_before_2020_falls_back_to_the_number():
    record = {"kind": "report", "data": {}}
    issued = receipts.issue(record, SECRET, now=ISSUED)
    assert receipts.signed_at(issued["sig"]) is not None
    assert receipts.verify(issued["number"], issued["sig"], SECRET, issued["issued_at"])
    stuck = receipts.issue(record, SECRET, now=datetime(1970, 1, 1, tzinfo=timezone.utc))
    assert receipts.signed_at(stuck["sig"]) is None
    assert receipts.verify(stuck["number"], stuck["sig"], SECRET)


def test_the_qr_code_of_a_typical_address_stays_version_4():
    number = receipts.new_number()
    sig = receipts.sign(number, SECRET, ISSUED)
    for url in ("https://qingshan.example.gov.cn", "http://192.168.1.20:8080"):
        assert render.make_qr(receipts.qr_payload(url, number, sig)).version == 4
