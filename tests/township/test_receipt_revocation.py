"""Issue 13, items 5 and 6, on the resident's page.

5. Revocation ends a device's receipts: a receipt carries its issue time under its
   signature; one issued after its device was revoked is not genuine, one issued before
   still is.  Receipts of the old kind (signature over the number alone) still verify as
   before — after a revocation they are genuine only if they reached the township.
6. "Number and signature do not match" is one answer, whether or not the number exists,
   and the same work either way.
"""

from __future__ import annotations

import datetime as dt
import itertools

import httpx
import pytest

from gridterm.core import receipts
from gridterm.township import db
from gridterm.township.services import resident as resident_service
from tests.township._staff import make_township, report
from tests.township.test_public_page import verdict, visible_text

_addresses = itertools.count(1)


@pytest.fixture
def page(live_service):
    address = f"10.13.{next(_addresses) % 250}.{next(_addresses) % 250 + 1}"
    with httpx.Client(base_url=live_service.url, headers={"X-Forwarded-For": address}) as c:

        def get(number: str, sig: str) -> httpx.Response:
            return c.get(f"/r/{number}", params={"s": sig})

        yield get


def revoked_at(svc, device_id: str) -> dt.datetime:
    svc.revoke(device_id)
    with svc.sessions() as s:
        return s.get(db.Device, device_id).revoked_at


def test_a_receipt_issued_after_revocation_is_not_genuine(live_service, page):
    tw = make_township(live_service)
    when = revoked_at(live_service, tw.device.id)
    number = receipts.new_number()
    # What a copied data folder can still do with the secret: sign — but not before now.
    sig = receipts.sign(number, tw.device.secret, when + dt.timedelta(minutes=2))
    r = page(number, sig)
    assert r.status_code == 404 and verdict(r) == "forged", r.text
    assert "停用" in visible_text(r) and "回执真实有效" not in r.text


def test_a_receipt_issued_before_revocation_is_still_genuine(live_service, page):
    tw = make_township(live_service)
    issued = report(tw.device, receipt=True)  # signed now, never synced
    revoked_at(live_service, tw.device.id)
    rc = issued["receipts"][0]
    r = page(rc["number"], rc["sig"])
    assert r.status_code == 200 and verdict(r) == "pending", r.text
    text = visible_text(r)
    assert "回执真实有效" in text and "停用" in text and "开具时间" in text


def test_a_synced_receipt_stays_genuine_after_revocation(live_service, page):
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    revoked_at(live_service, tw.device.id)
    rc = rec["receipts"][0]
    r = page(rc["number"], rc["sig"])
    assert r.status_code == 200 and verdict(r) == "genuine"


def test_an_old_receipt_still_verifies_while_its_device_is_enrolled(live_service, page):
    tw = make_township(live_service)
    number = receipts.new_number()
    old_sig = receipts.sign(number, tw.device.secret)  # the number alone, as before issue 13
    assert receipts.signed_at(old_sig) is None
    r = page(number, old_sig)
    assert r.status_code == 200 and verdict(r) == "pending"


def test_an_old_receipt_that_reached_the_township_stays_genuine(live_service, page):
    tw = make_township(live_service)
    rec = report(tw.device)
    number = receipts.new_number()
    stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    rec["receipts"] = [
        {
            "number": number,
            "sig": receipts.sign(number, tw.device.secret),
            "issued_at": stamp,
            "party": None,
        }
    ]
    tw.push(rec)
    revoked_at(live_service, tw.device.id)
    r = page(number, rec["receipts"][0]["sig"])
    assert r.status_code == 200 and verdict(r) == "genuine"


def test_an_old_unsynced_receipt_of_a_revoked_device_cannot_be_confirmed(live_service, page):
    """It carries no issue time anyone can trust, and the secret may be in other hands."""
    tw = make_township(live_service)
    revoked_at(live_service, tw.device.id)
    number = receipts.new_number()
    r = page(number, receipts.sign(number, tw.device.secret))
    assert r.status_code == 404 and verdict(r) == "forged"
    assert "旧式回执" in visible_text(r)


def test_a_receipt_whose_time_does_not_match_its_signature_is_rejected_at_push(live_service):
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    rec["receipts"][0]["issued_at"] = "2026-01-01T08:00:00+08:00"  # not the signed minute
    r = tw.device.push([rec])
    assert r.json()["results"][0]["result"] == "rejected"


# ---------------------------------------------------------------------------------------- 6


def test_a_wrong_signature_reads_the_same_for_a_known_and_an_unknown_number(live_service, page):
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    known = rec["receipts"][0]["number"]
    unknown = receipts.new_number()
    answers = []
    for number in (known, unknown):
        for sig in ("0" * 19, "0" * 16, receipts.sign(number, "not-a-device-secret")):
            r = page(number, sig)
            answers.append((r.status_code, verdict(r), visible_text(r)))
    # Another device's genuine signature of the synced number reads the same too.
    other = live_service.enroll_device()
    r = page(known, receipts.sign(known, other.secret))
    answers.append((r.status_code, verdict(r), visible_text(r)))
    assert len(set(answers)) == 1, answers
    assert answers[0][:2] == (404, "forged")


def test_the_same_work_is_done_whether_or_not_the_number_exists(live_service, monkeypatch):
    """No early return tells the two apart: every enrolled device's secret is tried, the
    same number of times, for a synced number and for a made-up one."""
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    tried: list[str] = []
    real_verify = receipts.verify

    def counting(number, sig, secret, issued_at=None):
        tried.append(number)
        return real_verify(number, sig, secret, issued_at)

    monkeypatch.setattr(receipts, "verify", counting)
    with live_service.sessions() as s:
        devices = s.query(db.Device).count()
        for number in (rec["receipts"][0]["number"], receipts.new_number()):
            tried.clear()
            assert isinstance(
                resident_service.look_up(s, number, "0" * 19), resident_service.Forged
            )
            assert len(tried) == devices
