"""Making a photo ready to travel (issue 16): shrunk with Pillow, else ImageMagick's command,
else as it is — metadata stripped every way, a non-image and a file over the cap refused.

The photos are shaped as a phone's camera writes them (tests/helpers/photos.py): 4000×3000
pixels lying on their side with EXIF orientation 6, the maker, model and software, when and
where they were taken.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zoneinfo

import pytest
from PIL import Image

from gridterm.core import model
from gridterm.core.attachments import magick, pillow
from gridterm.core.attachments.exif import facts
from gridterm.core.attachments.imagefile import exif_block, sniff, strip
from gridterm.core.attachments.prepare import (
    READ_MAX,
    PhotoRefused,
    method,
    prepare_photo,
    read_file,
)
from tests.helpers.photos import camera_jpeg, png

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
HAS_MAGICK = magick.command() is not None


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    return camera_jpeg()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def stands_up(image: Image.Image) -> bool:
    """The camera's top-left block (light) is top-right once turned by orientation 6."""
    width, _ = image.size
    return image.getpixel((width - 3, 3))[0] > 200 and image.getpixel((3, 3))[0] < 200


def no_metadata_but(data: bytes, *allowed: int) -> bool:
    exif = opened(data).getexif()
    return set(exif) <= set(allowed) and b"Xiaomi" not in data and b"MIUI" not in data


@pytest.fixture
def no_pillow(monkeypatch):
    monkeypatch.setattr(pillow, "pillow", lambda: None)


@pytest.fixture
def nothing_to_shrink_with(no_pillow, monkeypatch):
    monkeypatch.setattr(magick, "command", lambda: None)


def test_with_pillow_a_phone_photo_is_small_upright_and_stripped(phone_photo):
    assert method() == "pillow"
    ready = prepare_photo(phone_photo, "IMG_20261125.jpg", allow_location=False, zone=ZONE)
    image = opened(ready.data)
    assert ready.method == "pillow" and ready.type == "image/jpeg"
    assert max(image.size) == 1600 and image.size == (1200, 1600)
    assert stands_up(image)
    assert no_metadata_but(ready.data)  # no orientation either: the pixels stand up
    assert ready.taken_at == "2026-11-25T08:30:00+08:00"
    assert ready.location is None
    assert len(ready.data) < len(phone_photo) / 4


def test_with_pillow_the_gps_stays_only_where_the_officer_allows_it(phone_photo):
    ready = prepare_photo(phone_photo, "a.jpg", allow_location=True, zone=ZONE)
    exif = opened(ready.data).getexif()
    assert set(exif) == {0x8825}  # the GPS block alone
    assert exif.get_ifd(0x8825)[1] == "N"
    assert ready.location["source"] == "gps"
    assert ready.location["lat"] == pytest.approx(29.563, abs=1e-4)
    assert ready.location["lon"] == pytest.approx(106.5516, abs=1e-4)
    model.validate_data(
        "report",
        {
            "category": "safety",
            "urgency": "normal",
            "place": "x",
            "description": "y",
            "location": ready.location,
        },
    )


@pytest.mark.skipif(not HAS_MAGICK, reason="ImageMagick is not installed here")
def test_without_pillow_imagemagick_shrinks_and_strips(phone_photo, no_pillow):
    assert method() == "magick"
    ready = prepare_photo(phone_photo, "IMG.jpg", allow_location=True, zone=ZONE)
    image = opened(ready.data)
    assert ready.method == "magick" and image.size == (1200, 1600)
    assert stands_up(image)
    assert no_metadata_but(ready.data)  # -strip: the GPS too; it travels in the record
    assert ready.location["source"] == "gps"
    assert ready.taken_at == "2026-11-25T08:30:00+08:00"


def test_without_pillow_or_imagemagick_a_photo_goes_as_it_is_stripped_with_a_warning(
    phone_photo, nothing_to_shrink_with
):
    big = camera_jpeg(3000, 2000, seed=9, quality=100)
    assert method() == "as_is"
    ready = prepare_photo(big + b"", "IMG.jpg", allow_location=False, zone=ZONE)
    image = opened(ready.data)
    assert ready.method == "as_is" and image.size == (3000, 2000)  # the pixels untouched
    assert image.tobytes() == opened(big).tobytes()
    assert no_metadata_but(ready.data, 0x0112)  # only the orientation, to stand it up
    assert image.getexif()[0x0112] == 6
    assert ready.location is None and ready.taken_at == "2026-11-25T08:30:00+08:00"
    # A big photo sent as it is says so, with its size.
    heavy = camera_jpeg(4000, 3000, seed=3, quality=100) + os.urandom(1_200_000)
    warned = prepare_photo(heavy, "big.jpg", allow_location=False, zone=ZONE)
    assert warned.warning and "MB" in warned.warning and "big.jpg" in warned.warning


def test_without_pillow_in_a_fresh_interpreter_the_import_failure_is_the_path(tmp_path):
    """Pillow absent for real (its import fails), not a patched function."""
    photo = tmp_path / "p.jpg"
    photo.write_bytes(camera_jpeg(800, 600))
    code = (
        "import sys; sys.modules['PIL'] = None\n"
        "import zoneinfo\n"
        "from gridterm.core.attachments import prepare, magick\n"
        "magick.command = lambda: None\n"
        "ready = prepare.prepare_photo(open(sys.argv[1], 'rb').read(), 'p.jpg',"
        " allow_location=False, zone=zoneinfo.ZoneInfo('UTC'))\n"
        "print(prepare.method(), ready.method, len(ready.data))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(photo)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[:2] == ["as_is", "as_is"]


@pytest.mark.parametrize("way", ["pillow", "magick", "as_is"])
def test_exif_is_stripped_every_way(way, phone_photo, monkeypatch):
    if way == "magick" and not HAS_MAGICK:
        pytest.skip("ImageMagick is not installed here")
    ready = prepare_photo(phone_photo, "a.jpg", allow_location=False, zone=ZONE, way=way)
    block = exif_block(ready.data)
    left = facts(block, ZONE)
    assert left.lat is None and left.taken_at is None
    for secret in (b"Xiaomi", b"Redmi", b"MIUI", b"2026:11:25"):
        assert secret not in ready.data


@pytest.mark.parametrize("way", ["pillow", "magick", "as_is"])
def test_png_text_is_stripped_every_way(way):
    if way == "magick" and not HAS_MAGICK:
        pytest.skip("ImageMagick is not installed here")
    source = png(text="张三的住址")
    assert "张三的住址".encode() in source
    ready = prepare_photo(source, "shot.png", allow_location=False, zone=ZONE, way=way)
    assert "张三的住址".encode() not in ready.data
    opened(ready.data)  # still an image
    assert ready.name == ("shot.png" if way == "as_is" else "shot.jpg")


def test_stripping_keeps_a_webp_readable_without_its_exif():
    image = Image.new("RGB", (50, 40), (1, 2, 3))
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"
    out = io.BytesIO()
    image.save(out, "WEBP", exif=exif.tobytes())
    source = out.getvalue()
    assert b"Xiaomi" in source and sniff(source) == "image/webp"
    clean = strip(source)
    assert b"Xiaomi" not in clean and opened(clean).size == (50, 40)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7\n" + b"x" * 1000, "scan.pdf"),
        (b"GIF89a" + b"\x00" * 100, "anim.gif"),
        ("就是一段文字".encode() * 50, "note.txt"),
        (b"", "empty.jpg"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "torn.jpg"),  # a JPEG's start, then nothing
        (b"PK\x03\x04" + os.urandom(500), "photos.zip"),
    ],
    # named by the file, not its bytes: random bytes in a test's id differ between the
    # parallel workers' collections (pytest-xdist refuses to run then)
    ids=["pdf", "gif", "text", "empty", "torn_jpeg", "zip"],
)
@pytest.mark.parametrize("way", ["pillow", "as_is"])
def test_what_is_not_a_photo_is_refused_with_a_clear_message(data, name, way):
    with pytest.raises(PhotoRefused) as caught:
        prepare_photo(data, name, allow_location=False, zone=ZONE, way=way)
    assert caught.value.key == "evidence.not_an_image"
    assert name in caught.value.message("en")
    assert "JPEG, PNG and WebP" in caught.value.message("en")
    assert "JPEG、PNG或WebP" in caught.value.message("zh_CN")


def test_a_photo_over_the_cap_is_refused(nothing_to_shrink_with):
    over = camera_jpeg(200, 100) + os.urandom(model.ATTACHMENT_BYTES_MAX)
    with pytest.raises(PhotoRefused) as caught:
        prepare_photo(over, "huge.jpg", allow_location=False, zone=ZONE)
    assert caught.value.key == "evidence.too_large"
    message = caught.value.message("en")
    assert "huge.jpg" in message and "10.0 MB" in message


def test_a_file_too_big_to_be_a_photo_is_not_even_read(tmp_path):
    huge = tmp_path / "video.jpg"
    with huge.open("wb") as fh:
        fh.truncate(READ_MAX + 1)  # sparse: no disk used
    with pytest.raises(PhotoRefused) as caught:
        read_file(huge)
    assert caught.value.key == "evidence.too_large"
    with pytest.raises(PhotoRefused) as missing:
        read_file(tmp_path / "nowhere.jpg")
    assert missing.value.key == "evidence.unreadable"
    with pytest.raises(PhotoRefused) as folder:
        read_file(tmp_path)
    assert folder.value.key == "evidence.not_a_file"


def test_broken_exif_never_refuses_a_photo():
    good = camera_jpeg(300, 200, orientation=1, gps=None, taken=None)
    # An APP1 "Exif" segment whose TIFF structure points far past its end.
    junk = b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xf0" + b"\x00" * 20
    segment = b"\xff\xe1" + (len(junk) + 2).to_bytes(2, "big") + junk
    broken = good[:2] + segment + good[2:]
    ready = prepare_photo(broken, "b.jpg", allow_location=True, zone=ZONE, way="as_is")
    assert ready.taken_at is None and ready.location is None
    assert opened(ready.data).size == (300, 200)
