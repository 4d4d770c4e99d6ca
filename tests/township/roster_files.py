"""Roster files shaped the way townships' Excel and WPS save them, made here in the tests.

- one row per person, grouped by 户号; a household's 户号, 村 and 组 merged down its rows
  (XLSX), or written on every row (CSV);
- a title row (and a unit/date line) above the header, merged across the columns;
- CSV as "CSV" saves it on Chinese Windows: GBK, CRLF; or UTF-8 with a BOM;
- names that share characters (胡丽, 胡刚, 胡丽丽) in the first household.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gridterm.core.model import id_check_char

HEADER = ["户号", "村", "组", "门牌号", "姓名", "与户主关系", "公民身份号码", "手机号", "人员类别"]
TITLE = "石桥镇石桥村户籍人口花名册"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "秀英桂兰建国志强丽娟伟明芳军华平刚勇"


def id_number(n: int, year: int) -> str:
    first17 = f"500112{year:04d}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def person_rows(households: int = 100) -> list[list[str]]:
    """``households`` households of three people each (head, spouse, child)."""
    rows = []
    for h in range(households):
        village = "石桥村" if h < households // 2 else "东河村"
        group, number = str(h % 5 + 1), str(h + 1)
        if h == 0:
            names = ["胡丽", "胡刚", "胡丽丽"]
        else:
            surname = SURNAMES[h % len(SURNAMES)]
            names = [
                surname + GIVEN[h % 8 * 2 : h % 8 * 2 + 2],
                SURNAMES[(h + 3) % len(SURNAMES)] + GIVEN[(h + 1) % 8 * 2],
                surname + GIVEN[(h + 2) % 8 * 2 + 1],
            ]
        people = [
            (
                names[0],
                "户主",
                id_number(3 * h, 1950 + h % 30),
                f"138{h:08d}",
                "低保" if h % 7 == 0 else "",
            ),
            (names[1], "配偶", id_number(3 * h + 1, 1952 + h % 30), "", ""),
            (
                names[2],
                "子女",
                id_number(3 * h + 2, 2005 + h % 15),
                "",
                "留守儿童" if h % 4 == 0 else "",
            ),
        ]
        for name, relation, idn, phone, tag in people:
            rows.append([f"SQ{h + 1:04d}", village, group, number, name, relation, idn, phone, tag])
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str = "gbk", title: bool = True) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if title:
        writer.writerow([TITLE] + [""] * (len(HEADER) - 1))
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def csv_row(index: int, title: bool = True) -> int:
    """The spreadsheet row of data row ``index`` in :func:`write_csv`'s file."""
    return index + (3 if title else 2)


XLSX_FIRST = 4  # title, unit line, header, then data


def write_xlsx(path: Path, rows: list[list[object]], merge_households: bool = True) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    width = len(HEADER)
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["填报单位：石桥村村民委员会", None, None, None, None, "填报日期：2026年11月20日"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=5)
    sheet.merge_cells(start_row=2, start_column=6, end_row=2, end_column=width)
    sheet.append(HEADER)
    start = None
    for n, row in enumerate(rows):
        number = XLSX_FIRST + n
        first_of_household = n == 0 or rows[n - 1][0] != row[0]
        if merge_households and not first_of_household:
            row = [None, None, None, None, *row[4:]]  # covered by the merged cells above
        sheet.append(row)
        if first_of_household:
            start = number
        last_of_household = n == len(rows) - 1 or rows[n + 1][0] != rows[n][0]
        if merge_households and last_of_household and start is not None and number > start:
            for col in range(1, 5):
                sheet.merge_cells(start_row=start, start_column=col, end_row=number, end_column=col)
    book.save(path)
    return path


# Files no roster should be, as people do send them: empty, binary, an .xls, a broken zip,
# a NUL, an unclosed quote around 200 kB, no header.
JUNK = {
    "empty.csv": b"",
    "blank.csv": b"\r\n,,,\r\n",
    "binary.csv": bytes(range(256)) * 64,
    "zip.xlsx": b"PK\x03\x04 not really a zip",
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
    "nul.csv": "村,户主\n石桥村,张\x00三\n".encode(),
    "unclosed.csv": '村,户主\n石桥村,"张三\n'.encode() + b"x" * 200_000,
    "headless.csv": b"a,b\n1,2\n",
}
