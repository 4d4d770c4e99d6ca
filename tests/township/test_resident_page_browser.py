"""The resident page in a real browser at a phone's size (375×667, headless Chromium): the
screenshot is made, the retype form works as the browser submits it (no JavaScript needed),
and the page's own little script tells a typo at once.

The browser reaches the service on 127.0.0.1 only.  Screenshots are left in the test's
temporary folder (``GRIDTERM_SHOTS=DIR`` keeps a copy) for a person to look at.
"""

from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import httpx
import png
import pytest

from gridterm.core import receipts
from gridterm.township.services import contact
from tests.helpers import chromium
from tests.township._staff import make_township, report

pytestmark = pytest.mark.timeout(600)


class FirstForm(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action") or ""
        elif tag == "input" and self.action is not None and a.get("name"):
            self.fields.setdefault(a["name"], a.get("value") or "")


def form_of(dom: str) -> FirstForm:
    found = FirstForm()
    found.feed(dom)
    assert found.action is not None, dom[:500]
    return found


def verdict(dom: str) -> str | None:
    found = re.search(r'data-verdict="([a-z_]+)"', dom)
    return found.group(1) if found else None


def png_size_and_colours(path) -> tuple[int, int, int]:
    width, height, rows, _ = png.Reader(filename=str(path)).asRGBA8()
    colours = set()
    for row in rows:
        colours.update(tuple(row[i : i + 3]) for i in range(0, len(row), 4 * 7))
    return width, height, len(colours)


@pytest.fixture
def receipt(live_service):
    tw = make_township(live_service)
    with live_service.admin_session() as session:
        contact.set_phone(session, tw.township_id, "0851-8123 4567")
    rec = report(tw.device, receipt=True)
    tw.push(rec)
    return rec["receipts"][0]


def typo(number: str) -> str:
    alphabet = receipts.ALPHABET
    return number[:6] + alphabet[(alphabet.index(number[6]) + 3) % 32] + number[7:]


def test_screenshots_at_phone_size(live_service, receipt, tmp_path):
    pages = {
        "genuine": f"/r/{receipt['number']}?s={receipt['sig']}",
        "mistyped": f"/r/{typo(receipt['number'])}?s={receipt['sig']}",
        "home": "/",
    }
    for name, path in pages.items():
        shot = chromium.screenshot(live_service.url + path, tmp_path / f"resident-{name}.png")
        chromium.keep(shot)
        width, height, colours = png_size_and_colours(shot)
        assert (width, height) == (375, 667)
        assert colours > 8, f"{name}: the page drew next to nothing"


def test_the_retype_form_as_the_browser_submits_it(live_service, receipt):
    number, sig = receipt["number"], receipt["sig"]
    dom = chromium.dump_dom(f"{live_service.url}/r/{typo(number)}?s={sig}")
    assert verdict(dom) == "forged"
    form = form_of(dom)
    assert form.fields == {"n": typo(number), "s": sig}
    # The person types the number again, as it is printed; the browser sends the form.
    fields = {**form.fields, "n": receipts.format_number(number)}
    base = f"{live_service.url}/r/{typo(number)}"
    sent = urljoin(base, form.action) + "?" + urlencode(fields)
    dom = chromium.dump_dom(sent)
    assert verdict(dom) == "genuine", dom[:800]
    assert "tel:085181234567" in dom


CHECK_SCRIPT = """
<script>
(function () {
  var box = document.getElementById("n"), help = document.getElementById("n-help"), out = [];
  CASES.forEach(function (typed) {
    box.value = typed;
    box.dispatchEvent(new Event("input"));
    out.push([typed, help.className, box.getAttribute("aria-invalid")]);
  });
  var pre = document.createElement("pre");
  pre.id = "results";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def test_the_page_script_tells_a_typo_at_once(live_service, tmp_path):
    """The page's own script, in the browser, judges what is typed as parse_number does."""
    page = httpx.get(live_service.url + "/", headers={"X-Forwarded-For": "10.13.0.1"}).text
    right = [receipts.new_number() for _ in range(20)]
    cases = [receipts.format_number(n).lower() for n in right[:10]] + right[10:]
    cases += [n[:3] + n[4] + n[3] + n[5:] for n in right if n[3] != n[4]]  # adjacent swaps
    cases += [typo(n) for n in right]  # one character changed
    cases += ["７Ｑ２Ｍ４", right[0] + "X", "7Q2M4-K9TXU-C", ""]  # full width, too long, U
    script = CHECK_SCRIPT.replace("CASES", json.dumps(cases))
    test_page = tmp_path / "check.html"
    test_page.write_text(page.replace("</body>", script + "</body>"), encoding="utf-8")
    dom = chromium.dump_dom(test_page.as_uri())
    found = re.search(r'<pre id="results">([^<]*)</pre>', dom)
    assert found, dom[-800:]
    results = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(results) == len(cases)
    for shown, classes, invalid in results:
        typed = unicodedata.normalize("NFKC", shown)  # the page reads full width as plain
        try:
            receipts.parse_number(typed)
            expected = "ok"
        except receipts.ReceiptNumberError:
            short = len(re.sub(r"[\s-]", "", typed)) < receipts.LENGTH
            bad_char = any(c.upper() not in receipts.ALPHABET + "ILO -" for c in typed)
            expected = "" if short and not bad_char else "wrong"
        assert classes.split()[1:] == ([expected] if expected else []), shown
        assert invalid == ("true" if expected == "wrong" else "false"), shown
