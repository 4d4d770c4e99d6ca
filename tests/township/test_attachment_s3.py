"""Attachment content in an S3-compatible object store instead of a folder: the same upload,
resume and staff reads through the real service, with the objects in a real S3 API served on
127.0.0.1 (moto's server — the API MinIO and the clouds' object stores speak)."""

from __future__ import annotations

import boto3
import pytest
from moto.server import ThreadedMotoServer

from gridterm.township.services.content_store import content_key, thumb_key
from gridterm.township.services.s3_store import S3Store
from tests.township._staff import make_township
from tests.township.test_attachment_staff import photo, with_photos
from tests.township.test_attachment_upload import CHUNK, put, sha, status

BUCKET = "county-evidence"


@pytest.fixture
def s3(monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "gridterm")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "gridterm-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    try:
        yield client
    finally:
        server.stop()


@pytest.fixture
def s3_service(s3, fresh_db_url, live_service_for_db):
    with live_service_for_db(fresh_db_url, attachments=f"s3://{BUCKET}/gridterm") as svc:
        yield svc


def test_uploads_resume_and_land_in_the_bucket(s3, s3_service):
    tw = make_township(s3_service)
    assert isinstance(s3_service.app.state.gridterm.evidence.store, S3Store)
    data = photo(1600, 1200)
    data += b"\x00" * max(0, CHUNK * 2 + 100 - len(data))  # at least three chunks
    with_photos(tw, data)
    assert put(tw.device, data, 0, CHUNK - 1).status_code == 200
    assert status(tw.device, sha(data))[sha(data)]["received"] == CHUNK
    assert put(tw.device, data, 0, CHUNK - 1).json()["received"] == CHUNK  # 409: resume here
    assert put(tw.device, data, CHUNK, 2 * CHUNK - 1).status_code == 200
    last = put(tw.device, data, 2 * CHUNK, len(data) - 1)
    assert last.json()["complete"] is True
    stored = s3.get_object(Bucket=BUCKET, Key="gridterm/" + content_key(sha(data)))
    assert stored["Body"].read() == data
    # Staff read it back, and its thumbnail is kept in the bucket too.
    assert tw.staff.get(f"/api/v1/staff/attachments/{sha(data)}").content == data
    thumb = tw.staff.get(f"/api/v1/staff/attachments/{sha(data)}", params={"size": "thumb"})
    assert thumb.headers["content-type"] == "image/jpeg" and len(thumb.content) < len(data)
    key = "gridterm/" + thumb_key(sha(data), 480)
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == thumb.content


def test_the_s3_store_answers_like_the_folder_store(s3, tmp_path):
    store = S3Store(BUCKET, "t")
    assert not store.exists("content/aa/bb/x")
    with pytest.raises(FileNotFoundError):
        store.open("content/aa/bb/x")
    source = tmp_path / "part"
    source.write_bytes(b"\xff\xd8\xff" + b"1" * 10)
    store.put_file("content/aa/bb/x", source)
    assert not source.exists()  # the store owns it now
    assert store.exists("content/aa/bb/x")
    with store.open("content/aa/bb/x") as fh:
        assert fh.read(3) == b"\xff\xd8\xff" and fh.read() == b"1" * 10
    store.delete("content/aa/bb/x")
    store.delete("content/aa/bb/x")  # twice: nothing happens
    assert not store.exists("content/aa/bb/x")
