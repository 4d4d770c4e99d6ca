"""The staff console's screenshots are reproducible: inside ``reproducible()`` the clocks, ids,
receipt numbers and demo data repeat exactly from one run to the next, and everything is put
back afterwards.  (The pictures themselves: two runs of ``python -m gridterm.devtools.screenshots``
compared file by file — too slow for the suite.)"""

from __future__ import annotations

import datetime as dt
import os
import uuid

from gridterm.core import demo_data, model, receipts
from gridterm.devtools import staff_screenshots as screenshots
from gridterm.township import db


def one_run() -> dict:
    with screenshots.reproducible():
        # the county's sweep reads the service clock on a timer: off while shooting
        assert os.environ["GRIDTERM_SWEEP_SECONDS"] == "0"
        return {
            "service": [db.utcnow() for _ in range(3)],
            "device": [model.now_iso() for _ in range(2)],
            "ids": [str(uuid.uuid4()) for _ in range(3)],
            "numbers": [receipts.new_number() for _ in range(3)],
        }


def test_two_runs_give_the_same_clocks_ids_and_numbers():
    first, second = one_run(), one_run()
    assert first == second
    start = screenshots.SERVICE_START.astimezone(dt.timezone.utc)
    assert first["service"][0] == start
    assert first["service"][0] < first["service"][1] < first["service"][2]
    assert first["service"][0].tzinfo is not None  # aware UTC, as the service expects
    assert first["device"][0] == screenshots.DEVICE_START.isoformat()
    assert len(set(first["ids"])) == 3
    assert all(uuid.UUID(i).version == 4 for i in first["ids"])
    assert all(receipts.is_valid_number(n) for n in first["numbers"])


def test_everything_put_back_afterwards():
    one_run()
    assert db.utcnow().year != 2026 or db.utcnow() > screenshots.CONSOLE_NOW
    assert uuid.uuid4() != uuid.uuid4()
    assert receipts.new_number() != receipts.new_number()
    assert demo_data.populate.__name__ == "populate"
    assert db.base.dt is dt
