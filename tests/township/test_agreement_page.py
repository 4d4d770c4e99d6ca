"""The mediation agreement as an A4 page on the township service, for the link the officer's
device signed: parsed back (every Art. 29 item, every party and mediator, one copy per party
plus the archive's), printed by headless Chromium to one A4 sheet a copy, and refused — with
nothing of the case in the answer — to every link the device did not make."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
import shutil
import subprocess
from html.parser import HTMLParser

import httpx
import pytest

from gridterm.core import model
from gridterm.core.receipts import agreement_link
from tests.helpers import chromium
from tests.township._staff import make_township, report

_addresses = itertools.count(1)

TERMS = {
    "facts": "钱家修房时把渣土倒进排水沟，雨后淹了赵家的菜地",
    "matters": "谁来清理排水沟、菜地损失赔多少",
    "responsibilities": "钱大伟负主要责任，赵小红未及时告知负次要责任",
    "terms": "钱大伟于十日内清理排水沟，并赔偿赵小红菜地损失人民币800元",
    "performance_manner": "现金当面支付，村委会见证",
    "performance_deadline": "2026-12-15",
    "signed_at": "2026-12-01T10:00:00+08:00",
}
PARTIES = ["赵小红", "钱大伟", "孙二娘"]


@pytest.fixture
def browser(live_service):
    n = next(_addresses)
    headers = {"X-Forwarded-For": f"10.14.{n // 250}.{n % 250 + 1}"}
    with httpx.Client(base_url=live_service.url, headers=headers) as c:
        yield c


def a_case(device, **changes) -> dict:
    data = {
        "parties": [
            {"name": PARTIES[0], "role": "applicant", "phone": "13800138000", "address": "3组12号"},
            {"name": PARTIES[1], "role": "respondent", "id_number": "110101197506150014"},
            {"name": PARTIES[2], "role": "other"},
        ],
        "dispute_type": "neighbour",
        "source": "party_applied",
        "summary": "宅前排水沟堵塞引起争执",
        "case_no": "(2026)石人调字第12号",
        "mediators": [{"id": "m1", "name": "李守仁", "standing": "teacher"}],
        "outcome": "success",
        "agreement": dict(TERMS),
        **changes,
    }
    return model.new_record("case", data, device=device.id)


def link(service, device, record, rev=None, **kw) -> str:
    url = agreement_link.agreement_link(
        service.url, record["id"], rev or record["rev"], device.secret, **kw
    )
    return url[len(service.url) :]


class Copies(HTMLParser):
    """The page's copies: each one's text, and the names on its signature lines."""

    def __init__(self) -> None:
        super().__init__()
        self.copies: list[dict] = []
        self._in_sign = False
        self.state = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.state = a.get("data-state")
        if tag == "article" and "copy" in (a.get("class") or ""):
            self.copies.append({"text": "", "signs": []})
        if tag == "p" and a.get("class") == "sign":
            self._in_sign = True

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_sign = False

    def handle_data(self, data):
        if self.copies:
            self.copies[-1]["text"] += data
            if self._in_sign and data.strip():
                self.copies[-1]["signs"].append(data.strip())


def parse(response: httpx.Response) -> Copies:
    found = Copies()
    found.feed(response.text)
    return found


def test_the_page_holds_every_art29_item_and_a_copy_for_each_party(live_service, browser):
    tw = make_township(live_service)
    case = a_case(tw.device)
    tw.push(case)
    r = browser.get(link(live_service, tw.device, case))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store"
    page = parse(r)
    assert page.state == "agreement"
    assert len(page.copies) == len(PARTIES) + 1
    for n, copy in enumerate(page.copies):
        text = re.sub(r"\s+", "", copy["text"])
        for heading in ("当事人基本情况", "主要事实", "争议事项", "各方当事人的责任", "协议"):
            assert heading in text
        for key, value in TERMS.items():
            if key == "performance_deadline":
                value = "2026年12月15日"
            elif key == "signed_at":
                value = "2026年12月01日"
            assert re.sub(r"\s+", "", value) in text, key
        assert "第二十九条" in text and "一式4份" in text
        assert copy["signs"] == [f"{name}：" for name in PARTIES] + ["李守仁（老教师）："]
        expected = f"当事人{PARTIES[n]}收执" if n < len(PARTIES) else "人民调解委员会存档"
        assert expected in text
        assert "110101197506150014" not in text  # the ID number is not printed


def test_printed_by_chromium_one_a4_sheet_a_copy(live_service, browser, tmp_path):
    tw = make_township(live_service)
    case = a_case(tw.device)
    tw.push(case)
    url = live_service.url + link(live_service, tw.device, case)
    pdf = chromium.print_pdf(url, tmp_path / "agreement.pdf")
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", pdf)
    assert len(pages) == len(PARTIES) + 1
    sizes = {m for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)}
    assert sizes == {(b"594.96", b"841.92")} or all(
        abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in sizes
    ), sizes  # A4 in points
    if shutil.which("pdftotext"):  # poppler, where it is installed: each sheet is one copy
        for n, name in enumerate([*PARTIES, None], 1):
            text = subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), str(tmp_path / "agreement.pdf"), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            flat = re.sub(r"\s+", "", text)
            assert (f"当事人{name}收执" if name else "存档") in flat, (n, flat[-200:])
            assert "人民调解协议书" in flat
    chromium.keep(chromium.screenshot(url, tmp_path / "agreement-a4.png", size=(900, 1200)))
    chromium.keep(tmp_path / "agreement.pdf")


def test_the_link_shows_the_rev_it_names(live_service, browser):
    tw = make_township(live_service)
    case = a_case(tw.device)
    tw.push(case)
    first = link(live_service, tw.device, case)
    later = dict(
        case, rev=2, data={**case["data"], "agreement": {**TERMS, "terms": "改为赔偿600元"}}
    )
    tw.push(later)
    assert "800元" in browser.get(first).text and "600元" not in browser.get(first).text
    assert "600元" in browser.get(link(live_service, tw.device, later)).text
    # A rev the device has not synced yet: said so, nothing else.
    ahead = browser.get(link(live_service, tw.device, case, rev=3))
    assert ahead.status_code == 404 and parse(ahead).state == "not_received"
    assert not any(name in ahead.text for name in PARTIES)


def test_links_the_device_did_not_make_are_refused_and_say_nothing(live_service, browser):
    tw = make_township(live_service)
    other = make_township(live_service)
    case = a_case(tw.device)
    tw.push(case)
    good = link(live_service, tw.device, case)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)
    sig = re.search(r"s=([0-9a-f]+)", good).group(1)
    flipped = ("0" if sig[0] != "0" else "1") + sig[1:]
    refused = {
        "another device's secret": link(live_service, other.device, case),
        "a changed signature": good.replace(sig, flipped),
        "no signature": good.split("&s=")[0],
        "a longer expiry, re-signed by nobody": re.sub(r"exp=\d+", "exp=9999999999", good),
        "lasting a month": link(live_service, tw.device, case, now=future),
        "a rev of 2**63": good.replace("rev=1", f"rev={2**63}"),
        "a rev that is no number": good.replace("rev=1", "rev=x"),
        "an id with NUL": good.replace(case["id"], case["id"] + "%00"),
        "an id of 10,000 characters": good.replace(case["id"], "a" * 10_000),
    }
    for what, path in refused.items():
        r = browser.get(path)
        assert r.status_code == 404, (what, r.status_code)
        assert r.headers["content-type"].startswith("text/html"), what
        assert parse(r).state in ("refused", "not_received"), what
        assert not any(name in r.text for name in PARTIES), what

    expired = browser.get(link(live_service, tw.device, case, now=past))
    assert expired.status_code == 410 and parse(expired).state == "expired"
    assert not any(name in expired.text for name in PARTIES)

    # A report is no case; a revoked device's links stop working.
    rec = report(tw.device)
    tw.push(rec)
    assert parse(browser.get(link(live_service, tw.device, rec))).state == "refused"
    live_service.revoke(tw.device.id)
    gone = browser.get(good)
    assert gone.status_code == 404 and not any(name in gone.text for name in PARTIES)


def test_in_english_when_the_device_speaks_english(live_service, browser):
    tw = make_township(live_service)
    case = a_case(tw.device)
    tw.push(case)
    r = browser.get(link(live_service, tw.device, case, lang="en"))
    assert r.status_code == 200 and 'lang="en"' in r.text
    text = html.unescape(r.text)
    assert "People's Mediation Agreement" in text and "Art. 29" in text
