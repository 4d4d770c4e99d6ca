"""Receipt numbers (Damm check over GF(32)), signatures, payload and the receipt's text."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from gridterm.core import receipts
from gridterm.core.i18n import t
from gridterm.core.receipts import (
    ALPHABET,
    ReceiptError,
    ReceiptNumberError,
    check_character,
    format_number,
    is_valid_number,
    issue,
    new_number,
    parse_number,
    qr_payload,
    receipt_lines,
    sign,
    verify,
)

SECRET = "device-secret-one"
CST = timezone(timedelta(hours=8))


def numbers(count: int, seed: int = 6) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        body = "".join(rng.choice(ALPHABET) for _ in range(10))
        out.append(body + check_character(body))
    return out


# --------------------------------------------------------------------------- numbers


def test_new_number_shape_and_randomness():
    made = {new_number() for _ in range(500)}
    assert len(made) == 500
    for number in made:
        assert len(number) == 11
        assert set(number) <= set(ALPHABET)
        assert parse_number(number) == number


def test_format_and_forgiving_parse():
    number = "7Q2M4K9TXA" + check_character("7Q2M4K9TXA")
    shown = format_number(number)
    assert shown == f"7Q2M4-K9TXA-{number[-1]}"
    assert parse_number(shown.lower()) == number
    assert parse_number(" " + shown.replace("-", " ") + " ") == number
    # I and L read as 1, O as 0
    body = "10Z10Z10Z1"
    number = body + check_character(body)
    assert parse_number("lOzlO-ZiOz1-" + number[-1]) == number


@pytest.mark.parametrize("seed", range(3))
def test_damm_catches_every_single_substitution(seed):
    for number in numbers(120, seed):
        for position in range(11):
            for symbol in ALPHABET:
                if symbol == number[position]:
                    continue
                typo = number[:position] + symbol + number[position + 1 :]
                assert not is_valid_number(typo), (number, typo)


@pytest.mark.parametrize("seed", range(3))
def test_damm_catches_every_adjacent_transposition(seed):
    for number in numbers(150, seed + 10):
        for position in range(10):
            a, b = number[position], number[position + 1]
            if a == b:
                continue
            swapped = number[:position] + b + a + number[position + 2 :]
            assert not is_valid_number(swapped), (number, swapped)


def test_damm_over_all_pairs_of_a_position():
    """Every ordered pair of distinct symbols swapped at every position: never valid."""
    base = numbers(1, 99)[0]
    for position in range(10):
        for a in ALPHABET:
            for b in ALPHABET:
                if a == b:
                    continue
                good = base[:position] + a + b + base[position + 2 : 10]
                good += check_character(good)
                swapped = good[:position] + b + a + good[position + 2 :]
                assert not is_valid_number(swapped)


def luhn_mod32_check(body: str) -> str:
    """Luhn mod N (N = 32) for contrast: double every other value, 'digit sum' base 32."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        value = ALPHABET.index(ch)
        if i % 2 == 0:
            value *= 2
            value = value // 32 + value % 32
        total += value
    return ALPHABET[(32 - total % 32) % 32]


def test_luhn_mod32_misses_a_0_Z_swap_that_damm_catches():
    body = "ABCDE0ZFGH"
    luhn_good = body + luhn_mod32_check(body)
    swapped_body = "ABCDEZ0FGH"
    assert luhn_mod32_check(swapped_body) == luhn_good[-1]  # Luhn cannot tell them apart
    damm_good = body + check_character(body)
    assert not is_valid_number("ABCDEZ0FGH" + damm_good[-1])


def test_mistyped_number_says_its_check_character_is_wrong():
    number = numbers(1)[0]
    wrong = number[:3] + ("X" if number[3] != "X" else "Y") + number[4:]
    with pytest.raises(ReceiptNumberError) as err:
        parse_number(format_number(number)[:3] + wrong[3] + format_number(number)[4:])
    message = str(err.value)
    assert "check character" in message and number[-1] in message
    assert err.value.key == "receipts.number.check"
    zh = err.value.message("zh_CN")
    assert "校验码" in zh


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("", "receipts.number.empty", "XXXXX-XXXXX-X"),
        ("ABCDE-FGH", "receipts.number.length", "8 characters"),
        ("ABCDE-FGHJK-MN", "receipts.number.length", "12 characters"),
        ("ABCDE-FGHJU-M", "receipts.number.bad_char", "'U' (character 11)"),
        ("ABC#E-FGHJK-M", "receipts.number.bad_char", "'#'"),
    ],
)
def test_parse_says_what_is_wrong(text, key, fragment):
    with pytest.raises(ReceiptNumberError) as err:
        parse_number(text)
    assert err.value.key == key
    assert fragment in str(err.value)
    assert err.value.message("zh_CN") != err.value.message("en")


def test_error_keys_exist_in_both_languages():
    import json
    from pathlib import Path

    folder = Path(receipts.__file__).parent.parent / "i18n"
    en = json.loads((folder / "en" / "receipts.json").read_text(encoding="utf-8"))
    zh = json.loads((folder / "zh_CN" / "receipts.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    assert all(key.startswith("receipts.") for key in en)


# --------------------------------------------------------------------------- signatures


def test_sign_is_80_bits_of_hmac_in_crockford():
    import hashlib
    import hmac

    number = numbers(1)[0]
    sig = sign(number, SECRET)
    assert len(sig) == 16 and set(sig) <= set(ALPHABET)
    digest = hmac.new(
        SECRET.encode(), b"gridterm-receipt-v1|" + number.encode(), hashlib.sha256
    ).digest()
    bits = bin(int.from_bytes(digest[:10], "big"))[2:].zfill(80)
    expected = "".join(ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, 80, 5))
    assert sig == expected
    # the dashed form signs the same number
    assert sign(format_number(number), SECRET) == sig


def test_verify_tells_genuine_from_forged():
    number, other = numbers(2)
    sig = sign(number, SECRET)
    assert verify(number, sig, SECRET)
    assert verify(format_number(number).lower(), sig.lower(), SECRET)
    assert not verify(other, sig, SECRET)  # changed number
    assert not verify(number, sig[:-1] + ("0" if sig[-1] != "0" else "1"), SECRET)
    assert not verify(number, sign(number, "another-device"), SECRET)
    for junk in ("", "x" * 200, "短", None, 123):
        assert not verify(number, junk, SECRET)
    assert not verify("not a number", sig, SECRET)
    assert not verify(number, sig, "")


def test_find_signer_names_the_device_or_none():
    number = numbers(1)[0]
    devices = {"dev-a": "secret-a", "dev-b": b"secret-b", "dev-c": "secret-c"}
    assert receipts.find_signer(number, sign(number, b"secret-b"), devices) == "dev-b"
    assert receipts.find_signer(number, sign(number, "secret-z"), devices) is None
    assert receipts.find_signer(number, "", devices) is None
    assert receipts.find_signer(number, sign(number, "secret-a"), {}) is None


def test_qr_payload_is_short_and_personal_data_free():
    number = numbers(1)[0]
    sig = sign(number, SECRET)
    payload = qr_payload("https://xz.example.gov.cn/", number, sig)
    assert payload == f"https://xz.example.gov.cn/r/{number}?s={sig}"
    assert qr_payload("https://xz.example.gov.cn", format_number(number), sig) == payload


# --------------------------------------------------------------------------- issuing


def report_record(**data):
    base = {
        "id": "3f1c6a55-5a7b-4b59-9d0e-9b0a8f6c2f10",
        "kind": "report",
        "rev": 1,
        "grid": "g1",
        "officer": "o1",
        "device": "d1",
        "created_at": "2026-11-25T08:00:00+08:00",
        "updated_at": "2026-11-25T08:00:00+08:00",
        "data": {
            "category": "safety",
            "urgency": "normal",
            "place": "东村3组",
            "description": "燃气软管老化，需要更换\n第二行",
            "raised_by": "张三明",
        },
    }
    base["data"].update(data)
    return base


ENROLLMENT = {
    "service_url": "https://xz.example.gov.cn",
    "device_id": "dev-1",
    "token": "tok",
    "device_secret": SECRET,
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}


def test_issue_makes_a_signed_receipt():
    now = datetime(2026, 11, 25, 9, 30, 5, 123, tzinfo=CST)
    receipt = issue(report_record(), SECRET, now=now)
    assert set(receipt) == {"number", "sig", "issued_at", "party"}
    assert receipt["issued_at"] == "2026-11-25T09:30:05+08:00"
    assert receipt["party"] is None
    assert verify(receipt["number"], receipt["sig"], SECRET)


def test_issue_per_case_party_and_refusals():
    case = {
        "kind": "case",
        "data": {"parties": [{"name": "王五"}, {"name": "赵六六"}], "dispute_type": "neighbour"},
    }
    first, second = issue(case, SECRET, party=0), issue(case, SECRET, party=1)
    assert first["number"] != second["number"] and second["party"] == 1
    with pytest.raises(ReceiptError) as err:
        issue(case, SECRET, party=2)
    assert "2" in str(err.value)
    with pytest.raises(ReceiptError):
        issue(report_record(), SECRET, party=0)
    with pytest.raises(ReceiptError) as err:
        issue(report_record(), None)
    assert "enrolled" in str(err.value)


def test_receipt_for_reprints_the_same_number():
    case = {"kind": "case", "data": {"parties": [{"name": "王五"}, {"name": "赵六"}]}}
    case["receipts"] = [issue(case, SECRET, party=0), issue(case, SECRET, party=1)]
    assert receipts.receipt_for(case, 1) is case["receipts"][1]
    assert receipts.receipt_for(case) is None
    found = receipts.find_receipt([case], format_number(case["receipts"][0]["number"]).lower())
    assert found == (case, case["receipts"][0])


def test_receipt_lines_hold_what_domain_asks_and_mask_the_name():
    record = report_record()
    receipt = issue(record, SECRET, now=datetime(2026, 11, 25, 9, 30, tzinfo=CST))
    lines = receipt_lines(record, receipt, ENROLLMENT, "zh_CN")
    text = "\n".join(lines)
    assert format_number(receipt["number"]) in text
    assert "2026-11-25 09:30" in text
    assert "东村第二网格" in text and "青山镇" in text
    assert "事件上报" in text and "安全隐患" in text and "燃气软管老化" in text
    assert "张*明" in text and "张三明" not in text
    assert "李网格" in text and "13800138000" in text
    assert "承诺办理时限" in text  # a report has a promised time limit
    assert t("receipts.line.online", lang="zh_CN") in lines
    assert all("\n" not in line for line in lines)
    en = receipt_lines(record, receipt, ENROLLMENT, "en")
    assert "Event report" in "\n".join(en) and "Z*" not in "\n".join(en)


def test_receipt_lines_for_case_party_and_without_enrollment():
    case = {
        "kind": "case",
        "grid": "",
        "data": {
            "parties": [{"name": "王五"}, {"name": "欧阳娜娜"}],
            "dispute_type": "neighbour",
            "summary": "宅基地边界",
        },
    }
    receipt = issue(case, SECRET, party=1)
    lines = receipt_lines(case, receipt, None, "en")
    text = "\n".join(lines)
    assert "欧**娜" in text and "王" not in text
    assert t("receipts.line.no_qr", lang="en") in lines
    assert receipts.payload_for(receipt, None) is None
    assert receipts.payload_for(receipt, ENROLLMENT) == qr_payload(
        ENROLLMENT["service_url"], receipt["number"], receipt["sig"]
    )


def test_receipts_module_imports_no_ui_and_needs_no_pillow():
    """Receipts are made on a phone with the base install: no UI or server library, and a
    QR code as PNG without Pillow (qrcode imports Pillow when it happens to be installed —
    the township and photos extras bring it — so here Pillow is made unimportable)."""
    code = (
        "import sys; sys.modules['PIL'] = None;"
        "import gridterm.core.receipts, gridterm.core.receipts.render as r;"
        "png = r.png_bytes(r.make_qr('https://t.example/r/ABCDE?s=X'));"
        "assert png.startswith(bytes([137, 80, 78, 71])), png[:8];"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('textual','fastapi')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_visit_receipt_names_the_household_head_masked_and_the_checklist():
    household = {"kind": "household", "data": {"village": "石桥村", "head": "王大明"}}
    visit = {
        "kind": "visit",
        "data": {"household_id": "h1", "template_id": "safety", "template_version": 1},
    }
    receipt = issue(visit, SECRET)
    lines = receipt_lines(visit, receipt, ENROLLMENT, "zh_CN", household=household)
    text = "\n".join(lines)
    assert "王*明" in text and "王大明" not in text
    assert "入户走访" in text and "安全隐患排查" in text and "石桥村" in text


def test_a_damaged_stored_number_is_shown_as_is_never_a_crash():
    record = report_record()
    receipt = {"number": "12345", "sig": "X", "issued_at": "2026-11-25T09:30:00+08:00"}
    lines = receipt_lines(record, receipt, ENROLLMENT, "en")
    assert "Receipt no.: 12345" in lines
    assert receipts.payload_for(receipt, ENROLLMENT) is None
