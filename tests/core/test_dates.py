"""Dates and times as officers type them (gridterm.core.dates), without Textual.

Every form the issue lists, read with the UI in each language (what is accepted does not
depend on the language on screen; what is said back does), the township's zone, and the
warnings for implausible dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from gridterm.core import dates
from gridterm.core.dates import plausible, zone
from gridterm.core.i18n import set_language, t

CHINA = zone.township_zone()
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)  # a Wednesday
TODAY = NOW.date()

# (typed, what is stored) — dates
DATES = [
    ("2026-12-15", "2026-12-15"),
    ("2026/12/15", "2026-12-15"),
    ("2026.12.15", "2026-12-15"),
    ("20261215", "2026-12-15"),
    ("2026年12月15日", "2026-12-15"),
    ("12-15", "2026-12-15"),
    ("12/15", "2026-12-15"),
    ("12.15", "2026-12-15"),
    ("12月15日", "2026-12-15"),
    ("12月15号", "2026-12-15"),
    ("十二月十五日", "2026-12-15"),
    ("二〇二六年十二月十五日", "2026-12-15"),
    ("１２月１５日", "2026-12-15"),  # full-width digits from an input method
    ("２０２６／１２／１５", "2026-12-15"),
    ("今天", "2026-11-25"),
    ("明天", "2026-11-26"),
    ("后天", "2026-11-27"),
    ("昨天", "2026-11-24"),
    ("前天", "2026-11-23"),
    ("3天后", "2026-11-28"),
    ("三天后", "2026-11-28"),
    ("2天前", "2026-11-23"),
    ("today", "2026-11-25"),
    ("Tomorrow", "2026-11-26"),
    ("yesterday", "2026-11-24"),
    ("in 3 days", "2026-11-28"),
    ("2 days ago", "2026-11-23"),
    ("15 Dec", "2026-12-15"),
    ("Dec 15", "2026-12-15"),
    ("December 15, 2027", "2027-12-15"),
    ("15号", "2026-11-15"),
    ("  2026-12-15  ", "2026-12-15"),
]

# (typed, what is stored) — times, alone or with a date
MOMENTS = [
    ("14:30", "2026-11-25T14:30:00+08:00"),
    ("14：30", "2026-11-25T14:30:00+08:00"),
    ("9:05", "2026-11-25T09:05:00+08:00"),
    ("14点", "2026-11-25T14:00:00+08:00"),
    ("下午2点半", "2026-11-25T14:30:00+08:00"),
    ("下午两点半", "2026-11-25T14:30:00+08:00"),
    ("下午2点30分", "2026-11-25T14:30:00+08:00"),
    ("上午9点一刻", "2026-11-25T09:15:00+08:00"),
    ("晚上8点", "2026-11-25T20:00:00+08:00"),
    ("中午12点", "2026-11-25T12:00:00+08:00"),
    ("中午1点", "2026-11-25T13:00:00+08:00"),
    ("凌晨3点", "2026-11-25T03:00:00+08:00"),
    ("晚上12点", "2026-11-26T00:00:00+08:00"),
    ("2:30pm", "2026-11-25T14:30:00+08:00"),
    ("2pm", "2026-11-25T14:00:00+08:00"),
    ("12am", "2026-11-25T00:00:00+08:00"),
    ("noon", "2026-11-25T12:00:00+08:00"),
    ("现在", "2026-11-25T10:00:00+08:00"),
    ("now", "2026-11-25T10:00:00+08:00"),
    ("明天下午3点", "2026-11-26T15:00:00+08:00"),
    ("明天 下午3点", "2026-11-26T15:00:00+08:00"),
    ("12月15日下午2点半", "2026-12-15T14:30:00+08:00"),
    ("2026-12-15 14:30", "2026-12-15T14:30:00+08:00"),
    ("2026/12/15 14:30", "2026-12-15T14:30:00+08:00"),
    ("tomorrow 2:30pm", "2026-11-26T14:30:00+08:00"),
    ("3pm tomorrow", "2026-11-26T15:00:00+08:00"),
    ("today 14:30", "2026-11-25T14:30:00+08:00"),
    # a stored time from a device on UTC: read back onto China's clock
    ("2026-11-29T21:28:53+00:00", "2026-11-30T05:28:53+08:00"),
    ("2026-11-29T21:28:53Z", "2026-11-30T05:28:53+08:00"),
    ("2026-11-25T08:00:00+08:00", "2026-11-25T08:00:00+08:00"),
    ("2026-12-15", "2026-12-15"),  # a date alone is a good moment
]


@pytest.fixture(params=["zh_CN", "en"])
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("zh_CN")


@pytest.mark.parametrize(("typed", "stored"), DATES)
def test_every_date_form_is_read_in_both_languages(lang, typed, stored):
    found = dates.understand(typed, NOW, "date")
    assert found is not None and found.stored() == stored
    assert found.at is None
    # and each is a good moment too
    assert dates.understand(typed, NOW, "moment").stored() == stored


@pytest.mark.parametrize(("typed", "stored"), MOMENTS)
def test_every_time_form_is_read_in_both_languages(lang, typed, stored):
    assert dates.understand(typed, NOW, "moment").stored() == stored


@pytest.mark.parametrize(
    ("typed", "zh", "en"),
    [
        ("12-15", "→ 2026年12月15日 周二（20天后）", "→ Tue 15 Dec 2026 (in 20 days)"),
        ("明天", "→ 2026年11月26日 周四（明天）", "→ Thu 26 Nov 2026 (tomorrow)"),
        ("yesterday", "→ 2026年11月24日 周二（昨天）", "→ Tue 24 Nov 2026 (yesterday)"),
        ("下午2点半", "→ 2026年11月25日 周三 14:30（今天）", "→ Wed 25 Nov 2026 14:30 (today)"),
        ("2天前", "→ 2026年11月23日 周一（2天前）", "→ Mon 23 Nov 2026 (2 days ago)"),
    ],
)
def test_what_was_understood_is_said_in_the_language_on_screen(lang, typed, zh, en):
    found = dates.understand(typed, NOW, "moment")
    assert dates.understood_text(found, TODAY) == (zh if lang == "zh_CN" else en)


def test_a_month_and_day_without_a_year_is_the_one_nearest_today():
    december = datetime(2026, 12, 20, 9, 0, tzinfo=CHINA)
    assert dates.understand("1-5", december).stored() == "2027-01-05"
    assert dates.understand("12-1", december).stored() == "2026-12-01"
    january = datetime(2027, 1, 3, 9, 0, tzinfo=CHINA)
    assert dates.understand("12月28日", january).stored() == "2026-12-28"
    # 29 February is found in the year that has one
    assert dates.understand("2-29", datetime(2027, 11, 1, tzinfo=CHINA)).stored() == "2028-02-29"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("2026-02-30", "ux.date.no_such_day"),
        ("2027-02-29", "ux.date.no_such_day"),
        ("13-45", "ux.date.no_such_day"),
        ("25:00", "ux.date.no_such_time"),
        ("14:75", "ux.date.no_such_time"),
        ("下周", "ux.date.unknown_date"),
        ("12/15/2026", "ux.date.unknown_date"),
        ("明天下午", "ux.date.unknown_date"),
        ("14:30", "ux.date.date_only"),
        ("明天下午3点", "ux.date.date_only"),
        ("2026-12-15T14:30:00+08:00", "ux.date.date_only"),
        ("\x00", "ux.date.unknown_date"),
        ("9" * 10_000, "ux.date.unknown_date"),
    ],
)
def test_what_is_no_date_is_refused_with_what_is_accepted(lang, typed, key):
    with pytest.raises(dates.DateTextError) as caught:
        dates.understand(typed, NOW, "date")
    assert caught.value.key == key
    message = str(caught.value)
    assert message and "{" not in message and not message.startswith("ux.")
    if key == "ux.date.unknown_date":
        assert "12-15" in message  # the refusal shows a form that works


def test_a_refused_moment_names_the_time_forms():
    set_language("zh_CN")
    with pytest.raises(dates.DateTextError) as caught:
        dates.understand("下午", NOW, "moment")
    assert caught.value.key == "ux.date.unknown_moment"
    assert "下午2点半" in str(caught.value)


def test_nothing_typed_is_nothing():
    assert dates.understand("", NOW) is None
    assert dates.understand("   ", NOW, "moment") is None


def test_dates_at_the_edges_of_the_calendar():
    assert dates.understand("9999-12-31", NOW).stored() == "9999-12-31"
    assert dates.understand("0001-01-01", NOW).stored() == "0001-01-01"
    assert dates.understand("9999-12-31 23:59", NOW, "moment").stored() == (
        "9999-12-31T23:59:00+08:00"
    )


def test_now_must_carry_its_zone():
    with pytest.raises(ValueError):
        dates.understand("12-15", datetime(2026, 11, 25))


# -- the township's zone ---------------------------------------------------------------------


def test_china_time_is_the_default_and_a_setting_changes_it():
    assert dates.township_zone().utcoffset(NOW.replace(tzinfo=None)) == timedelta(hours=8)
    assert dates.township_zone(None) is not None
    urumqi = dates.township_zone("Asia/Urumqi")
    assert urumqi.utcoffset(datetime(2026, 11, 25)) == timedelta(hours=6)
    assert dates.township_zone("UTC") is timezone.utc
    assert dates.township_zone("+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert dates.township_zone("UTC+8").utcoffset(None) == timedelta(hours=8)


@pytest.mark.parametrize("name", ["Mars/Olympus", "+15:00", "../../etc/passwd", "\x00"])
def test_a_name_that_is_no_zone_is_refused_and_china_time_stays(name):
    assert dates.zone_named(name) is None
    assert dates.township_zone(name).utcoffset(datetime(2026, 1, 1)) == timedelta(hours=8)


def test_china_time_without_a_zone_database(monkeypatch):
    """Some Termux installs have no zone files: China time is still +08:00."""

    def missing(name):
        raise zone.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(zone, "ZoneInfo", missing)
    assert dates.township_zone().utcoffset(None) == timedelta(hours=8)
    assert dates.township_zone("Asia/Shanghai").utcoffset(None) == timedelta(hours=8)


def test_a_utc_clock_is_read_onto_the_townships():
    """The issue's receipt said 21:29 while the resident page said the next day: a time is
    always shown on the township's clock."""
    late = datetime(2026, 11, 29, 21, 29, tzinfo=timezone.utc)
    assert dates.in_zone(late, CHINA).strftime("%Y-%m-%d %H:%M") == "2026-11-30 05:29"
    assert dates.field_text("2026-11-29T21:28:53+00:00", CHINA) == "2026-11-30 05:28"
    assert dates.field_text("2026-12-15", CHINA) == "2026-12-15"
    assert dates.field_text("", CHINA) == ""
    assert dates.moment_text(late, CHINA) == "2026-11-30 05:29"


# -- warnings --------------------------------------------------------------------------------


def test_a_follow_up_before_its_visit_warns(lang):
    visit = date(2026, 11, 25)
    warning = plausible.before(date(2026, 11, 9), visit, "ux.what.visit")
    assert warning is not None and "16" in warning
    assert t("ux.what.visit") in warning
    assert plausible.before(visit, visit, "ux.what.visit") is None
    assert plausible.before(date(2026, 12, 9), visit, "ux.what.visit") is None


def test_a_birth_date_in_the_future_warns(lang):
    assert plausible.in_future(date(2027, 1, 1), TODAY, "ux.what.occurred") is not None
    assert plausible.in_future(TODAY, TODAY, "ux.what.occurred") is None


def test_a_year_far_from_today_warns(lang):
    assert "2062" in plausible.far_away(date(2062, 12, 15), TODAY)
    assert plausible.far_away(date(2027, 3, 1), TODAY) is None
