"""Helpers for the photo sync tests that run the real township service on 127.0.0.1."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from sqlalchemy import func, select

from gridterm.core.attachments.content import Contents
from tests.helpers.photos import sized_jpeg
from tests.sync.conftest import report_data

MB = 1024 * 1024


def held_content(folder: Path) -> dict[str, bytes]:
    """What the service keeps in its attachments folder: ``{sha256: bytes}``."""
    return {
        path.name: path.read_bytes() for path in (folder / "content").rglob("*") if path.is_file()
    }


def content_rows(service) -> int:
    from gridterm.township.db.attachments import AttachmentContent

    with service.sessions() as session:
        return session.execute(select(func.count()).select_from(AttachmentContent)).scalar_one()


def reports_with_photos(
    store, records: int, per_record: int, seed: int, low: int = 1 * MB, high: int = 3 * MB
) -> dict[str, bytes]:
    """``records`` reports with ``per_record`` photos each (``low``…``high`` bytes, as a
    phone without Pillow sends them); returns every photo's bytes by hash."""
    rng = random.Random(seed)
    contents = Contents(store.folder)
    photos: dict[str, bytes] = {}
    with store.batch():
        for n in range(records):
            entries = []
            for k in range(per_record):
                data = sized_jpeg(rng.randint(low, high), seed * 100_000 + n * 100 + k)
                sha = contents.add(data, name=f"IMG_{n}_{k}.jpg", type="image/jpeg", now=NOW)
                photos[sha] = data
                entries.append(
                    {
                        "sha256": sha,
                        "name": f"IMG_{n}_{k}.jpg",
                        "size": len(data),
                        "type": "image/jpeg",
                        "taken_at": None,
                        "where": None,
                        "location": None,
                    }
                )
            record = store.create("report", {**report_data(n), "attachments": entries})
            for entry in entries:
                contents.claim(entry["sha256"], record["id"])
    return photos


def same_bytes(held: dict[str, bytes], sent: dict[str, bytes]) -> bool:
    return held.keys() == sent.keys() and all(
        hashlib.sha256(held[sha]).hexdigest() == sha and held[sha] == sent[sha] for sha in sent
    )


NOW = "2026-11-25T09:00:00+08:00"
