"""The staff API calls the console makes that :class:`~gridterm.client.staff.StaffClient` has
no method for yet: the township's departments list and moves that name an assignee.

They belong in ``gridterm/client/staff.py`` (``departments()`` and an ``assignee`` keyword on
``transition``/``bulk_transition``); they are here only because that file was outside this
change.  Each goes through the client's one request path, so errors are the client's typed ones.
"""

from __future__ import annotations

from typing import Any

from gridterm.client.staff import StaffClient


def departments(api: StaffClient) -> list[dict]:
    """``[{"id", "name", "kind"}]``: who the township's records can be assigned to."""
    return api._request("GET", "/departments")["items"]


def _body(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, "")}


def transition(api: StaffClient, record_id: str, to: str, **fields: Any) -> dict:
    """Move one record; ``fields``: reason, feedback, public_reply, assignee."""
    body = {"to": to, **_body(fields)}
    return api._request("POST", f"/records/{record_id}/transition", json=body)


def bulk_transition(api: StaffClient, ids: list[str], to: str, **fields: Any) -> list[dict]:
    """Move several (500 a request); one result per id, as ``StaffClient.bulk_transition``."""
    results: list[dict] = []
    for start in range(0, len(ids), 500):
        body = {"ids": ids[start : start + 500], "to": to, **_body(fields)}
        results.extend(api._request("POST", "/records/bulk-transition", json=body)["results"])
    return results
