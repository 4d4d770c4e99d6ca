"""An httpx client for the township's staff API (docs/staff_api.md).  No UI.

Every failure is a typed :class:`StaffError` whose text is one sentence in the user's language:
the service could not be reached, the token was refused, the record is gone, or the service's
own reason (it answers in the language we ask for with ``Accept-Language``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from gridterm.client.errors import service_detail
from gridterm.client.urls import normalize_url as _normalize
from gridterm.core.errors import GridtermError
from gridterm.core.i18n import get_language

API = "/api/v1/staff"


class StaffError(GridtermError):
    key = "staff.error.generic"


class StaffUnreachable(StaffError):
    key = "staff.error.unreachable"


class StaffAuthError(StaffError):
    key = "staff.error.token"


class StaffNotFound(StaffError):
    key = "staff.error.not_found"


class StaffRefused(StaffError):
    """The service said no (409 a transition the workflow does not allow, 422 a missing reason…)."""

    key = "staff.error.refused"

    def __init__(self, key: str | None = None, /, *, code: str = "", **params: object) -> None:
        super().__init__(key, **params)
        self.code = code


def normalize_url(url: str) -> str:
    """The service address as typed by staff (gridterm.client.urls has the rule)."""
    return _normalize(url, lambda bad: StaffError("staff.error.bad_url", url=bad))


class StaffClient:
    """One staff member's session with one service.  Safe to use from one thread at a time;
    the console makes a client per worker thread with :meth:`clone`."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = normalize_url(url)
        self.token = token
        self._timeout = timeout
        self._transport = transport
        self._http: httpx.Client | None = None

    # -- plumbing ----------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept-Language": "zh-CN" if get_language() == "zh_CN" else "en",
        }

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                base_url=self.url,
                timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 10.0)),
                transport=self._transport,
            )
        return self._http

    def clone(self) -> StaffClient:
        return StaffClient(self.url, self.token, timeout=self._timeout, transport=self._transport)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> StaffClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        detail, code = service_detail(response)
        if response.status_code in (401, 403):
            raise StaffAuthError(url=self.url, detail=detail)
        if response.status_code == 404:
            raise StaffNotFound(detail=detail)
        raise StaffRefused(code=code, status=response.status_code, detail=detail)

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, API + path, headers=self._headers(), **kwargs)
        except httpx.HTTPError as exc:
            raise StaffUnreachable(url=self.url, detail=type(exc).__name__) from None
        self._check(response)
        try:
            return response.json()
        except ValueError:
            raise StaffError("staff.error.bad_answer", url=self.url) from None

    # -- the API -----------------------------------------------------------------------------
    def me(self) -> dict:
        return self._request("GET", "/me")

    def grids(self) -> list[dict]:
        return self._request("GET", "/grids")["items"]

    def records(self, *, limit: int = 200, offset: int = 0, **filters: Any) -> dict:
        """A page ``{"total", "items", "next_cursor", …}``; filters as in the API (``kind``,
        ``status``, ``grid``, ``overdue`` (bool), ``q``, ``tier``, ``level``, ``supervised``,
        ``township`` …); ``None`` and ``""`` are left out; a list or tuple is several values
        (the parameter repeated)."""
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        for name, value in filters.items():
            if value is None or value == "" or value == [] or value == ():
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (list, tuple)):
                value = list(value)
            params[name] = value
        return self._request("GET", "/records", params=params)

    def record(self, record_id: str) -> dict:
        return self._request("GET", f"/records/{record_id}")

    @staticmethod
    def _fields(**fields: str | None) -> dict[str, str]:
        return {k: v for k, v in fields.items() if v not in (None, "")}

    def transition(
        self,
        record_id: str,
        to: str,
        *,
        reason: str | None = None,
        feedback: str | None = None,
        public_reply: str | None = None,
        assignee: str | None = None,
        department: str | None = None,
        rev: int | None = None,
    ) -> dict:
        """Move one record; ``assignee`` names a department or person of the township's list
        (``departments()``) on a move to assigned, ``department`` a county department on the
        county's move to county_assigned; ``rev``, the rev read (a notice being published:
        refused when the officer has sent a newer one since)."""
        fields: dict[str, object] = {
            **self._fields(
                reason=reason,
                feedback=feedback,
                public_reply=public_reply,
                assignee=assignee,
                department=department,
            )
        }
        if rev is not None:
            fields["rev"] = rev
        return self._request("POST", f"/records/{record_id}/transition", json={"to": to, **fields})

    def set_tier(self, record_id: str, tier: str, reason: str) -> dict:
        """Set a record's risk tier (red, yellow, green) by hand; the reason is required."""
        body = {"tier": tier, "reason": reason}
        return self._request("POST", f"/records/{record_id}/tier", json=body)

    def supervise(self, record_id: str, deadline: str, note: str | None = None) -> dict:
        """督办: the county puts an open record under supervision until ``deadline``
        (``YYYY-MM-DD``)."""
        body = {"deadline": deadline, **self._fields(note=note)}
        return self._request("POST", f"/records/{record_id}/supervise", json=body)

    def summary(self, start: str, end: str) -> dict:
        """The county view's figures per township (and per village of a leader) from ``start``
        to ``end`` (``YYYY-MM-DD``, both days in)."""
        return self._request("GET", "/summary", params={"from": start, "to": end})

    def weekly(self, weeks: int = 12) -> dict:
        """Overdue items and settled-in-village % per township, week by week (1–52 weeks)."""
        return self._request("GET", "/summary/weekly", params={"weeks": weeks})

    def departments(self) -> list[dict]:
        """``[{"id", "name", "kind"}]``: who the township's records can be assigned to."""
        return self._request("GET", "/departments")["items"]

    def feedback(
        self, record_id: str, *, feedback: str | None = None, public_reply: str | None = None
    ) -> dict:
        body = self._fields(feedback=feedback, public_reply=public_reply)
        return self._request("POST", f"/records/{record_id}/feedback", json=body)

    def comment(self, record_id: str, text: str) -> dict:
        return self._request("POST", f"/records/{record_id}/comments", json={"text": text})

    def bulk_transition(
        self,
        ids: list[str],
        to: str,
        *,
        reason: str | None = None,
        feedback: str | None = None,
        public_reply: str | None = None,
        assignee: str | None = None,
        department: str | None = None,
    ) -> list[dict]:
        """One result per id: ``{"id", "ok", "status", "code", "detail"}`` (at most 500 ids
        per request; longer lists go in several)."""
        results: list[dict] = []
        extra = self._fields(
            reason=reason,
            feedback=feedback,
            public_reply=public_reply,
            assignee=assignee,
            department=department,
        )
        for start in range(0, len(ids), 500):
            body = {"ids": ids[start : start + 500], "to": to, **extra}
            results.extend(self._request("POST", "/records/bulk-transition", json=body)["results"])
        return results

    def attachment(self, sha256: str, *, thumb: bool = False) -> tuple[bytes, str]:
        """A photo a record of this township names, and its media type; ``thumb``: the small
        JPEG the service makes for the console (or the photo itself where it cannot)."""
        params = {"size": "thumb"} if thumb else None
        try:
            response = self.http.get(
                f"{API}/attachments/{sha256}", params=params, headers=self._headers()
            )
        except httpx.HTTPError as exc:
            raise StaffUnreachable(url=self.url, detail=type(exc).__name__) from None
        self._check(response)
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        return response.content, kind

    # -- the village's affairs (docs/village_affairs.md) ----------------------------------------
    def questions(
        self, *, state: str = "open", village: str | None = None, limit: int = 200, offset: int = 0
    ) -> dict:
        """A page ``{"total", "items", …}`` of residents' questions about published notices:
        ``state`` open (oldest first), answered, dismissed or all (newest first)."""
        params = {"state": state, "limit": limit, "offset": offset, **self._fields(village=village)}
        return self._request("GET", "/questions", params=params)

    def answer_question(self, question_id: str, answer: str) -> dict:
        """The village's answer: public at once, beside the question (once; 409 after)."""
        return self._request("POST", f"/questions/{question_id}/answer", json={"answer": answer})

    def dismiss_question(self, question_id: str, reason: str) -> dict:
        """Set a question aside (never shown, no longer owed), with the reason why."""
        return self._request("POST", f"/questions/{question_id}/dismiss", json={"reason": reason})

    def supervisors(self) -> list[dict]:
        """The township's village supervision committee members (村务监督委员会)."""
        return self._request("GET", "/supervisors")["items"]

    def enroll_supervisor(self, village: str, name: str, phone: str = "") -> dict:
        """A new member; the answer's ``link`` is their personal page, given this once."""
        body = {"village": village, "name": name, "phone": phone}
        return self._request("POST", "/supervisors", json=body)

    def revoke_supervisor(self, supervisor_id: str) -> dict:
        """End a member's link (their countersignatures stay)."""
        return self._request("POST", f"/supervisors/{supervisor_id}/revoke")

    def export(
        self,
        fmt: str,
        path: str | os.PathLike[str],
        *,
        since: str | None = None,
        kind: str | None = None,
        progress: Callable[[int, int | None, int | None], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """Stream the export into ``path`` (written as ``path.part``, fsynced, renamed when
        whole).  ``progress(bytes_done, bytes_total, record_count)`` is called per block.
        Returns the number of records (the ``X-Record-Count`` header)."""
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        params = {"format": fmt, **self._fields(since=since, kind=kind)}
        try:
            with self.http.stream(
                "GET",
                API + "/export",
                params=params,
                headers=self._headers(),
                timeout=httpx.Timeout(self._timeout, read=600.0),
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    self._check(response)
                total = response.headers.get("Content-Length")
                count = response.headers.get("X-Record-Count")
                total_bytes = int(total) if total and total.isdigit() else None
                records = int(count) if count and count.isdigit() else None
                done = 0
                if progress:
                    progress(0, total_bytes, records)
                with open(partial, "wb") as fh:
                    for block in response.iter_bytes():
                        if cancelled and cancelled():
                            raise StaffError("staff.export.cancelled")
                        fh.write(block)
                        done += len(block)
                        if progress:
                            progress(done, total_bytes, records)
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(partial, target)
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            raise StaffUnreachable(url=self.url, detail=type(exc).__name__) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return records if records is not None else 0
