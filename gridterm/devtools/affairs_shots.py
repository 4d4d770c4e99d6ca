"""The village affairs' part of the screenshots (``gridterm.devtools.screenshots``): a few
notices and a 四议两公开 matter added to the demo store, and the shots of their screens.

One financial notice is shown as the township published it (number, version and the QR
payload as a pull brings them — the signature a placeholder: nothing here is ever scanned),
one village notice with the township, and a matter whose first three steps are recorded, so its
step form asks for the representatives' vote and shows the two-thirds rule.
"""

from __future__ import annotations

from typing import Any

from gridterm.core.demo_affairs import FINANCE_NOTICE as FINANCE
from gridterm.core.demo_affairs import MATTER
from gridterm.core.demo_affairs import VILLAGE_NOTICE as VILLAGE


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
