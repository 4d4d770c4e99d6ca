"""Attaching photos to a record, and taking one off before it is sent.  No UI here: the
forms, the visit's walk, the case's parts and ``gridterm attach`` all call these.

A photo is kept in the content store the moment it is attached (so a form left open by a
flat battery loses no photo); it is named by a record when the record is saved, and sent by
sync after that record.  What a record holds of it is one ``attachments`` entry
(gridterm.core.model ``ATTACHMENT``): the hash, name, size, type, when it was taken, which
part of the record it belongs to, and maybe where it was taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from gridterm.core import model
from gridterm.core.attachments.content import Contents
from gridterm.core.attachments.prepare import PhotoRefused, Prepared, prepare_photo, read_file
from gridterm.core.attachments.settings import photo_settings
from gridterm.core.store.errors import RecordNotFound

KINDS_WITH_PHOTOS = ("report", "visit", "case")


@dataclass
class Attached:
    entry: dict[str, Any]  # the record's attachments entry
    method: str  # how it was shrunk: pillow | magick | as_is
    warning: str | None  # a sentence for the officer (sent as it is, and its size)


def contents_of(store: Any) -> Contents:
    """The photo files beside an open store."""
    return Contents(store.folder)


def photo_entry(prepared: Prepared, sha: str, where: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "sha256": sha,
        "name": prepared.name,
        "size": len(prepared.data),
        "type": prepared.type,
        "taken_at": prepared.taken_at,
        "where": dict(where) if where else None,
        "location": prepared.location,
    }


def add_photo(
    contents: Contents,
    data: bytes,
    name: str,
    *,
    allow_location: bool,
    zone: tzinfo,
    now: str,
    where: Mapping[str, Any] | None = None,
    record: str | None = None,
    taken_now: bool = False,
) -> Attached:
    """Shrink ``data``, keep it on the device and return its entry; raises PhotoRefused.

    ``taken_now``: the camera just took it (its time is now when the file does not say).
    """
    prepared = prepare_photo(data, name, allow_location=allow_location, zone=zone)
    if taken_now and prepared.taken_at is None:
        prepared.taken_at = now
    sha = contents.add(
        prepared.data, name=prepared.name, type=prepared.type, now=now, record=record
    )
    return Attached(photo_entry(prepared, sha, where), prepared.method, prepared.warning)


def add_file(
    contents: Contents,
    path: str | Path,
    *,
    allow_location: bool,
    zone: tzinfo,
    now: str,
    where: Mapping[str, Any] | None = None,
    record: str | None = None,
) -> Attached:
    data = read_file(path)
    return add_photo(
        contents,
        data,
        Path(path).name,
        allow_location=allow_location,
        zone=zone,
        now=now,
        where=where,
        record=record,
    )


def with_photos(
    entries: Sequence[Mapping[str, Any]], added: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """``entries`` and then ``added``, each content once (attaching a photo twice keeps one)."""
    result = [dict(e) for e in entries]
    seen = {e.get("sha256") for e in result}
    for entry in added:
        if entry.get("sha256") not in seen:
            seen.add(entry.get("sha256"))
            result.append(dict(entry))
    return result


def attach_files(
    store: Any,
    record_id: str,
    paths: Sequence[str | Path],
    *,
    now: str,
    zone: tzinfo,
    where: Mapping[str, Any] | None = None,
) -> list[Attached]:
    """Attach the files at ``paths`` to a saved record (one new rev), to the part ``where``
    says (None: the record itself); raises PhotoRefused (nothing is saved when one of them
    cannot be attached), RecordNotFound, or the model's ValidationError (no such part)."""
    record = store.get(record_id)
    if record is None:
        raise RecordNotFound(id=record_id)
    if record.get("kind") not in KINDS_WITH_PHOTOS:
        raise PhotoRefused("evidence.kind_has_no_photos", kind=model.label("kind", record["kind"]))
    data = dict(record.get("data") or {})
    existing = list(data.get("attachments") or [])
    if len(existing) + len(paths) > model.ATTACHMENTS_MAX:
        raise PhotoRefused("evidence.too_many", max=model.ATTACHMENTS_MAX, have=len(existing))
    settings = photo_settings(store)
    contents = contents_of(store)
    attached = [
        add_file(
            contents,
            path,
            allow_location=settings.allow_location,
            zone=zone,
            now=now,
            where=where,
            record=record_id,
        )
        for path in paths
    ]
    data["attachments"] = with_photos(existing, (a.entry for a in attached))
    store.update(record_id, data=data)
    return attached


def claim(contents: Contents, record: Mapping[str, Any]) -> None:
    """After a record is saved: each of its photos now waits for that record."""
    for entry in (record.get("data") or {}).get("attachments") or []:
        sha = entry.get("sha256") if isinstance(entry, dict) else None
        if isinstance(sha, str) and len(sha) == 64:
            try:
                contents.claim(sha, record["id"])
            except ValueError:
                continue


def removable(contents: Contents, entry: Mapping[str, Any]) -> bool:
    """A photo may be taken off a record until the service has it."""
    sha = entry.get("sha256")
    try:
        return isinstance(sha, str) and not contents.is_sent(sha)
    except ValueError:
        return True  # not a photo this device could ever send


def without(entries: Sequence[Mapping[str, Any]], sha: str) -> list[dict[str, Any]]:
    return [dict(e) for e in entries if e.get("sha256") != sha]


def photos_of(entries: Iterable[Mapping[str, Any]], where: Mapping[str, Any] | None) -> list[int]:
    """The indexes of the photos that belong to ``where`` (None: the record itself)."""
    wanted = dict(where) if where else None
    return [i for i, e in enumerate(entries) if (e.get("where") or None) == wanted]
