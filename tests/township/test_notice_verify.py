"""Scanning a printed notice (issue 17 item 5): the QR code, read back by a real decoder
(zxing-cpp), says whether the paper is the current version, an older one (with what changed
and why), or not genuine — an altered body, version or signature."""

from __future__ import annotations

import hashlib
import json

import pytest

from gridterm.core import model, receipts
from tests.township._notices import (
    correction,
    decode_png,
    finance_data,
    notice,
    public,
    publish,
    pulled,
    query_of,
    verdict,
    village_data,
)
from tests.township._staff import make_township


@pytest.fixture
def tw(live_service):
    return make_township(live_service)


def scanned(service, number: str, address: str = "10.91.0.1") -> str:
    """What a phone reads off the notice's QR image."""
    image = public(service, f"/v/n/{number}/qr.png", address)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    codes = decode_png(image.content)
    assert len(codes) == 1, codes
    return codes[0]


def test_the_qr_of_the_current_version_says_genuine_and_current(tw, live_service):
    rec = notice(tw, finance_data())
    info = publish(tw, rec["id"])
    text = scanned(live_service, info["number"])
    assert text == pulled(tw, rec["id"])["notice_qr"]  # the device prints the same code
    q = query_of(text)
    assert q["v"] == "1" and len(q["h"]) == 16 and len(q["s"]) == 16
    # h is the hash of the published data's canonical JSON: anyone can check it.
    digest = hashlib.sha256(model.canonical_json(rec["data"])).hexdigest()[:16]
    assert q["h"] == digest
    page = public(live_service, text)
    assert page.status_code == 200
    assert verdict(page.text) == "current"
    assert "noindex" in page.text  # a scanned link is not for search engines


def test_the_qr_of_version_1_after_a_correction_says_superseded_with_the_reason(tw, live_service):
    first = notice(tw, village_data())
    info = publish(tw, first["id"])
    old_paper = scanned(live_service, info["number"])
    fixed = correction(tw, first, "工期延长至12月15日", body="工期：11月1日至12月15日。")
    publish(tw, fixed["id"])
    new_paper = scanned(live_service, info["number"], "10.91.0.2")
    assert query_of(new_paper)["v"] == "2" and new_paper != old_paper
    page = public(live_service, old_paper)
    assert page.status_code == 200
    assert verdict(page.text) == "superseded"
    assert "工期延长至12月15日" in page.text  # why
    assert "<ins>工期：11月1日至12月15日。</ins>" in page.text  # what changed
    assert "<del>工期：11月1日至11月30日。</del>" in page.text
    assert verdict(public(live_service, new_paper).text) == "current"


def _with(url: str, **changes: str) -> str:
    base, query = url.split("?", 1)
    fields = dict(p.split("=", 1) for p in query.split("&"))
    fields.update(changes)
    return base + "?" + "&".join(f"{k}={v}" for k, v in fields.items())


def test_an_altered_body_version_or_signature_is_not_genuine(tw, live_service):
    rec = notice(tw, finance_data())
    info = publish(tw, rec["id"])
    genuine = scanned(live_service, info["number"])
    # A forger who changes a figure and prints a QR for the altered content: its hash
    # differs, and they cannot sign it.
    altered = json.loads(json.dumps(rec["data"]))
    altered["items"][0]["spending"] = "30.00"
    forged_hash = hashlib.sha256(model.canonical_json(altered)).hexdigest()[:16]
    sig = query_of(genuine)["s"]
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    for url in (
        _with(genuine, h=forged_hash),
        _with(genuine, s=flipped),
        _with(genuine, v="2"),
        _with(genuine, s=""),
        _with(genuine, v="x"),
        _with(genuine, h=query_of(genuine)["h"].upper() + "0"),
    ):
        page = public(live_service, url, "10.91.0.3")
        assert page.status_code == 404, url
        assert verdict(page.text) == "forged", url
        # The genuine content is still shown, so the reader can compare with the paper.
        assert "data-rows" in page.text
    unknown = receipts.new_number()  # a well-formed number the township never published
    never = public(live_service, _with(genuine).replace(info["number"], unknown), "10.91.0.4")
    assert never.status_code == 404 and verdict(never.text) == "forged"


def test_the_a4_page_carries_the_same_qr_as_the_device_prints(tw, live_service):
    rec = notice(tw, finance_data())
    info = publish(tw, rec["id"])
    page = public(live_service, info["print"])
    assert page.status_code == 200
    assert "size: A4" in page.text
    assert f'data-number="{info["number"]}" data-version="1"' in page.text
    svg = public(live_service, f"/v/n/{info['number']}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.split("<path", 1)[1][:200] in page.text  # the same drawing


def test_a_number_never_published_and_a_draft_have_no_page(tw, live_service):
    rec = notice(tw, village_data())
    unknown = receipts.new_number()
    assert public(live_service, f"/v/n/{unknown}").status_code == 404
    assert public(live_service, "/v/n/not-a-number").status_code == 404
    assert public(live_service, f"/v/n/{unknown}/print").status_code == 404
    assert public(live_service, f"/v/n/{unknown}/qr.png").status_code == 404
    assert rec["data"]["title"] not in public(live_service, "/v/石桥村").text
