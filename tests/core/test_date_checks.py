"""What typed dates are checked against (gridterm.core.usecases.date_checks), without Pilot."""

from __future__ import annotations

from datetime import date, datetime, timezone

from gridterm.core import dates
from gridterm.core.i18n import set_language
from gridterm.core.usecases import date_checks

CHINA = dates.township_zone()
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)


def test_the_day_of_a_stored_value_is_the_townships():
    assert dates.day_of("2026-12-15", CHINA) == date(2026, 12, 15)
    assert dates.day_of("2026-11-29T21:28:53+00:00", CHINA) == date(2026, 11, 30)
    assert dates.day_of("", CHINA) is None
    assert dates.day_of("nonsense!", CHINA) is None
    assert dates.day_of(None, CHINA) is None


def test_a_visit_day_comes_from_when_it_was_made():
    visit = {"created_at": "2026-11-29T21:00:00+00:00", "data": {}}
    assert date_checks.visit_day(visit, CHINA) == date(2026, 11, 30)
    visit["data"]["visited_at"] = "2026-11-20"
    assert date_checks.visit_day(visit, CHINA) == date(2026, 11, 20)
    assert date_checks.visit_day({"started_at": "2026-11-25T10:00:00+08:00"}, CHINA) == NOW.date()


def test_a_case_follow_up_follows_the_agreement_else_the_last_session():
    case = {"created_at": "2026-11-01T09:00:00+08:00", "data": {}}
    assert date_checks.case_follow_up_floor(case, CHINA) is None
    case["data"]["sessions"] = [{"date": "2026-11-10"}, {"date": "2026-11-18"}, {}]
    assert date_checks.case_follow_up_floor(case, CHINA) == (date(2026, 11, 18), "ux.what.session")
    case["data"]["agreement"] = {"signed_at": "2026-11-20T15:00:00+08:00"}
    assert date_checks.case_follow_up_floor(case, CHINA) == (
        date(2026, 11, 20),
        "ux.what.agreement",
    )


def test_the_checks_warn_only_when_the_date_is_implausible():
    set_language("zh_CN")
    before_visit = date_checks.not_before(date(2026, 11, 25), "ux.what.visit")
    assert "16" in before_visit(dates.understand("11-09", NOW))
    assert before_visit(dates.understand("12-01", NOW)) is None
    assert date_checks.not_before(None, "ux.what.visit")(dates.understand("11-09", NOW)) is None
    in_future = date_checks.not_after(NOW.date(), "ux.what.occurred")
    assert in_future(dates.understand("明天", NOW)) is not None
    assert in_future(dates.understand("今天", NOW)) is None
    late = datetime(2026, 11, 29, 21, 0, tzinfo=timezone.utc)
    assert late.astimezone(CHINA).date() == date(2026, 11, 30)
