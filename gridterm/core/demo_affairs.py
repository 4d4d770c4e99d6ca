"""Demo data for the village's affairs (issue 17): a 财务 notice, a village notice and a
四议两公开 matter whose first three steps are recorded — written by `gridterm demo` and the
screenshots (gridterm.devtools.affairs_shots)."""

from __future__ import annotations

FINANCE_NOTICE = {
    "village": "东河村",
    "type": "finance",
    "title": "2026年第三季度村级财务收支公开",
    "body": "经村务监督委员会审核，现将本季度收支公开如下。如有疑问，请向村务监督委员会反映。",
    "period": {"from": "2026-07-01", "to": "2026-09-30"},
    "items": [
        {"item": "上级转移支付", "income": "50000.00", "voucher": "记-001"},
        {"item": "村道维修材料（水泥、砂石）", "spending": "12345.60", "voucher": "记-002"},
        {"item": "保洁员工资7-9月", "spending": "3600.00", "voucher": "记-003"},
    ],
}
VILLAGE_NOTICE = {
    "village": "东河村",
    "type": "village",
    "title": "关于开展冬季消防安全检查的通知",
    "body": "12月1日至12月10日，网格员入户检查用火用电安全，请各户配合。",
    "period": {"from": "2026-12-01", "to": "2026-12-10"},
}
MATTER = {
    "village": "东河村",
    "title": "三组至五组村道硬化",
    "background": "三组至五组村道1.2公里为土路，雨天难行，群众多次反映。",
    "steps": [
        {
            "step": "proposal",
            "date": "2026-11-02",
            "attendees": ["王建国", "李红梅", "赵强"],
            "text": "村党支部提议：硬化三组至五组村道1.2公里。",
        },
        {
            "step": "discussion",
            "date": "2026-11-05",
            "members": 7,
            "present": 7,
            "text": "两委会商议：同意，资金由一事一议财政奖补解决。",
        },
        {
            "step": "review",
            "date": "2026-11-12",
            "members": 42,
            "present": 35,
            "vote": {"for": 33, "against": 1, "abstain": 1},
            "text": "党员大会审议通过。",
        },
    ],
}
