"""The mediation agreement (人民调解协议书) rendered to text and ESC/POS, then read back: every
item of the People's Mediation Law Art. 29, every party and mediator with a line to sign, one
copy per party plus one for the archive, cut apart, in GB18030, within 58 mm."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest

from gridterm.core.i18n import t
from gridterm.core.receipts import agreement as ag
from gridterm.core.receipts import agreement_print as ap
from gridterm.core.receipts.render import CUT, ESC, GS, INIT, LINE_COLUMNS

ART29 = {
    "facts": "钱家修房时把渣土倒进排水沟，雨后淹了赵家的菜地",
    "matters": "谁来清理排水沟、菜地损失赔多少",
    "responsibilities": "钱大伟负主要责任，赵小红未及时告知负次要责任",
    "terms": "钱大伟于十日内清理排水沟，并赔偿赵小红菜地损失人民币800元",
    "performance_manner": "现金当面支付，村委会见证",
    "performance_deadline": "2026-12-15",
    "signed_at": "2026-12-01T10:00:00+08:00",
}


def a_case(**changes) -> dict:
    data = {
        "parties": [
            {
                "name": "赵小红",
                "role": "applicant",
                "id_number": "110101198001010029",
                "phone": "13800138000",
                "address": "石桥村3组12号",
            },
            {"name": "钱大伟", "role": "respondent", "id_number": "110101197506150014"},
        ],
        "dispute_type": "neighbour",
        "source": "party_applied",
        "summary": "宅前排水沟堵塞引起争执",
        "case_no": "(2026)石人调字第12号",
        "mediators": [
            {"id": "m1", "name": "李守仁", "standing": "teacher"},
            {"id": "m2", "name": "王建国", "standing": "party_member"},
        ],
        "outcome": "success",
        "agreement": dict(ART29),
    }
    data.update(changes)
    return {"kind": "case", "data": data}


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def copies_of_escpos(stream: bytes) -> list[str]:
    """Cut the stream where the printer cuts; each copy's text with the commands taken out."""
    parts = stream.split(CUT)
    assert parts[-1] == b"", "the stream ends with a cut"
    texts = []
    for part in parts[:-1]:
        assert part.startswith(INIT + b"\x1c&")  # initialised, Chinese mode: each copy alone
        for command in (
            INIT,
            b"\x1c&",
            ESC + b"a\x00",
            ESC + b"a\x01",
            GS + b"!\x11",
            GS + b"!\x00",
            ESC + b"E\x01",
            ESC + b"E\x00",
            ESC + b"d\x04",
        ):
            part = part.replace(command, b"")
        assert not re.search(rb"[\x00-\x09\x0b-\x1f]", part), part  # nothing else left
        texts.append(part.decode("gb18030"))
    return texts


def assert_whole_agreement(text: str, names: list[str], mediators: list[str], lang="zh_CN"):
    flat = re.sub(r"\s+", "", text)
    for key in ("parties", "facts", "responsibilities", "terms", "performance", "effect"):
        assert re.sub(r"\s+", "", t(f"agreement.section.{key}", lang=lang)) in flat, key
    for key, value in ART29.items():
        if key == "signed_at":
            assert "2026年12月01日" in flat
        elif key == "performance_deadline":
            assert "2026年12月15日" in flat
        else:
            assert re.sub(r"\s+", "", value) in flat, key
    for name in names + mediators:
        # named, with a rule to sign on
        assert re.search(re.escape(name) + r"[^\n]*：_{8,}", text), name
    assert "第二十九条" in flat and "第三十三条" in flat


def test_text_holds_every_art29_item_every_party_and_a_copy_each():
    agreement = ag.agreement_for(a_case(), "青山镇 石桥村网格")
    text = ap.plain_text(agreement, width=LINE_COLUMNS)
    copies = text.split("\n" + "-" * LINE_COLUMNS + "\n")
    assert len(copies) == 3  # two parties and the archive
    for copy in copies:
        assert_whole_agreement(copy, ["赵小红", "钱大伟"], ["李守仁（老教师）", "王建国（老党员）"])
        flat = re.sub(r"\s+", "", copy)
        assert "申请人：赵小红，女，46岁，电话13800138000，住址石桥村3组12号" in flat
        assert "被申请人：钱大伟，男，51岁" in flat
        assert "\n13800138000，" in copy  # the phone number is never broken across lines
        assert "110101198001010029" not in copy  # the ID number stays in the case file
        assert all(width(line) <= LINE_COLUMNS for line in copy.splitlines())
    assert "赵小红 收执" in copies[0] and "钱大伟 收执" in copies[1]
    assert "存档" in copies[2] and "共3份之第3份" in copies[2].replace("\n", "")


def test_escpos_is_one_cut_copy_each_in_gb18030_within_58mm():
    agreement = ag.agreement_for(a_case(), "青山镇 石桥村网格")
    stream = ap.escpos(agreement)
    copies = copies_of_escpos(stream)
    assert len(copies) == 3
    for n, copy in enumerate(copies):
        assert_whole_agreement(copy, ["赵小红", "钱大伟"], ["李守仁（老教师）", "王建国（老党员）"])
        lines = copy.splitlines()
        assert lines[0] == "人民调解协议书"  # the title, printed double size
        assert all(width(line) <= LINE_COLUMNS for line in lines[1:]), lines
        assert agreement.copies[n].replace(" ", "") in copy.replace("\n", "").replace(" ", "")
    assert "人民调解协议书".encode("gb18030") in stream


def test_a_case_with_little_written_prints_lines_to_fill_by_hand():
    case = a_case(agreement={"terms": "互不追究"}, mediators=[], case_no="")
    agreement = ag.agreement_for(case, "")
    text = ap.plain_text(agreement)
    assert text.count("未填写") == 4 * 3  # matters, responsibilities, manner, deadline; 3 copies
    assert "宅前排水沟堵塞引起争执" in text  # the facts default to the case summary
    assert re.search(r"调解员：_{8,}", text)  # a blank mediator line
    assert "签订日期" not in text


def test_no_agreement_or_no_party_says_what_to_do():
    with pytest.raises(ag.AgreementError) as caught:
        ag.agreement_for(a_case(outcome=None, agreement=None), "x")
    assert "按 a" in caught.value.message("zh_CN")
    failed = a_case(outcome="failed_referred", agreement=None)
    assert not ag.has_agreement(failed)
    with pytest.raises(ag.AgreementError):
        ag.agreement_for(a_case(parties=[{"name": ""}]), "x")


def test_outside_shaped_parties_and_terms():
    """Names that share characters, thirty parties, 10,000 characters of terms, a NUL, year
    9999, an ID number that is no date: all print, nothing breaks the 58 mm line."""
    names = ["张三", "张三丰", "张三丰儿"] + [f"欧阳{n:02d}" for n in range(27)]
    parties = [{"name": n} for n in names]
    parties[0]["id_number"] = "110101202002300011"  # 30 February: no age, no sex
    terms = dict(ART29, terms="赔偿" * 5000, performance_deadline="9999-12-31")
    terms["matters"] = "排水\x00沟"
    agreement = ag.agreement_for(a_case(parties=parties, agreement=terms), "镇")
    copies = copies_of_escpos(ap.escpos(agreement))
    assert len(copies) == 31
    for name in names:
        assert re.search(rf"^{name}：_{{8,}}$", copies[0], re.M), name
    assert "9999年12月31日" in copies[0]
    assert all(width(line) <= LINE_COLUMNS for line in copies[-1].splitlines()[1:])
    assert "张三，" not in copies[0]  # no sex or age made up from a bad ID number


def test_english_uses_its_own_words():
    agreement = ag.agreement_for(a_case(), "Qingshan", lang="en")
    text = ap.plain_text(agreement)
    assert "agreement." not in text and "Art. 29" in text and "copy 3 of 3" in text


@pytest.mark.parametrize(
    ("id_number", "on", "expected"),
    [
        ("110101198001010029", dt.date(2026, 1, 1), ("female", 46)),
        ("110101198001020020", dt.date(2026, 1, 1), ("female", 45)),  # birthday tomorrow
        ("110101197506150014", dt.date(2026, 6, 15), ("male", 51)),
        ("11010119750615001", dt.date(2026, 6, 15), ("", None)),
        ("", dt.date(2026, 6, 15), ("", None)),
    ],
)
def test_sex_and_age_from_the_id_number(id_number, on, expected):
    assert ag.sex_and_age(id_number, on) == expected
