"""The model's specs for photos (``attachments``) and a place (``location``), issue 16.

Both the device and the service validate with these; the values at the edges here are the
shapes docs/evidence.md promises (and what a hostile client might send instead).
"""

from __future__ import annotations

import pytest

from gridterm.core import model

SHA = "0123456789abcdef" * 4


def report(**extra) -> dict:
    return {
        "category": "safety",
        "urgency": "normal",
        "place": "青山村三组",
        "description": "电动车在楼道飞线充电。",
        **extra,
    }


def photo(**extra) -> dict:
    return {
        "sha256": SHA,
        "name": "IMG_0001.jpg",
        "size": 123456,
        "type": "image/jpeg",
        "taken_at": "2026-11-25T08:00:00+08:00",
        "where": None,
        "location": None,
        **extra,
    }


def problems(kind: str, data: dict) -> dict[str, str]:
    with pytest.raises(model.ValidationError) as caught:
        model.validate_data(kind, data)
    return {e.field: e.key for e in caught.value.errors}


def case(**extra) -> dict:
    return {
        "parties": [{"name": "张三"}],
        "dispute_type": "neighbour",
        "source": "party_applied",
        "summary": "宅基地边界。",
        "sessions": [{"date": "2026-11-20", "record": "第一次调解。"}],
        "follow_ups": [{"due": "2026-12-20"}],
        **extra,
    }


def test_a_report_with_photos_and_a_gps_place_is_kept_as_sent():
    location = {
        "lat": 29.56,
        "lon": 106.55,
        "accuracy_m": 8,
        "source": "gps",
        "place": "",
        "at": "2026-11-25T08:00:00+08:00",
    }
    data = model.validate_data("report", report(attachments=[photo()], location=location))
    assert data["attachments"][0]["sha256"] == SHA
    assert data["location"]["accuracy_m"] == 8.0  # a JSON integer is a number too


def test_a_typed_place_needs_its_name_not_a_point():
    data = model.validate_data(
        "visit",
        {
            "household_id": "h1",
            "template_id": "t",
            "template_version": 1,
            "answers": {"gas": True},
            "location": {"source": "typed", "place": "村口大槐树"},
        },
    )
    assert data["location"]["place"] == "村口大槐树"
    assert problems("report", report(location={"source": "typed", "place": ""})) == {
        "data.location.place": "model.required"
    }


@pytest.mark.parametrize(
    ("location", "field", "key"),
    [
        ({"lat": 90.0001, "lon": 0, "source": "gps"}, "data.location.lat", "model.too_big"),
        ({"lat": 0, "lon": -180.5, "source": "gps"}, "data.location.lon", "model.too_small"),
        ({"lat": 10, "source": "gps"}, "data.location.lon", "model.location_half"),
        ({"lon": 10, "source": "typed", "place": "x"}, "data.location.lat", "model.location_half"),
        ({"source": "gps", "place": "村口"}, "data.location.lat", "model.location_gps_needs_point"),
        ({"lat": "30", "lon": 1, "source": "gps"}, "data.location.lat", "model.not_number"),
        ({"lat": True, "lon": 1, "source": "gps"}, "data.location.lat", "model.not_number"),
        ({"lat": float("inf"), "lon": 1, "source": "gps"}, "data.location.lat", "model.not_number"),
        ({"lat": 1, "lon": 1, "source": "wifi"}, "data.location.source", "model.bad_code"),
        (
            {"lat": 1, "lon": 1, "source": "gps", "accuracy_m": -1},
            "data.location.accuracy_m",
            "model.too_small",
        ),
        (
            {"lat": 1, "lon": 1, "source": "gps", "at": "2026-11-25"},
            "data.location.at",
            "model.bad_datetime",
        ),
        ({"lat": 1, "lon": 1, "source": "gps", "x": 1}, "data.location.x", "model.unknown_field"),
        ("村口", "data.location", "model.not_object"),
    ],
)
def test_a_bad_place_is_named(location, field, key):
    assert problems("report", report(location=location))[field] == key


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"sha256": SHA.upper()}, "data.attachments[0].sha256", "model.bad_sha256"),
        ({"sha256": SHA[:-1]}, "data.attachments[0].sha256", "model.bad_sha256"),
        ({"sha256": None}, "data.attachments[0].sha256", "model.required"),
        ({"name": ""}, "data.attachments[0].name", "model.required"),
        ({"name": "x" * 201}, "data.attachments[0].name", "model.too_long"),
        ({"name": "a\x00b.jpg"}, "data.attachments[0].name", "model.control_chars_line"),
        ({"size": 0}, "data.attachments[0].size", "model.too_small"),
        ({"size": model.ATTACHMENT_BYTES_MAX + 1}, "data.attachments[0].size", "model.too_big"),
        ({"size": 2**63}, "data.attachments[0].size", "model.too_big"),
        ({"type": "image/gif"}, "data.attachments[0].type", "model.bad_code"),
        ({"type": "application/pdf"}, "data.attachments[0].type", "model.bad_code"),
        ({"taken_at": "yesterday"}, "data.attachments[0].taken_at", "model.bad_datetime"),
        ({"where": {"item": "gas"}}, "data.attachments[0].where", "model.where_not_here"),
        ({"where": {"room": 1}}, "data.attachments[0].where", "model.bad_where"),
        ({"where": {"session": 0, "item": "x"}}, "data.attachments[0].where", "model.bad_where"),
        ({"extra": 1}, "data.attachments[0].extra", "model.unknown_field"),
    ],
)
def test_a_bad_photo_entry_is_named(change, field, key):
    assert problems("report", report(attachments=[photo(**change)]))[field] == key


def test_at_most_twenty_photos_and_each_once():
    many = [photo(sha256=f"{n:064x}") for n in range(model.ATTACHMENTS_MAX + 1)]
    assert problems("report", report(attachments=many)) == {"data.attachments": "model.too_many"}
    twice = [photo(), photo(name="again.jpg")]
    assert problems("report", report(attachments=twice)) == {
        "data.attachments[1].sha256": "model.attachment_twice"
    }


def test_a_case_photo_belongs_to_a_session_or_follow_up_it_has():
    ok = case(
        attachments=[
            photo(sha256="1" * 64, where={"session": 0}),
            photo(sha256="2" * 64, where={"follow_up": 0}),
            photo(sha256="3" * 64),
        ]
    )
    assert len(model.validate_data("case", ok)["attachments"]) == 3
    bad = case(
        attachments=[
            photo(sha256="1" * 64, where={"session": 1}),
            photo(sha256="2" * 64, where={"follow_up": -1}),
            photo(sha256="3" * 64, where={"item": "gas"}),
        ]
    )
    assert problems("case", bad) == {
        "data.attachments[0].where": "model.where_missing",
        "data.attachments[1].where.follow_up": "model.bad_where",
        "data.attachments[2].where": "model.where_not_here",
    }


def test_a_visit_photo_belongs_to_an_item():
    data = {
        "household_id": "h1",
        "template_id": "t",
        "template_version": 1,
        "answers": {"gas": True},
        "attachments": [photo(where={"item": "gas"})],
    }
    assert model.validate_data("visit", data)["attachments"][0]["where"] == {"item": "gas"}
    data["attachments"] = [photo(where={"session": 0})]
    assert problems("visit", data) == {"data.attachments[0].where": "model.where_not_here"}


def test_households_carry_no_photos():
    data = {"village": "青山村", "head": "王大", "attachments": [photo()]}
    assert problems("household", data) == {"data.attachments": "model.unknown_field"}


def test_messages_name_the_photo_and_the_field_in_both_languages():
    with pytest.raises(model.ValidationError) as caught:
        model.validate_data("report", report(attachments=[photo(type="image/gif")]))
    assert "Photo 1" in caught.value.message("en")
    assert "照片1" in caught.value.message("zh_CN")
    assert model.validate_field("report", "location.lat", 95, lang="en") == (
        "Location › Latitude must be at most 90."
    )


def test_a_photo_place_follows_the_same_rules():
    bad = photo(location={"source": "gps", "lat": 30})
    assert problems("report", report(attachments=[bad])) == {
        "data.attachments[0].location.lon": "model.location_half"
    }


def test_a_place_is_a_plain_object_so_every_walk_of_the_specs_reaches_its_time():
    # The service's bounds and the label test walk ``object`` specs only.
    assert model.LOCATION.type == "object"
    assert model.ATTACHMENT.fields["location"] is model.LOCATION
