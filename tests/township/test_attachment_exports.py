"""Exports list a record's photos by name and by link, never the images; they show its place;
the resident page shows neither.  Through the real service, opened with csv and openpyxl."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import httpx
import openpyxl

from tests.township._staff import make_township, report
from tests.township.test_attachment_staff import described, photo
from tests.township.test_attachment_upload import sha, upload

API = "/api/v1/staff/export"
PLACE = {
    "lat": 29.56301,
    "lon": 106.55156,
    "accuracy_m": 12.0,
    "source": "gps",
    "place": "石桥村村口",
    "at": None,
}


def township_with_photos(live_service):
    tw = make_township(live_service)
    first, second = photo(800, 600), photo(600, 800)
    rec = report(
        tw.device,
        receipt=True,
        attachments=[described(first, "电线.jpg"), described(second, "整改后.jpg")],
        location=PLACE,
    )
    tw.push(rec)
    upload(tw.device, first)
    upload(tw.device, second)
    return tw, rec, (first, second)


def test_csv_and_xlsx_list_photo_names_and_links_never_the_images(live_service):
    tw, rec, (first, second) = township_with_photos(live_service)
    links = [f"{live_service.url}/api/v1/staff/attachments/{sha(p)}" for p in (first, second)]
    r = tw.staff.get(API, params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    row = next(x for x in rows if x["记录编号"] == rec["id"])
    assert row["照片"] == "电线.jpg、整改后.jpg"
    assert row["照片链接"].split("\n") == links
    assert row["位置"] == "石桥村村口 (29.56301, 106.55156 ±12 m)"
    # The export is small: no photo's bytes in it.
    assert len(r.content) < min(len(first), len(second))

    book_bytes = tw.staff.get(API, params={"format": "xlsx"}).content
    with zipfile.ZipFile(io.BytesIO(book_bytes)) as z:
        assert not [n for n in z.namelist() if "media" in n]
    sheet = openpyxl.load_workbook(io.BytesIO(book_bytes))["事件上报"]
    head = [c.value for c in sheet[1]]
    found = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == rec["id"])
    assert found[head.index("照片")] == "电线.jpg、整改后.jpg"
    assert found[head.index("照片链接")].split("\n") == links
    # The link opens the photo for staff of the township.
    assert tw.staff.get(links[0]).content == first


def test_jsonl_rows_carry_the_links(live_service):
    tw, rec, (first, _second) = township_with_photos(live_service)
    r = tw.staff.get(API, params={"format": "jsonl"})
    rows = [json.loads(line) for line in r.text.splitlines()]
    row = next(x for x in rows if x["id"] == rec["id"])
    assert row["attachments"][0] == {
        "name": "电线.jpg",
        "sha256": sha(first),
        "url": f"{live_service.url}/api/v1/staff/attachments/{sha(first)}",
        "removed": False,
    }
    assert row["data"]["location"]["place"] == "石桥村村口"


def test_the_resident_page_shows_no_photo_and_no_place(live_service):
    tw, rec, (first, _second) = township_with_photos(live_service)
    number, sig = rec["receipts"][0]["number"], rec["receipts"][0]["sig"]
    with httpx.Client(base_url=live_service.url, headers={"X-Forwarded-For": "10.31.0.1"}) as c:
        page = c.get(f"/r/{number}", params={"s": sig})
    assert page.status_code == 200 and 'data-verdict="genuine"' in page.text
    for secret in ("电线.jpg", "整改后.jpg", sha(first), "attachments", "<img", "29.56", "106.55"):
        assert secret not in page.text, secret
