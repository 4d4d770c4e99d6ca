"""The village's board and a notice's page in a real browser at a phone's size (375×667,
headless Chromium, as tests/helpers/chromium.py installs it): the pages draw, nothing is
wider than the phone (the finance table becomes cards), the names stay masked in what the
browser shows, and the A4 page's QR code, as the browser draws it, reads back (zxing-cpp)
as the notice's signed payload.

Screenshots are left in the test's temporary folder (``GRIDTERM_SHOTS=DIR`` keeps a copy).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest

from tests.helpers import chromium
from tests.township._notices import decode_png, finance_data, notice, payload, public, publish
from tests.township._staff import household, make_township
from tests.township.test_resident_page_browser import png_size_and_colours

pytestmark = pytest.mark.timeout(600)

# Headless Chromium lays a window out at least 500 px wide, whatever --window-size says; an
# iframe of the phone's width (srcdoc: same origin, so its layout can be read) is 375 px.
MEASURE = """<!doctype html><html><body style="margin:0">
<iframe id="phone" style="width:375px;height:667px;border:0" srcdoc="PAGE"></iframe>
<script>
document.getElementById("phone").addEventListener("load", function () {
  var inner = this.contentDocument.documentElement, pre = document.createElement("pre");
  pre.id = "width";
  pre.textContent = inner.clientWidth + "," + inner.scrollWidth;
  document.body.appendChild(pre);
});
</script></body></html>"""


@pytest.fixture
def published(live_service):
    tw = make_township(live_service)
    tw.push(household(tw.device, head="王大山"))
    village = "浏览器村"
    rec = notice(tw, finance_data(village))
    return tw, village, publish(tw, rec["id"])


def widths(page: str, tmp_path, name: str) -> tuple[int, int]:
    """(the phone's width, how wide the page lays out in it)."""
    wrapper = tmp_path / f"{name}-375.html"
    wrapper.write_text(MEASURE.replace("PAGE", html.escape(page, quote=True)), encoding="utf-8")
    dom = chromium.dump_dom(wrapper.as_uri())
    found = re.search(r'<pre id="width">(\d+),(\d+)</pre>', dom)
    assert found, dom[-1500:]
    return int(found.group(1)), int(found.group(2))


def test_the_board_and_a_finance_notice_fit_a_phone(published, live_service, tmp_path):
    tw, village, info = published
    pages = {
        "board": f"/v/{quote(village)}?t={tw.township_id}",
        "notice": info["page"],
    }
    for name, path in pages.items():
        shot = chromium.screenshot(live_service.url + path, tmp_path / f"board-{name}.png")
        chromium.keep(shot)
        width, height, colours = png_size_and_colours(shot)
        assert (width, height) == (375, 667), name
        assert colours > 8, f"{name}: the page drew next to nothing"
        phone, laid_out = widths(public(live_service, path).text, tmp_path, name)
        assert phone == 375 and laid_out <= phone, f"{name} is wider than the phone"


def test_what_the_browser_shows_keeps_the_names_masked(published, live_service):
    _tw, _village, info = published
    dom = chromium.dump_dom(live_service.url + info["page"])
    assert "支付王*山误工补贴" in dom and "王大山" not in dom
    assert 'data-label="支出（元）"' in dom  # each cell says its column on a phone


def test_the_a4_page_as_drawn_carries_the_signed_qr(published, live_service, tmp_path):
    _tw, _village, info = published
    url = f"{live_service.url}{info['page']}/print"
    shot = chromium.screenshot(url, tmp_path / "a4.png", size=(900, 1600))
    chromium.keep(shot)
    assert decode_png(shot.read_bytes()) == [payload(live_service, info)]
    pdf = chromium.print_pdf(url, tmp_path / "a4.pdf")
    assert pdf.startswith(b"%PDF")
