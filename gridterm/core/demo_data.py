"""Deterministic, realistic demo data for a grid: households with valid ID numbers, visits,
mediation cases with elder mediators, event reports — some with the township's replies.

``populate(store, today=…)`` writes it through the ordinary Store API, so what the screens
show is what a real device would hold.  The same seed and day give the same data.  Dates in
the data (visits, follow-ups, report times) are relative to ``today``; the records' own
``created_at`` is the moment they were written, as on a real device.  No UI here.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from gridterm.core.checklists import builtin_templates
from gridterm.core.model import CHINA_TIME, id_check_char

if TYPE_CHECKING:
    from gridterm.core.store import Store

CHINA = CHINA_TIME

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = (
    "伟",
    "芳",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建国",
    "建华",
    "国强",
    "志强",
    "春梅",
    "玉兰",
    "德明",
    "文华",
    "小红",
    "子涵",
    "浩然",
    "欣怡",
    "宇轩",
    "梓萱",
    "俊杰",
    "海燕",
)
VILLAGES = ("东河村", "西山村", "桃园村")
# Area codes of districts in Chongqing (渝北, 江北, 南岸); any real code would do.
AREAS = ("500112", "500105", "500108")

ELDERS = [
    ("周德明", "xiangxian", "东河村", "13808231456"),
    ("李建国", "party_member", "西山村", "13908236621"),
    ("陈国强", "cadre", "东河村", "15123457788"),
    ("王志强", "veteran", "桃园村", "13618239012"),
    ("刘文华", "teacher", "西山村", "18725461139"),
]


def id_number(rng: random.Random, born: date, male: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{rng.choice(AREAS)}{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "152", "158", "177", "186", "189")) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


def _born(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    age = rng.randint(min_age, max_age)
    return date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN)


def household_data(rng: random.Random, today: date, n: int) -> dict:
    """One household's ``data``; ``n`` spreads households over villages, groups and numbers."""
    surname = rng.choice(SURNAMES)
    village = VILLAGES[n % len(VILLAGES)]
    group = str(n // len(VILLAGES) % 8 + 1)
    number = str(n // (len(VILLAGES) * 8) + 1 + rng.randint(0, 3) * 10)
    shape = rng.random()
    members: list[dict] = []
    tags: list[str] = []
    if shape < 0.15:  # an elder living alone
        born = _born(rng, today, 72, 91)
        members.append(_member(rng, surname, born, "户主", ["living_alone_elder"]))
        if rng.random() < 0.5:
            members[0]["tags"].append("dibao")
    else:
        head_born = _born(rng, today, 35, 68)
        members.append(_member(rng, surname, head_born, "户主", []))
        members.append(_member(rng, None, _born(rng, today, 33, 66), "配偶", []))
        for _ in range(rng.randint(0, 3)):
            child_born = _born(rng, today, 3, 30)
            relation = rng.choice(("子", "女"))  # _member makes the ID number agree
            child_tags = []
            if child_born.year > today.year - 14 and rng.random() < 0.3:
                child_tags.append("left_behind_child")
            members.append(_member(rng, surname, child_born, relation, child_tags))
        if rng.random() < 0.25:
            members.append(_member(rng, surname, _born(rng, today, 70, 88), "父亲", []))
        if rng.random() < 0.1:
            members[-1]["tags"].append("disabled")
        if rng.random() < 0.12:
            tags.append("poverty_watch")
        if rng.random() < 0.15:
            tags.append("working_away")
        if rng.random() < 0.05:
            tags.append("tenant")
    for member in members:
        if not member["tags"]:
            del member["tags"]
    data = {
        "village": village,
        "group": group,
        "number": number,
        "head": members[0]["name"],
        "phone": members[0].get("phone") or phone(rng),
        "members": members,
    }
    if tags:
        data["tags"] = tags
    return data


def _member(
    rng: random.Random, surname: str | None, born: date, relation: str, tags: list[str]
) -> dict[str, Any]:
    if relation in ("子", "父亲"):
        male = True
    elif relation in ("女", "母亲"):
        male = False
    else:
        male = rng.random() < 0.5
    member = {
        "name": _name(rng, surname),
        "id_number": id_number(rng, born, male),
        "relation": relation,
        "birth_year": born.year,
        "tags": list(tags),
    }
    if born.year < 2008 and rng.random() < 0.7:
        member["phone"] = phone(rng)
    return member


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), CHINA).isoformat()


def _answers(rng: random.Random, template: dict, flag: bool) -> tuple[dict, list[str]]:
    answers: dict = {}
    flagged: list[str] = []
    for item in template["items"]:
        kind = item["type"]
        value: bool | int | str | None
        if kind == "yes_no":
            value = rng.random() < 0.8
        elif kind == "choice":
            value = item["options"][0]["value"]
        elif kind == "number":
            value = rng.randint(1, 5)
        elif kind == "date":
            value = None
        else:
            value = None
        if flag and not flagged and "flag_if" in item and kind == "yes_no":
            value = item["flag_if"]
            flagged.append(item["key"])
        elif kind == "yes_no" and "flag_if" in item and value is item["flag_if"]:
            value = not value
        if value is not None or item.get("required"):
            answers[item["key"]] = value
    return answers, flagged


def populate(
    store: Store, *, today: date | None = None, households: int = 40, seed: int = 2026
) -> dict[str, int]:
    """Write the demo grid into ``store``; returns counts by kind."""
    today = today or date.today()
    rng = random.Random(seed)
    counts = {"household": 0, "visit": 0, "case": 0, "report": 0, "mediator": 0}
    saved_households = [
        store.create("household", household_data(rng, today, n)) for n in range(households)
    ]
    counts["household"] = len(saved_households)
    visited = saved_households[: max(1, households * 2 // 3)]
    visits = _save_visits(store, rng, today, visited)
    counts["visit"] = len(visits)
    mediators = [
        store.roster.save_mediator(
            {"name": name, "standing": standing, "village": village, "phone": tel}
        )
        for name, standing, village, tel in ELDERS
    ]
    counts["mediator"] = len(mediators)
    for data in _cases(rng, today, saved_households, mediators):
        store.create("case", data)
        counts["case"] += 1
    saved_reports = [store.create("report", data) for data in _reports(today, visits)]
    counts["report"] = len(saved_reports)
    # What the township already received and answered (as a sync would leave it).
    sent = saved_households[: households // 2] + visits[: len(visits) // 2] + saved_reports[:4]
    _township_answered(store, today, sent, rejected=saved_reports[4], answered=saved_reports[:4])
    store.meta_set("last_sync_ok", _at(today, 8, 5))
    return counts


def _save_visits(
    store: Store, rng: random.Random, today: date, households: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A visit to each of ``households``, some days ago, a few with a flagged item."""
    templates = builtin_templates()
    visits: list[dict[str, Any]] = []
    for n, household in enumerate(households):
        days_ago = rng.choice((0, 1, 3, 6, 12, 20, 35, 45, 70, 100))
        template = templates[n % len(templates)]
        answers, flagged = _answers(rng, template, flag=n % 7 == 3)
        data = {
            "household_id": household["id"],
            "template_id": template["id"],
            "template_version": template["version"],
            "answers": answers,
            "visited_at": _at(today - timedelta(days=days_ago), 9 + n % 8, 10),
        }
        if flagged:
            data["flagged"] = flagged
            data["follow_up"] = (today + timedelta(days=3)).isoformat()
        visits.append(store.create("visit", data))
    return visits


_REPLIES = [
    ("in_hand", "已转交镇应急办，明天上午派人核查。", "已受理，工作人员将于明日上门核查。"),
    ("done", "燃气公司已更换软管并复查合格。", "隐患已排除，感谢您的反映。"),
    ("returned", "属村内事务，请村委会自行协调。", ""),
    ("accepted", "已受理，等待分派。", "您反映的问题已受理。"),
]


def _township_answered(
    store: Store,
    today: date,
    sent: list[dict[str, Any]],
    *,
    rejected: dict[str, Any],
    answered: list[dict[str, Any]],
) -> None:
    """The service's answers to a push of ``sent`` (one refused), then its replies to reports."""
    results = [{"id": r["id"], "rev": r["rev"], "result": "stored", "error": None} for r in sent]
    results.append(
        {
            "id": rejected["id"],
            "rev": rejected["rev"],
            "result": "rejected",
            "error": "地点过于笼统，请写明组和门牌号。",
        }
    )
    store.mark_synced(results)
    updates = []
    for seq, (record, (status, feedback, public)) in enumerate(
        zip(answered, _REPLIES, strict=False), start=1
    ):
        update = {
            "id": record["id"],
            "kind": "report",
            "rev": record["rev"],
            "status": status,
            "feedback": feedback,
            "handled_by": "镇综治中心",
            "status_at": _at(today - timedelta(days=seq - 1), 16, 30),
            "seq": seq,
        }
        if public:
            update["public_reply"] = public
        updates.append(update)
    store.apply_updates(updates)


def _cases(
    rng: random.Random,
    today: date,
    households: list[dict[str, Any]],
    mediators: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    def party(index: int, role: str) -> dict:
        household = households[index % len(households)]
        member = household["data"]["members"][0]
        found = {
            "name": member["name"],
            "id_number": member["id_number"],
            "role": role,
            "address": f"{household['data']['village']}{household['data']['group']}组",
        }
        if member.get("phone"):
            found["phone"] = member["phone"]
        return found

    def med(m: dict) -> dict:
        return {"id": m["id"], "name": m["name"], "standing": m["standing"]}

    year = today.year
    return [
        {
            "case_no": f"({year})东人调字第12号",
            "parties": [party(1, "申请人"), party(2, "被申请人")],
            "dispute_type": "neighbour",
            "source": "party_applied",
            "summary": "两家因院墙滴水和排水沟走向发生争执，多次口角。",
            "rights_notice_given": True,
            "mediators": [med(mediators[0]), med(mediators[1])],
            "sessions": [
                {
                    "date": (today - timedelta(days=9)).isoformat(),
                    "place": "东河村调解室",
                    "present": ["周德明", "李建国"],
                    "record": "双方陈述各自理由，同意重新修排水沟。",
                    "result": "达成口头意向。",
                }
            ],
            "outcome": "success",
            "agreement": {
                "facts": "院墙滴水流入邻家院内。",
                "terms": "由申请人出资修建排水沟，被申请人配合施工。",
                "performance_manner": "自行履行",
                "performance_deadline": (today + timedelta(days=20)).isoformat(),
            },
            "follow_ups": [{"due": today.isoformat()}],
        },
        {
            "case_no": f"({year})东人调字第13号",
            "parties": [party(4, "申请人"), party(5, "被申请人")],
            "dispute_type": "labour_wage",
            "source": "committee_found",
            "summary": "装修工钱八千元拖欠半年未付。",
            "rights_notice_given": True,
            "mediators": [med(mediators[2])],
            "follow_ups": [{"due": (today - timedelta(days=2)).isoformat()}],
        },
        {
            "case_no": f"({year})东人调字第14号",
            "parties": [party(7, "申请人"), party(8, "被申请人")],
            "dispute_type": "house_homestead",
            "source": "government_referred",
            "summary": "宅基地界址不清，双方各执一词。",
            "mediators": [med(mediators[3]), med(mediators[4])],
        },
        {
            "case_no": f"({year})东人调字第9号",
            "parties": [party(10, "申请人"), party(11, "被申请人")],
            "dispute_type": "marriage_family",
            "source": "party_applied",
            "summary": "赡养老人费用分担。",
            "outcome": "success",
            "closed_at": _at(today - timedelta(days=30), 15),
        },
    ]


def _reports(today: date, visits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    link = {"visit": visits[3]["id"]} if len(visits) > 3 else {}
    return [
        {
            "category": "safety",
            "urgency": "urgent",
            "place": "东河村3组12号",
            "description": "燃气软管老化开裂，有漏气味。",
            "raised_by": "网格员走访发现",
            "links": link,
            "occurred_at": _at(today - timedelta(days=1), 10, 20),
        },
        {
            "category": "safety",
            "urgency": "important",
            "place": "西山村2组",
            "description": "楼道内电动车飞线充电。",
            "occurred_at": _at(today - timedelta(days=2), 14, 0),
        },
        {
            "category": "sanitation",
            "urgency": "normal",
            "place": "桃园村村口",
            "description": "垃圾堆放多日未清运。",
            "occurred_at": _at(today - timedelta(days=3), 9, 30),
        },
        {
            "category": "facilities",
            "urgency": "normal",
            "place": "东河村5组路灯",
            "description": "路灯不亮已一周。",
            "occurred_at": _at(today - timedelta(days=4), 19, 0),
        },
        {
            "category": "dispute",
            "urgency": "normal",
            "place": "西山村",
            "description": "两户因鸡鸭进菜地发生争吵。",
            "occurred_at": _at(today, 8, 40),
        },
        {
            "category": "livelihood",
            "urgency": "normal",
            "place": "东河村1组7号",
            "description": "独居老人申请帮助代缴医保。",
            "closed_on_spot": True,
            "occurred_at": _at(today, 9, 15),
        },
    ]


def demo_photo_png(width: int = 480, height: int = 360) -> bytes:
    """A photo for the demo's evidence, drawn with pypng (the base install has no Pillow): a
    sky, a hill and a road, so a viewer shows something a person recognises as a picture."""
    import io

    import png

    rows = []
    for y in range(height):
        row: list[int] = []
        for x in range(width):
            hill = height * 0.55 - 40 * ((x - width / 2) / width) ** 2 * 4
            road = abs(x - width / 2) < (y - height * 0.55) * 0.6
            if y > height * 0.55 and road:
                rgb = (120, 120, 118)
            elif y > hill:
                rgb = (70, 130 - int(40 * y / height), 60)
            else:
                rgb = (150 + int(60 * y / height), 190 + int(40 * y / height), 235)
            row.extend(rgb)
        rows.append(row)
    out = io.BytesIO()
    png.Writer(width, height, greyscale=False).write(out, rows)
    return out.getvalue()
