"""Attachment content in an S3-compatible object store (MinIO, or a cloud's object storage
with an S3 API), for a county that keeps files there: ``GRIDTERM_ATTACHMENTS=s3://BUCKET/PREFIX``.

The same four calls as the folder store (:class:`~gridterm.township.services.content_store.
ContentStore`), through boto3 (the ``s3`` extra).  Where the store is and who the service is
come from boto3's own settings: ``AWS_ENDPOINT_URL`` (the store's address),
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION`` — or its config
files.  An object is written whole by one PUT, so a reader never sees half of one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO, cast


class S3Store:
    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _status(exc) == 404:
                return False
            raise
        return True

    def put_file(self, key: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, self._key(key))
        path.unlink(missing_ok=True)

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if _status(exc) == 404 or _code(exc) == "NoSuchKey":
                raise FileNotFoundError(key) from None
            raise
        return cast(BinaryIO, _Body(body))

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


class _Body:
    """An object's body as a file to read once (and close)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def read(self, size: int = -1) -> bytes:
        return self._body.read(None if size is None or size < 0 else size)

    def close(self) -> None:
        self._body.close()

    def __enter__(self) -> _Body:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _status(exc: Any) -> int | None:
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def from_spec(spec: str) -> S3Store:
    """``s3://BUCKET/PREFIX`` → the store."""
    rest = spec[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    return S3Store(bucket, prefix)
