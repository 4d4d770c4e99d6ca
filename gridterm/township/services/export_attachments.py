"""What an export says of a record's photos and place (issue 16): the photos' names and
links to them on the service, never their bytes (a photo in every row made exports 40 times
larger elsewhere); the place as words and coordinates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gridterm.core.i18n import t
from gridterm.township.services.attachments import named_in, staff_path

SEP = "、"
LINKS_KEY = "attachments"


def with_links(
    rows: Iterable[dict[str, Any]], base_url: str, removed: frozenset[str] = frozenset()
) -> Iterator[dict[str, Any]]:
    """Each export row with ``attachments``: ``[{"name", "sha256", "url", "removed"}]`` of the
    photos its data names, ``url`` on the service at ``base_url`` (staff sign in to open it);
    ``removed`` for a photo the township removed (retention, erasure), which has no link."""
    base = base_url.rstrip("/")
    for row in rows:
        data = row.get("data")
        if not isinstance(data, dict):
            data = {}
        names = _names(data)
        row[LINKS_KEY] = [
            {
                "name": names.get(sha, ""),
                "sha256": sha,
                "url": "" if sha in removed else base + staff_path(sha),
                "removed": sha in removed,
            }
            for sha in named_in(data)
        ]
        yield row


def _names(data: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    items = data.get("attachments")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("sha256"), str):
            out.setdefault(item["sha256"], str(item.get("name") or ""))
    return out


def names_cell(row: dict[str, Any]) -> str:
    return SEP.join(_name(a) for a in row.get(LINKS_KEY) or [])


def _name(item: dict[str, Any]) -> str:
    name = item["name"] or item["sha256"][:12]
    if not item.get("removed"):
        return name
    # The export's own language, as its headers (export_columns.LANG, which imports this).
    return t("evidence_service.export.removed", lang="zh_CN", name=name)


def links_cell(row: dict[str, Any]) -> str:
    return "\n".join(a["url"] for a in row.get(LINKS_KEY) or [] if a["url"])
