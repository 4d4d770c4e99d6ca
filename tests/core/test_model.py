"""gridterm.core.model: records, validation, masking, vocabulary and due dates."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from gridterm.core import model
from gridterm.core.errors import GridtermError
from gridterm.core.model import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(area: str = "500101", birth: str = "19900307", seq: str = "123") -> str:
    """A resident ID with the right check character, computed independently of model.py."""
    body = area + birth + seq
    assert len(body) == 17
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def id_error_key(value) -> str:
    with pytest.raises(ValidationError) as info:
        model.check_id_number(value)
    assert len(info.value.errors) == 1
    err = info.value.errors[0]
    assert err.field == "id_number"
    return err.key


# --------------------------------------------------------------------------- ID numbers

# Worked by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, remainder -> 1 0 X 9 8 7 6 5 4 3 2):
#   50010119900307123: 35+0+0+5+0+4+2+9+54+0+0+27+0+35+8+8+6 = 193; 193 mod 11 = 6 -> "6"
#   11010519491231002: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "X"
#   44052419800101001: 28+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 196; 196 mod 11 = 9 -> "3"
HAND_VALID = ["500101199003071236", "11010519491231002X", "440524198001010013"]


@pytest.mark.parametrize("number", HAND_VALID)
def test_hand_computed_ids_are_valid(number):
    assert model.check_id_number(number) == number
    assert make_id(number[:6], number[6:14], number[14:17]) == number
    assert model.id_check_char(number[:17]) == number[17]


@pytest.mark.parametrize(
    "number",
    [
        make_id("110101", "20000229", "001"),  # a real leap day
        make_id("310104", "19000101", "002"),  # the earliest year accepted
        make_id("650102", "19850615", "999"),
        make_id("810000", "19920101", "010"),  # Hong Kong resident's permit
        make_id("440305", date.today().strftime("%Y%m%d"), "555"),  # born today
        make_id("500101", "20240229", "118"),
    ],
)
def test_generated_ids_are_valid(number):
    assert model.check_id_number(number) == number


def test_lowercase_x_is_stored_as_upper_x():
    assert model.check_id_number("11010519491231002x") == "11010519491231002X"


def test_spaces_and_full_width_digits_are_normalised():
    assert model.check_id_number(" 500101 19900307 1236 ") == "500101199003071236"
    full = "".join(chr(ord(c) + 0xFEE0) for c in "50010119900307123") + "6"
    assert model.check_id_number(full) == "500101199003071236"


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("500101199003071235", "model.id.checksum"),  # last char off by one
        ("110105194912310021", "model.id.checksum"),
        ("110105194912310029", "model.id.checksum"),
        ("440524198001010031", "model.id.checksum"),  # adjacent swap
        (make_id(birth="19900230"), "model.id.birth_invalid"),  # 30 February
        (make_id(birth="20230229"), "model.id.birth_invalid"),  # not a leap year
        (make_id(birth="19000229"), "model.id.birth_invalid"),  # 1900 was not a leap year
        (make_id(birth="19901301"), "model.id.birth_invalid"),
        (make_id(birth="19900100"), "model.id.birth_invalid"),
        (make_id(birth="18991231"), "model.id.birth_too_old"),
        (make_id(birth="21000101"), "model.id.birth_future"),
        (
            make_id(birth=(date.today() + timedelta(days=1)).strftime("%Y%m%d")),
            "model.id.birth_future",
        ),
        ("110105491231002", "model.id.legacy15"),  # first-generation card
        ("50010119900307123", "model.id.length"),  # 17
        ("5001011990030712361", "model.id.length"),  # 19
        ("50010119900307A236", "model.id.chars"),
        ("5001011990030712X6", "model.id.chars"),
        ("50010119900307123Y", "model.id.chars"),
        (make_id(area="000101"), "model.id.area"),
        (make_id(area="190101"), "model.id.area"),
        ("", "model.required"),
        ("   ", "model.required"),
    ],
)
def test_invalid_ids_say_what_is_wrong(number, key):
    assert id_error_key(number) == key


def test_id_not_text():
    assert id_error_key(11010519491231002) == "model.not_text"


def test_fifteen_digit_message_says_eighteen_are_needed_in_both_languages():
    with pytest.raises(ValidationError) as info:
        model.check_id_number("110105491231002", field="data.members[1].id_number")
    err = info.value.errors[0]
    en = err.message("en")
    zh = err.message("zh_CN")
    assert "18" in en and "15" in en and "Member 2" in en and "ID number" in en
    assert "18位" in zh and "15位" in zh and "成员2" in zh and "身份证号" in zh


def test_birth_date_message_quotes_the_date():
    with pytest.raises(ValidationError) as info:
        model.check_id_number(make_id(birth="19900230"))
    assert "1990-02-30" in str(info.value)
    assert "1990-02-30" in info.value.message("zh_CN")


def test_checksum_message_does_not_reveal_the_right_character():
    with pytest.raises(ValidationError) as info:
        model.check_id_number("500101199003071235")
    text = str(info.value)
    assert "check character" in text and "ID number" in text
    assert "6" not in text


def test_error_is_a_gridterm_error():
    with pytest.raises(GridtermError):
        model.check_id_number("123")


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_valid_phones(raw, normal):
    assert model.check_phone(raw) == normal


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("12812345678", "model.phone.prefix"),
        ("01012345678", "model.phone.prefix"),
        ("1381234567", "model.phone.length"),
        ("138123456789", "model.phone.length"),
        ("138abcd5678", "model.phone.chars"),
        ("", "model.required"),
        (13812345678, "model.not_text"),
    ],
)
def test_invalid_phones(raw, key):
    with pytest.raises(ValidationError) as info:
        model.check_phone(raw)
    assert [e.key for e in info.value.errors] == [key]
    assert "Phone" in str(info.value)


def test_phone_message_in_chinese():
    with pytest.raises(ValidationError) as info:
        model.check_phone("1381234567")
    assert info.value.message("zh_CN") == "手机号应为11位，现为10位。"


# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三明", "张*明"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧**娜"),  # compound surname
        ("欧阳修", "欧*修"),
        ("司马相如", "司**如"),
        ("买买提·艾力", "买****力"),
        (" 李四 ", "李*"),
        ("王", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(name, masked):
    assert model.mask_name(name) == masked


def test_mask_id_and_phone():
    assert model.mask_id("500101199003071236") == "500***********1236"
    assert model.mask_id("11010519491231002x") == "110***********002X"
    assert model.mask_id("123") == "***"
    assert model.mask_id("") == ""
    assert model.mask_phone("13812345678") == "138****5678"
    assert model.mask_phone("138 1234 5678") == "138****5678"
    assert model.mask_phone("1234") == "****"
    assert model.mask_phone(None) == ""


# --------------------------------------------------------------------------- kinds

MINIMAL = {
    "household": {"village": "石桥村", "head": "张三明"},
    "visit": {
        "household_id": "3f0e1c1e-8d1a-4f5e-9a55-2b7e9c1f0a11",
        "template_id": "safety",
        "template_version": 1,
        "answers": {"gas_alarm": True},
    },
    "case": {
        "parties": [{"name": "李四"}],
        "dispute_type": "neighbour",
        "source": "party_applied",
        "summary": "两家因排水沟发生争执。",
    },
    "report": {
        "category": "safety",
        "urgency": "urgent",
        "place": "石桥村三组",
        "description": "电动车在楼道飞线充电。",
    },
    "notice": {"village": "石桥村", "type": "village", "title": "村道硬化完工", "body": "已完工。"},
    "matter": {"village": "石桥村", "title": "村道硬化"},
}

REQUIRED = [
    ("household", "village"),
    ("household", "head"),
    ("visit", "household_id"),
    ("visit", "template_id"),
    ("visit", "template_version"),
    ("visit", "answers"),
    ("case", "parties"),
    ("case", "dispute_type"),
    ("case", "source"),
    ("case", "summary"),
    ("report", "category"),
    ("report", "urgency"),
    ("report", "place"),
    ("report", "description"),
    ("notice", "village"),
    ("notice", "type"),
    ("notice", "title"),
    ("matter", "village"),
    ("matter", "title"),
]


@pytest.mark.parametrize("kind", model.KINDS)
def test_minimal_data_is_valid(kind):
    assert model.validate_data(kind, MINIMAL[kind]) == MINIMAL[kind]


@pytest.mark.parametrize(("kind", "name"), REQUIRED)
@pytest.mark.parametrize("how", ["missing", "empty"])
def test_required_fields(kind, name, how):
    data = dict(MINIMAL[kind])
    if how == "missing":
        del data[name]
    else:
        data[name] = "" if isinstance(data[name], str) else type(data[name])()
        if isinstance(data[name], int):
            data[name] = None
    with pytest.raises(ValidationError) as info:
        model.validate_data(kind, data)
    errors = info.value.errors
    assert [e.field for e in errors] == [f"data.{name}"]
    assert errors[0].key == ("model.too_few" if name == "parties" else "model.required")
    assert model.field_label(f"data.{name}") in str(info.value)


def test_every_required_field_of_every_kind_is_listed():
    listed = {(k, n) for k, n in REQUIRED}
    for kind, spec in model.KIND_SPECS.items():
        for name, sub in spec.fields.items():
            assert sub.required == ((kind, name) in listed), (kind, name)


def test_all_problems_are_reported_at_once_with_paths():
    data = {
        "village": "",
        "head": "张三明",
        "phone": "123",
        "tags": ["living_alone_elder", "astronaut"],
        "members": [
            {"name": "李四", "id_number": "110105491231002"},
            {"name": "", "birth_year": 1850},
        ],
    }
    with pytest.raises(ValidationError) as info:
        model.validate_data("household", data)
    by_field = info.value.by_field()
    assert set(by_field) == {
        "data.village",
        "data.phone",
        "data.tags[1]",
        "data.members[0].id_number",
        "data.members[1].name",
        "data.members[1].birth_year",
    }
    assert "astronaut" in by_field["data.tags[1]"]
    assert by_field["data.members[1].birth_year"].startswith("Member 2 › Year of birth")


def test_messages_in_chinese_name_the_field():
    with pytest.raises(ValidationError) as info:
        model.validate_data("report", {"category": "safety", "urgency": "soon", "place": "村口"})
    zh = info.value.by_field("zh_CN")
    assert zh["data.urgency"] == "紧急程度：“soon”不是可选的值。"
    assert zh["data.description"] == "事件描述不能为空。"
    en = info.value.by_field("en")
    assert en["data.description"] == "Description is required."


def test_household_full_record_normalises():
    data = {
        "village": " 石桥村 ",
        "group": "三组",
        "number": "12号",
        "head": "张三明",
        "phone": "138 1234 5678",
        "tags": ["dibao", "dibao", "tekun"],
        "members": [
            {
                "name": "张小明",
                "id_number": "11010519491231002x",
                "relation": "子",
                "phone": "+8613912345678",
                "tags": ["left_behind_child"],
                "birth_year": 1949,
            }
        ],
        "notes": "第一行\r\n第二行",
    }
    out = model.validate_data("household", data)
    assert out["village"] == "石桥村"
    assert out["phone"] == "13812345678"
    assert out["tags"] == ["dibao", "tekun"]
    assert out["members"][0]["id_number"] == "11010519491231002X"
    assert out["members"][0]["phone"] == "13912345678"
    assert out["notes"] == "第一行\n第二行"
    assert data["phone"] == "138 1234 5678"  # the input is not changed


def test_full_case_is_valid():
    data = {
        **MINIMAL["case"],
        "parties": [
            {"name": "李四", "id_number": HAND_VALID[0], "phone": "13812345678", "role": "申请人"},
            {"name": "王五", "address": "石桥村二组", "role": "被申请人"},
        ],
        "rights_notice_given": True,
        "mediators": [{"id": "m1", "name": "赵老汉", "standing": "party_member"}],
        "sessions": [
            {
                "date": "2026-11-20",
                "place": "村委会",
                "present": ["李四", "王五", "赵老汉"],
                "record": "双方陈述……\n调解员提出方案。",
                "result": "达成协议",
            }
        ],
        "outcome": "success",
        "agreement": {
            "facts": "排水沟堵塞",
            "matters": "清理费用",
            "responsibilities": "各半",
            "terms": "王五一周内清理",
            "performance_manner": "现场清理",
            "performance_deadline": "2026-11-27",
            "signed_at": "2026-11-20T15:00:00+08:00",
        },
        "follow_ups": [
            {"due": "2026-11-28", "done_at": "2026-11-28", "fulfilled": True, "risk": "low"}
        ],
        "major": False,
        "closed_at": "2026-11-28T10:00:00+08:00",
        "case_no": "(2026)石人调字第12号",
    }
    assert model.validate_data("case", data)["parties"][1]["name"] == "王五"


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        ("sessions", [{"date": "2026-02-30"}], "model.bad_date"),
        ("sessions", [{"date": "26-11-20"}], "model.bad_date"),
        ("agreement", {"signed_at": "yesterday"}, "model.bad_moment"),
        ("follow_ups", [{"fulfilled": "yes"}], "model.not_bool"),
        ("follow_ups", [{"risk": "extreme"}], "model.bad_code"),
        ("mediators", [{"name": "赵老汉", "standing": "mayor"}], "model.bad_code"),
        ("dispute_type", "feud", "model.bad_code"),
        ("major", 1, "model.not_bool"),
        ("parties", {"name": "李四"}, "model.not_list"),
        ("parties", [{"name": "x" * 51}], "model.too_long"),
        ("summary", "x" * 2001, "model.too_long"),
        ("summary", "bell\x07", "model.control_chars"),
        ("case_no", "line\nbreak", "model.control_chars_line"),
        ("case_no", "evil\u202etxt", "model.control_chars_line"),
        ("flavour", "x", "model.unknown_field"),
    ],
)
def test_case_bad_values(path, value, key):
    data = {**MINIMAL["case"], path: value}
    with pytest.raises(ValidationError) as info:
        model.validate_data("case", data)
    assert [e.key for e in info.value.errors] == [key]


def test_visit_answers_and_flags():
    data = {
        **MINIMAL["visit"],
        "answers": {"gas_alarm": False, "heaters": 2, "note": "ok", "exits": ["stairs"], "x": None},
        "flagged": ["gas_alarm"],
        "follow_up": "2026-12-01",
        "visited_at": "2026-11-25T08:00:00+08:00",
    }
    assert model.validate_data("visit", data)["flagged"] == ["gas_alarm"]
    with pytest.raises(ValidationError) as info:
        model.validate_data("visit", {**data, "answers": {"a": {"nested": 1}}})
    assert info.value.errors[0].key == "model.bad_answer"
    with pytest.raises(ValidationError) as info:
        model.validate_data("visit", {**data, "template_version": 0})
    assert info.value.errors[0].key == "model.too_small"
    with pytest.raises(ValidationError) as info:
        model.validate_data("visit", {**data, "template_version": True})
    assert info.value.errors[0].key == "model.not_int"


def test_report_with_links_and_newlines():
    data = {
        **MINIMAL["report"],
        "description": "第一行\n第二行",
        "links": {"visit": "v1"},
        "closed_on_spot": False,
        "occurred_at": "2026-11-25",
        "raised_by": "村民",
    }
    assert model.validate_data("report", data)["description"] == "第一行\n第二行"
    with pytest.raises(ValidationError) as info:
        model.validate_data("report", {**data, "place": "a\nb"})
    assert info.value.by_field()["data.place"].startswith("Place contains control")


def test_unknown_kind():
    with pytest.raises(ValidationError) as info:
        model.validate_data("party", {})
    assert info.value.errors[0].field == "kind"


# --------------------------------------------------------------------------- validate_field


def test_validate_field_for_inline_checks():
    assert model.validate_field("household", "members[0].id_number", HAND_VALID[1]) is None
    msg = model.validate_field("household", "data.members[0].id_number", "110105491231002")
    assert msg.startswith("Member 1 › ID number") and "18" in msg
    assert model.validate_field("household", "head", "") == "Head of household is required."
    assert model.validate_field("household", "notes", "") is None
    assert model.validate_field("report", "urgency", "normal") is None
    assert model.validate_field("case", "parties", []) == "Parties needs at least 1 entry."
    zh = model.validate_field("household", "phone", "123", lang="zh_CN")
    assert zh == "手机号应为11位，现为3位。"
    with pytest.raises(KeyError):
        model.validate_field("household", "nickname", "x")


# --------------------------------------------------------------------------- envelope


def test_new_record_envelope():
    rec = model.new_record(
        "report", MINIMAL["report"], grid="g1", officer="o1", device="dev1",
        now="2026-11-25T08:00:00+08:00",
    )  # fmt: skip
    assert uuid.UUID(rec["id"]).version == 4
    assert rec["rev"] == 1
    assert rec["created_at"] == rec["updated_at"] == "2026-11-25T08:00:00+08:00"
    assert (rec["grid"], rec["officer"], rec["device"], rec["kind"]) == (
        "g1",
        "o1",
        "dev1",
        "report",
    )
    assert "receipts" not in rec
    assert model.validate_record(rec) == rec


def test_new_record_refuses_bad_data_and_default_time_has_offset():
    rec = model.new_record("household", MINIMAL["household"], device="d")
    assert model.parse_datetime(rec["created_at"]).utcoffset() is not None
    assert "." not in rec["created_at"]
    with pytest.raises(ValidationError):
        model.new_record("household", {"village": "x"}, device="d")


def test_now_iso_has_offset_and_seconds():
    stamp = model.now_iso()
    parsed = model.parse_datetime(stamp)
    assert parsed.tzinfo is not None and parsed.microsecond == 0
    assert len(stamp) == 25


def test_validate_record_lists_envelope_problems():
    rec = {
        "id": "not-a-uuid",
        "kind": "report",
        "rev": 0,
        "device": "",
        "created_at": "2026-11-25 08:00",
        "updated_at": "2026-11-25T08:00:00",  # no offset
        "data": {**MINIMAL["report"], "urgency": "meh"},
        "colour": "red",
        "status": "lost",
    }
    with pytest.raises(ValidationError) as info:
        model.validate_record(rec)
    assert set(info.value.by_field()) == {
        "id", "rev", "device", "created_at", "updated_at", "data.urgency", "colour", "status",
    }  # fmt: skip


def test_validate_record_receipts_and_service_fields():
    rec = model.new_record(
        "case",
        MINIMAL["case"],
        device="d",
        receipts=[{"number": "ABCDEFGHJKM", "sig": "0123456789ABCDEF",
                   "issued_at": "2026-11-25T08:00:00+08:00", "party": 0}],
    )  # fmt: skip
    rec.update(status="accepted", feedback="已受理", seq=3, synced_rev=1, sync_error=None)
    assert model.validate_record(rec) == rec
    bad = {**rec, "receipts": [{"number": "", "sig": "x", "issued_at": "now"}]}
    with pytest.raises(ValidationError) as info:
        model.validate_record(bad)
    assert set(info.value.by_field()) == {"receipts[0].number", "receipts[0].issued_at"}
    assert "Receipt 1 › Receipt number" in info.value.by_field()["receipts[0].number"]


def test_wire_form_and_canonical_json():
    rec = model.new_record("household", MINIMAL["household"], device="d")
    full = {**rec, "synced_rev": 1, "sync_error": None, "sync_state": "sent", "_wire": "x",
            "status": "done", "feedback": "f", "public_reply": "r", "handled_by": "h",
            "seq": 1, "status_at": rec["created_at"]}  # fmt: skip
    assert model.wire_form(full) == rec
    assert model.canonical_json({"b": 1, "a": "张"}) == '{"a":"张","b":1}'.encode()
    assert json.loads(model.canonical_json(rec)) == rec


# --------------------------------------------------------------------------- vocabulary

CONTRACT_CODES = {
    "category": "dispute safety public_order sanitation livelihood special_groups facilities other",
    "urgency": "urgent important normal",
    "dispute_type": "marriage_family neighbour house_homestead land_contract land_acquisition "
    "contract labour_wage damages village_affairs environment traffic medical other",
    "source": "party_applied committee_found police_referred court_referred government_referred",
    "outcome": "success partial failed_referred withdrawn",
    "standing": "xiangxian party_member cadre veteran teacher",
    "tag": "living_alone_elder left_behind_child disabled dibao tekun poverty_watch migrant "
    "tenant working_away",
    "status": "reported accepted returned assigned in_hand extended done checked_back "
    "closed_on_spot escalated signed county_assigned returned_to_township",
}


@pytest.mark.parametrize("group", sorted(CONTRACT_CODES))
def test_vocab_codes_match_contract_and_have_both_labels(group):
    assert model.codes(group) == CONTRACT_CODES[group].split()
    for code in model.codes(group):
        zh, en = model.label(group, code, "zh_CN"), model.label(group, code, "en")
        assert zh and en and zh != code and en != code


def test_labels():
    assert model.label("category", "safety", "zh_CN") == "安全隐患"
    assert model.label("category", "safety") == "Safety hazard"
    assert model.label("urgency", "urgent", "zh") == "紧急"
    assert model.label("standing", "xiangxian", "zh_CN") == "乡贤"
    assert model.label("category", "nonsense") == "nonsense"
    assert model.vocab() is model.vocab()


# --------------------------------------------------------------------------- closed, due dates


def _report(**data):
    return {"kind": "report", "created_at": "2026-11-27T10:00:00+08:00",
            "data": {**MINIMAL["report"], **data}}  # fmt: skip


def test_is_closed():
    assert model.is_closed({"kind": "visit", "data": {}})
    assert model.is_closed({"kind": "household", "data": {}})
    assert not model.is_closed(_report())
    assert not model.is_closed({**_report(), "status": "in_hand"})
    assert model.is_closed({**_report(), "status": "done"})
    assert model.is_closed({**_report(), "status": "checked_back"})
    assert model.is_closed(_report(closed_on_spot=True))
    assert not model.is_closed({"kind": "case", "data": MINIMAL["case"]})
    assert model.is_closed({"kind": "case", "data": {**MINIMAL["case"], "closed_at": "2026-11-28"}})


def test_due_at_by_urgency_skipping_weekends():
    # 2026-11-27 is a Friday.
    assert model.due_at(_report(urgency="urgent")) == "2026-11-28T10:00:00+08:00"
    assert model.due_at(_report(urgency="important")) == "2026-12-01T23:59:59+08:00"
    assert model.due_at(_report(urgency="normal")) == "2026-12-02T23:59:59+08:00"
    assert model.due_at(_report(closed_on_spot=True)) == "2026-11-27T23:59:59+08:00"
    monday = "2026-11-23T09:00:00+08:00"
    assert model.due_at(_report(urgency="normal"), from_iso=monday) == "2026-11-26T23:59:59+08:00"
    assert model.due_at({"kind": "case", "created_at": monday, "data": {}}) is None


def test_visit_due():
    today = date(2026, 11, 26)
    assert model.visit_due([], "2026-09-01", today=today) == ("2026-11-30", False)
    assert model.visit_due(["migrant"], "2026-08-01", today=today) == ("2026-10-30", True)
    assert model.visit_due(
        ["living_alone_elder", "dibao"], "2026-11-20T09:00:00+08:00", today=today
    ) == (
        "2026-11-27",
        False,
    )
    assert model.visit_due(["poverty_watch"], "2026-10-20", today=today) == ("2026-11-19", True)
    assert model.visit_due(["dibao"], None, today=today) == ("2026-11-26", False)
    rules = {"default_days": 10, "tags": {"dibao": 3}}
    assert model.visit_due(["dibao"], "2026-11-20", rules, today=today) == ("2026-11-23", True)
    assert model.visit_due([], "2026-11-20", rules, today="2026-11-26") == ("2026-11-30", False)


# --------------------------------------------------------------------------- edges


def test_answers_refuse_nan_and_inline_check_of_one_answer():
    data = {**MINIMAL["visit"], "answers": {"income": float("nan")}}
    with pytest.raises(ValidationError) as info:
        model.validate_data("visit", data)
    assert info.value.errors[0].field == "data.answers.income"
    assert model.validate_field("visit", "answers.gas_alarm", True) is None
    assert model.validate_field("visit", "answers.note", "a\x00b") is not None
    assert model.validate_field("visit", "answers.x", {"a": 1}) is not None
    with pytest.raises(ValueError):
        model.canonical_json({"x": float("inf")})


@pytest.mark.parametrize(
    "char", ["\x00", "\t", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\ud800"]
)
def test_control_characters_refused_everywhere(char):
    for spec_path in ("head", "notes"):
        msg = model.validate_field("household", spec_path, f"张{char}三")
        assert msg is not None and "control" in msg


def test_ordinary_unicode_is_kept():
    text = "买买提·艾力 Zoë 😀 ①"
    assert (
        model.validate_data("household", {"village": "x", "head": "y", "notes": text})["notes"]
        == text
    )


def test_length_bounds_count_characters_not_bytes():
    assert model.validate_field("household", "head", "张" * 50) is None
    msg = model.validate_field("household", "head", "张" * 51)
    assert msg == "Head of household is too long: at most 50 characters, got 51."
    zh = model.validate_field("household", "head", "张" * 51, lang="zh_CN")
    assert zh == "户主姓名太长：最多50个字，现有51个。"


def test_list_bounds():
    members = [{"name": f"成员{i}"} for i in range(31)]
    msg = model.validate_field("household", "members", members)
    assert msg == "Members has too many entries: at most 30."


def test_empty_rows_of_object_lists_are_dropped():
    out = model.validate_data("household", {"village": "x", "head": "y", "members": [{}, None]})
    assert out["members"] == []


# --------------------------------------------------------------------------- robustness

JUNK = [
    None, True, False, 0, -1, 2**70, 1.5, float("nan"), "", " ", "x" * 3000, "a\x00b", "\ud800",
    "2026-02-30", "2026-11-25T08:00:00+08:00", "张三", "safety", [], [None], [{}], [[[]]], {},
    {"a": [1]}, {"name": 5}, {"\x00" * 300: 1},
]  # fmt: skip


def _full_records() -> list[dict]:
    case = {
        **MINIMAL["case"],
        "parties": [{"name": "李四", "id_number": HAND_VALID[0], "phone": "13812345678"}],
        "mediators": [{"id": "m1", "name": "赵", "standing": "cadre"}],
        "sessions": [{"date": "2026-11-20", "present": ["李四"], "record": "r"}],
        "agreement": {"terms": "t", "performance_deadline": "2026-11-27"},
        "follow_ups": [{"due": "2026-11-28", "fulfilled": True, "risk": "low"}],
    }
    household = {
        **MINIMAL["household"],
        "tags": ["dibao"],
        "members": [{"name": "张小明", "id_number": HAND_VALID[1], "birth_year": 1949}],
    }
    report = {**MINIMAL["report"], "links": {"visit": "v"}, "occurred_at": "2026-11-25"}
    visit = {**MINIMAL["visit"], "answers": {"a": True, "b": ["x"]}, "flagged": ["a"]}
    return [
        model.new_record(kind, data, device="d")
        for kind, data in (("case", case), ("household", household), ("report", report),
                           ("visit", visit))
    ]  # fmt: skip


def _containers(obj, found):
    found.append(obj)
    children = obj.values() if isinstance(obj, dict) else obj
    for child in children:
        if isinstance(child, (dict, list)):
            _containers(child, found)
    return found


def test_random_damage_is_always_a_validation_error_never_a_crash():
    import copy
    import random

    rng = random.Random(20261126)
    records = _full_records()
    outcomes = {"valid": 0, "invalid": 0}
    for _ in range(3000):
        rec = copy.deepcopy(rng.choice(records))
        for _ in range(rng.randint(1, 3)):
            target = rng.choice(_containers(rec, []))
            junk = copy.deepcopy(rng.choice(JUNK))
            if isinstance(target, dict):
                key = rng.choice([*target, "extra"]) if target else "extra"
                if rng.random() < 0.2:
                    target.pop(key, None)
                else:
                    target[key] = junk
            elif target:
                target[rng.randrange(len(target))] = junk
        try:
            out = model.validate_record(rec)
        except ValidationError as exc:
            outcomes["invalid"] += 1
            assert exc.errors and len(exc.errors) <= model.MAX_ERRORS
            for lang in ("en", "zh_CN"):
                exc.message(lang).encode("utf-8")
                assert all(isinstance(k, str) for k in exc.by_field(lang))
        else:
            outcomes["valid"] += 1
            assert model.validate_record(out) == out
            model.canonical_json(out)
    assert outcomes["valid"] > 50 and outcomes["invalid"] > 1000, outcomes


def test_cross_field_checks():
    member = {"name": "张小明", "id_number": HAND_VALID[0], "birth_year": 1991}
    with pytest.raises(ValidationError) as info:
        model.validate_data("household", {**MINIMAL["household"], "members": [member]})
    assert info.value.by_field() == {
        "data.members[0].birth_year": "Member 1 › Year of birth does not match the ID number, "
        "which says 1990."
    }
    member["birth_year"] = 1990
    model.validate_data("household", {**MINIMAL["household"], "members": [member]})
    with pytest.raises(ValidationError) as info:
        model.validate_data("visit", {**MINIMAL["visit"], "flagged": ["gas_alarm", "exits"]})
    assert list(info.value.by_field()) == ["data.flagged[1]"]
    assert "“exits”被标记" in info.value.message("zh_CN")


def test_receipt_party_must_exist():
    receipt = {"number": "ABCDEFGHJKM", "sig": "0123456789ABCDEF",
               "issued_at": "2026-11-25T08:00:00+08:00", "party": 1}  # fmt: skip
    with pytest.raises(ValidationError) as info:
        model.new_record("case", MINIMAL["case"], device="d", receipts=[receipt])
    assert info.value.by_field() == {
        "receipts[0].party": "Receipt 1 › Party: the case has no party 2."
    }
    two = {**MINIMAL["case"], "parties": [{"name": "李四"}, {"name": "王五"}]}
    assert (
        model.new_record("case", two, device="d", receipts=[receipt])["receipts"][0]["party"] == 1
    )
    with pytest.raises(ValidationError):
        model.new_record("report", MINIMAL["report"], device="d", receipts=[receipt])
    report_receipt = {**receipt, "party": None}
    model.new_record("report", MINIMAL["report"], device="d", receipts=[report_receipt])


def test_household_tags_gathers_members():
    data = {"tags": ["dibao"], "members": [{"tags": ["living_alone_elder", "dibao"]}, {}]}
    assert model.household_tags(data) == ["dibao", "living_alone_elder"]
    assert model.visit_due(model.household_tags(data), "2026-11-01", today="2026-11-26")[1]
    assert model.household_tags({}) == []


# --------------------------------------------------------------------------- catalog coverage


def test_every_message_key_used_by_the_model_is_in_both_catalogs():
    import re
    from pathlib import Path

    from gridterm.core import i18n

    package = Path(model.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py")))
    keys = set(re.findall(r'"(model\.[a-z_0-9.]+)"', source))
    assert len(keys) > 30
    for lang in ("en", "zh_CN"):
        missing = sorted(k for k in keys if not i18n.has(k, lang))
        assert missing == [], f"{lang}: {missing}"


def _all_paths(spec, parent=""):
    for name, sub in (spec.fields or {}).items():
        yield parent, name
        inner = sub.item if sub.type == "list" else sub
        if inner is not None and inner.type == "object":
            yield from _all_paths(inner, name)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_field_has_a_translated_label(lang):
    from gridterm.core import i18n

    specs = [*model.KIND_SPECS.values(), model.RECEIPT]
    for spec in specs:
        for parent, name in _all_paths(spec):
            assert i18n.has(f"model.field.{parent}.{name}", lang) or i18n.has(
                f"model.field.{name}", lang
            ), (parent, name)
    for name in (*model.ENVELOPE, *model.SERVICE_OWNED, "receipts"):
        assert i18n.has(f"model.field.{name}", lang), name


def test_validation_error_survives_pickling():
    import pickle

    with pytest.raises(ValidationError) as info:
        model.validate_data("report", {})
    again = pickle.loads(pickle.dumps(info.value))
    assert again.by_field() == info.value.by_field()
    assert str(again) == str(info.value)


@pytest.mark.parametrize(
    "value",
    ["٢٠٢٦-11-25", "2026-11-25T08:00:00", "2026-11-25T24:00:00+08:00", "2026/11/25", 20261125],
)
def test_odd_dates_refused(value):
    assert model.validate_field("report", "occurred_at", value) is not None
    with pytest.raises(ValueError):
        model.parse_datetime(value)


def test_visit_due_accepts_a_datetime_for_today():
    from datetime import datetime

    assert model.visit_due([], "2026-09-01", today=datetime(2026, 12, 1, 9)) == ("2026-11-30", True)


def test_time_limits_count_in_china_days_whatever_the_clock_says():
    from gridterm.core.model import due_at

    report = {
        "kind": "report",
        "data": {"urgency": "normal", "category": "safety", "place": "村口", "description": "x"},
    }
    # Tuesday 20:00 UTC is already Wednesday 04:00 in China: three working days from Wednesday.
    utc = due_at({**report, "created_at": "2026-11-24T20:00:00+00:00"})
    china = due_at({**report, "created_at": "2026-11-25T04:00:00+08:00"})
    assert utc == china == "2026-11-30T23:59:59+08:00"
