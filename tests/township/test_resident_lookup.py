"""The resident page beyond a scanned link (issue 12): a form to type the number again, the
township's phone number, and plain pages (not JSON) for ``/``, ``/r`` and paths that are no
receipt.  Run against the real service; the forms are followed as a browser would."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import httpx
import pytest

from gridterm.cli import main
from gridterm.core import receipts
from gridterm.township import db
from gridterm.township.services import contact
from gridterm.township.services.admin import AdminError
from tests.township._staff import make_township, report

_addresses = itertools.count(1)


@pytest.fixture
def phone_browser(live_service):
    """A resident's phone: its own client address, so its rate-limit budget is its own."""
    n = next(_addresses)
    headers = {"X-Forwarded-For": f"10.12.{n // 250}.{n % 250 + 1}"}
    with httpx.Client(base_url=live_service.url, headers=headers) as c:
        yield c


class Forms(HTMLParser):
    """The page's forms as a browser reads them: action, method and each field's value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get")})
            self.forms[-1]["fields"] = {}
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def parse(response: httpx.Response) -> Forms:
    found = Forms()
    found.feed(response.text)
    return found


def submit(client: httpx.Client, page: httpx.Response, **typed: str) -> httpx.Response:
    """Fill the page's form like a person (their typing replaces the field) and send it."""
    form = parse(page).forms[0]
    assert form["method"].lower() == "get"
    fields = {**form["fields"], **typed}
    target = urljoin(str(page.url), form["action"]) + "?" + urlencode(fields)
    return client.get(target, follow_redirects=True)


def verdict(response: httpx.Response) -> str | None:
    found = re.search(r'data-verdict="([a-z_]+)"', response.text)
    return found.group(1) if found else None


def typo(number: str) -> str:
    """The number with one character changed: its check character no longer fits."""
    alphabet = receipts.ALPHABET
    return number[:4] + alphabet[(alphabet.index(number[4]) + 1) % 32] + number[5:]


def set_phone(service, township_id: str, phone: str) -> None:
    with service.admin_session() as session:
        contact.set_phone(session, township_id, phone)


@pytest.mark.parametrize("path", ["/", "/r", "/r/", "/r/7Q2M4/K9TXA", "/r/?x=1"])
def test_plain_pages_instead_of_json(live_service, phone_browser, path):
    r = phone_browser.get(path)
    assert r.headers["content-type"].startswith("text/html"), r.text[:200]
    assert "{" not in r.text.split("<body>", 1)[1].split("<script>")[0]  # no JSON in sight
    form = parse(r).forms[0]
    assert urljoin(str(r.url), form["action"]).endswith("/r") and "n" in form["fields"]
    assert r.status_code == (200 if path in ("/", "/r") else 404)


def test_a_mistyped_link_offers_to_retype_and_keeps_the_signature(live_service, phone_browser):
    tw = make_township(live_service)
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    number, sig = rec["receipts"][0]["number"], rec["receipts"][0]["sig"]

    page = phone_browser.get(f"/r/{typo(number)}?s={sig}")
    assert page.status_code == 404 and verdict(page) == "forged"
    form = parse(page).forms[0]
    assert form["fields"] == {"n": typo(number), "s": sig}
    # The check character tells the typo at once, in the words parse_number uses.
    assert "校验码" in page.text and 'aria-invalid="true"' in page.text

    # Typing it wrong again: the same form, saying what is wrong, still carrying the signature.
    again = submit(phone_browser, page, n=typo(number).lower())
    assert again.status_code == 400 and verdict(again) == "mistyped"
    assert parse(again).forms[0]["fields"]["s"] == sig

    # Typed right, with dashes, in lower case: the receipt's status.
    shown = receipts.format_number(number).lower()
    right = submit(phone_browser, again, n=shown)
    assert right.status_code == 200 and verdict(right) == "genuine"
    assert right.history[0].status_code == 303
    assert "已上报" in right.text


def test_a_typed_number_from_the_home_page(live_service, phone_browser):
    tw = make_township(live_service)
    set_phone(live_service, tw.township_id, "0851-8123 4567")
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    number = rec["receipts"][0]["number"]

    home = phone_browser.get("/")
    # Typed on a phone whose Chinese input method writes full-width characters.
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in receipts.format_number(number))
    page = submit(phone_browser, home, n=full_width)
    # A number alone shows no status (the signature is in the QR code): the phone to call.
    assert page.status_code == 400 and verdict(page) == "incomplete"
    assert 'href="tel:085181234567"' in page.text and "0851-8123 4567" in page.text

    for bad, says in [("7Q2M4", "11"), ("7Q2M4-K9TXA-CU", "U"), ("\x00" * 3, "\x00")]:
        wrong = submit(phone_browser, home, n=bad)
        assert wrong.status_code == 400 and verdict(wrong) == "mistyped", bad
        assert says in wrong.text or says == "\x00"
    huge = phone_browser.get("/r", params={"n": "A" * 10_000, "s": "B" * 10_000})
    assert huge.status_code == 400 and verdict(huge) == "mistyped"
    assert len(huge.text) < 20_000  # not echoed back whole


def test_the_page_names_the_township_phone_of_the_receipt(live_service, phone_browser):
    called = make_township(live_service)
    other = make_township(live_service)
    set_phone(live_service, called.township_id, "(0851) 8123-4567 转 8001")
    set_phone(live_service, other.township_id, "96655")
    rec = report(called.device, receipt=True)
    number, sig = rec["receipts"][0]["number"], rec["receipts"][0]["sig"]

    pending = phone_browser.get(f"/r/{number}?s={sig}")
    assert verdict(pending) == "pending"
    called.push(rec)
    for page in (phone_browser.get(f"/r/{number}?s={sig}"), phone_browser.get(f"/r/{number}")):
        assert verdict(page) in ("genuine", "incomplete")
        assert [h for h in parse(page).links if h.startswith("tel:")] == ["tel:085181234567"]
        assert "转 8001" in page.text and "96655" not in page.text

    # A township with no number: the page sends the resident to the grid officer instead.
    set_phone(live_service, called.township_id, "")
    page = phone_browser.get(f"/r/{number}?s={sig}")
    assert not [h for h in parse(page).links if h.startswith("tel:")]
    assert "网格员" in page.text.split('class="contact')[1]


@pytest.mark.parametrize(
    "phone",
    [
        "abc",
        "12",
        "0851-" + "1" * 40,  # too long for the column
        "0851\x008123",  # NUL
        "1" * 10_000,
        "☎ 0851-81234567",
        "-0851",
    ],
)
def test_a_phone_that_is_not_one_is_refused(phone):
    with pytest.raises(AdminError):
        contact.clean_phone(phone)


def test_phones_as_people_write_them():
    assert contact.clean_phone("  0851-8123  4567 ") == "0851-8123 4567"
    assert contact.Contact("镇", "+86 851 8123 4567").dial == "+8685181234567"
    assert contact.Contact("镇", "0851-81234567 转 8001").dial == "085181234567"
    assert contact.clean_phone("") == ""


def test_admin_sets_the_phone_from_the_shell(fresh_db_url, capsys):
    def admin(*argv: str) -> tuple[int, str, str]:
        code = main(["--lang", "en", "admin", "--db", fresh_db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = admin("township", "add", "石桥镇")
    township = out.splitlines()[-1]
    code, out, _ = admin("township", "set", "石桥镇", "--phone", "0851-8123 4567")
    assert code == 0 and out.splitlines()[-1] == township
    assert "0851-8123 4567" in out.splitlines()[0]
    code, _, err = admin("township", "set", township, "--phone", "call us")
    assert code != 0 and "not a phone number" in err
    engine = db.make_engine(fresh_db_url)
    try:
        with db.session_factory(engine)() as s:
            assert s.get(db.Township, township).phone == "0851-8123 4567"
    finally:
        engine.dispose()
