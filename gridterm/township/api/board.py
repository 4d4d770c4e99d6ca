"""The village's board, public (docs/village_affairs.md): plain mobile HTML in Chinese.

* ``GET /v/{village}`` — what the village published, newest first, by type and year;
* ``GET /v/n/{NUMBER}`` — one notice: its current version, the history of versions with
  each correction's reason, answered questions, the form to ask; opened from a paper's QR
  code (``?v=&h=&s=``) it first says what the paper is: current, superseded (what changed
  and why) or not genuine;
* ``GET /v/n/{NUMBER}/print`` — the A4 page; ``/qr.svg`` and ``/qr.png`` — the QR code;
* ``POST /v/n/{NUMBER}/questions`` — a resident's question (form post);
* ``GET /v/s/{token}`` and ``POST /v/s/{token}/sign`` — a supervision committee member's page.

Every answer is HTML (never FastAPI's JSON 422): the parameters are read as plain strings
and judged here.  Pages are rate limited per client address (an in-process token bucket),
questions more strictly.  What a page says is :mod:`~gridterm.township.services`'; the HTML
is :mod:`board_html` and its siblings.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from gridterm.township.api import board_forms
from gridterm.township.api.board_html import qr_png, qr_svg
from gridterm.township.api.board_limits import HTML, NO_STORE, limited, root_of
from gridterm.township.api.board_list_html import (
    board_page,
    chooser_page,
    forged_page,
    nothing_page,
)
from gridterm.township.api.board_notice_html import notice_page, print_page
from gridterm.township.api.deps import read_session, service_state
from gridterm.township.services import notice_board, notice_views

router = APIRouter(tags=["public"])
router.include_router(board_forms.router)

_H = {"content": HTML}
BOARD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The village's board, or which township's village", **_H},
    404: {"description": "The village has published nothing", **_H},
    429: {"description": "Rate limited; see Retry-After", **_H},
}
NOTICE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The notice; a scanned paper: current or superseded", **_H},
    404: {"description": "No such notice, or the scanned paper is not genuine", **_H},
    429: BOARD_RESPONSES[429],
}


def base_url(request: Request) -> str:
    return service_state(request).base_url or str(request.base_url).rstrip("/")


def _html(text: str, status: int = 200, **headers: str) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={**NO_STORE, **headers})


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


@router.get("/v/{village}", response_class=HTMLResponse, responses=BOARD_RESPONSES)
def village_board(
    request: Request,
    village: str = Path(description="The village's name as written (URL-encoded)"),
    t: str | None = Query(default=None, description="A township's id (two share the name)"),
    type: str | None = Query(default=None, description="party | village | finance | four_two"),
    year: str | None = Query(default=None, description="A year the notices cover"),
    offset: str | None = Query(default=None, description="Notices to skip (paging)"),
    session: Session = Depends(read_session),
) -> Response:
    if (answer := limited(request)) is not None:
        return answer
    kind = type if type in notice_board.TYPES else None
    chosen_year = _int(year, *notice_board.YEARS)
    skip = _int(offset, 0, 1_000_000) or 0
    township = (t or "")[:64] or None
    board = notice_board.board(
        session, village[:200], township=township, kind=kind, year=chosen_year, offset=skip
    )
    if board is None:
        return _html(nothing_page("village", village=village[:200]), 404)
    if board.township is None:
        return _html(chooser_page(board))
    return _html(board_page(board, kind, chosen_year, skip))


def _found(session: Session, number: str) -> notice_views.NoticePage | None:
    parsed = notice_views.parse_number(number)
    return notice_views.notice_page(session, parsed) if parsed else None


@router.get("/v/n/{number}", response_class=HTMLResponse, responses=NOTICE_RESPONSES)
def notice(
    request: Request,
    number: str = Path(description="The notice's public number"),
    v: str | None = Query(default=None, description="The version on the paper (QR code)"),
    h: str | None = Query(default=None, description="The content hash on the paper"),
    s: str | None = Query(default=None, description="The service's signature"),
    asked: str | None = Query(default=None, description="1: a question was just received"),
    session: Session = Depends(read_session),
) -> Response:
    if (answer := limited(request)) is not None:
        return answer
    found = _found(session, number)
    if found is None:
        scanned = v is not None or h is not None or s is not None
        parsed = notice_views.parse_number(number)
        if scanned and parsed:
            return _html(forged_page(parsed), 404)
        return _html(nothing_page("notice"), 404)
    verdict = notice_views.verdict(session, found, v, h, s)
    payload = notice_views.qr_payload(session, found.current, base_url(request))
    form = board_forms.asked_form(asked)
    text = notice_page(found, payload, root_of(request), verdict, _int(v, 1, 2**31), form)
    return _html(text, 404 if verdict == "forged" else 200)


@router.get(
    "/v/n/{number}/print",
    response_class=HTMLResponse,
    responses={
        200: {"description": "The current version on A4", **_H},
        404: NOTICE_RESPONSES[404],
        429: BOARD_RESPONSES[429],
    },
)
def notice_print(
    request: Request,
    number: str = Path(description="The notice's public number"),
    session: Session = Depends(read_session),
) -> Response:
    if (answer := limited(request)) is not None:
        return answer
    found = _found(session, number)
    payload = notice_views.qr_payload(session, found.current, base_url(request)) if found else None
    if found is None or payload is None:
        return _html(nothing_page("notice"), 404)
    return _html(print_page(found, payload))


_QR = {
    200: {"description": "The current version's QR code", "content": {}},
    404: NOTICE_RESPONSES[404],
    429: BOARD_RESPONSES[429],
}


def _qr(request: Request, session: Session, number: str) -> str | Response:
    if (answer := limited(request)) is not None:
        return answer
    found = _found(session, number)
    payload = notice_views.qr_payload(session, found.current, base_url(request)) if found else None
    if found is None or payload is None:
        return _html(nothing_page("notice"), 404)
    return payload


@router.get(
    "/v/n/{number}/qr.svg",
    responses={**_QR, 200: {**_QR[200], "content": {"image/svg+xml": {}}}},
    response_class=Response,
)
def notice_qr_svg(
    request: Request, number: str = Path(), session: Session = Depends(read_session)
) -> Response:
    payload = _qr(request, session, number)
    if isinstance(payload, Response):
        return payload
    return Response(qr_svg(payload), media_type="image/svg+xml", headers=NO_STORE)


@router.get(
    "/v/n/{number}/qr.png",
    responses={**_QR, 200: {**_QR[200], "content": {"image/png": {}}}},
    response_class=Response,
)
def notice_qr_png(
    request: Request, number: str = Path(), session: Session = Depends(read_session)
) -> Response:
    payload = _qr(request, session, number)
    if isinstance(payload, Response):
        return payload
    return Response(qr_png(payload), media_type="image/png", headers=NO_STORE)
