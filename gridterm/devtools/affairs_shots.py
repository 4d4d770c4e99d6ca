"""The village affairs' part of the screenshots (``gridterm.devtools.screenshots``): a few
notices and a 四议两公开 matter added to the demo store, and the shots of their screens.

One financial notice is shown as the township published it (number, version and the QR
payload as a pull brings them — the signature a placeholder: nothing here is ever scanned),
one village notice with the township, and a matter whose first three steps are recorded, so its
step form asks for the representatives' vote and shows the two-thirds rule.
"""

from __future__ import annotations

from typing import Any

FINANCE = {
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
VILLAGE = {
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


def prepare(store: Any, enrollment: dict) -> dict:
    """Add the notices and the matter; ``{"notice": …, "matter": …}`` ids for the shots."""
    from gridterm.core import receipts
    from gridterm.core.receipts import notice_print as np
    from gridterm.core.usecases import affairs as uc

    body = "7KQ3MT9W2H"  # a fixed public number, so the picture does not change each run
    number = body + receipts.check_character(body)

    published = uc.save_notice(store, FINANCE)
    store.mark_synced([{"id": published["id"], "rev": published["rev"], "result": "stored"}])
    digest = np.content_hash(published["data"])
    store.apply_updates(
        [
            {
                "id": published["id"],
                "status": "published",
                "notice_number": number,
                "notice_version": 1,
                "published_at": "2026-10-08T09:00:00+08:00",
                "notice_qr": f"{enrollment['service_url']}/v/n/{number}?v=1&h={digest}"
                "&s=DEMOSIGNATURE000",
                "seq": 1,
            }
        ]
    )
    # Sent already: the demo's outbox (and every screen counting it) stays as it was.
    sent = [uc.save_notice(store, VILLAGE), store.create("matter", MATTER)]
    store.mark_synced([{"id": r["id"], "rev": r["rev"], "result": "stored"} for r in sent])
    matter = sent[1]
    return {"notice": published["id"], "matter": matter["id"]}


def shots(shot: Any) -> list:
    """The shots, made with the screenshots' ``Shot`` class (passed in: no import cycle)."""
    return [
        shot("affairs", "affairs"),
        shot("affairs-matters", "affairs", keys=("2",)),
        shot("notice", "notice", lambda ids: {"record_id": ids["notice"]}),
        shot("notice-form", "notice_form", lambda ids: {"correct": ids["notice"]}),
        shot("matter", "matter", lambda ids: {"record_id": ids["matter"]}),
        shot("matter-step", "matter_step", lambda ids: {"matter_id": ids["matter"]}),
    ]
