"""The export opened by LibreOffice (headless) and saved again, read back: Chinese intact,
dates still dates, the filter still there — for the XLSX, and for the CSV imported the way a
clerk opens one (UTF-8, "detect special numbers" on).

LibreOffice comes from Debian's ``libreoffice-calc``: installed here when missing (as root,
under a lock so that parallel test runs do not race apt), else the tests are skipped saying why.
(A headless conversion keeps no view settings, so the frozen header is checked on the file
itself in test_export_clerk.py, not after the round trip.)
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.township._staff import make_township, report

API = "/api/v1/staff/export"
LOCK = Path("/tmp/gridterm-apt.lock")
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-q", "--no-install-recommends"]


def _install() -> str:
    """Install libreoffice-calc (updating apt's lists when the first try finds nothing);
    why it could not be, or ""."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*APT, "install", "libreoffice-calc"]
    why = ""
    for step in (install, ["apt-get", "update", "-q"], install):
        if shutil.which("soffice"):
            return ""
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=1200, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{step[0]}: {exc}"
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return "" if shutil.which("soffice") else why


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which("soffice")
    if found:
        return found
    if os.geteuid() != 0:
        pytest.skip("LibreOffice is not installed, and installing libreoffice-calc needs root")
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        why = "" if shutil.which("soffice") else _install()
    found = shutil.which("soffice")
    if not found:
        pytest.skip(f"LibreOffice (libreoffice-calc) could not be installed: {why}")
    return found


def convert(soffice: str, source: Path, tmp_path: Path, infilter: str | None = None) -> Path:
    """``source`` opened by LibreOffice and saved as XLSX; the saved file."""
    out = tmp_path / "out"
    args = [
        soffice,
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        str(source),
    ]
    if infilter:
        args.insert(4, f"--infilter={infilter}")
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    saved = out / (source.stem + ".xlsx")
    assert saved.exists(), done.stdout + done.stderr
    return saved


@pytest.fixture
def township(live_service):
    tw = make_township(live_service)
    tw.report = report(
        tw.device, description="电线裸露，靠近小学", occurred_at="2026-11-30T23:10:00Z"
    )
    tw.push(tw.report)
    return tw


def _report_row(sheet) -> dict:
    rows = list(sheet.iter_rows())
    head = [c.value for c in rows[0]]
    return dict(zip(head, rows[1], strict=True))


def test_xlsx_survives_libreoffice(soffice, township, tmp_path):
    source = tmp_path / "export.xlsx"
    source.write_bytes(township.staff.get(API, params={"format": "xlsx"}).content)
    book = openpyxl.load_workbook(convert(soffice, source, tmp_path))
    assert book.sheetnames[:4] == ["户籍信息", "入户走访", "人民调解", "事件上报"]
    assert book.sheetnames[4].startswith("汇总 ")  # the county's figures (issue 15)
    sheet = book["事件上报"]
    row = _report_row(sheet)
    assert row["描述"].value == "电线裸露，靠近小学" and row["状态"].value == "已上报"
    occurred = row["发生时间"]
    assert occurred.is_date and occurred.value == dt.datetime(2026, 12, 1, 7, 10)
    assert row["创建时间"].is_date
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.page_setup.orientation == "landscape"


def test_csv_opens_in_libreoffice_with_chinese_and_dates(soffice, township, tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(township.staff.get(API, params={"format": "csv"}).content)
    # Comma, double quote, UTF-8 (76), from line 1, Chinese (PRC) locale, detect special numbers.
    saved = convert(soffice, source, tmp_path, infilter="CSV:44,34,76,1,,2052,false,true")
    sheet = openpyxl.load_workbook(io.BytesIO(saved.read_bytes())).active
    row = _report_row(sheet)
    assert "记录编号" in row and row["描述"].value == "电线裸露，靠近小学"
    occurred = row["发生时间"]
    assert occurred.is_date and occurred.value == dt.datetime(2026, 12, 1, 7, 10)
