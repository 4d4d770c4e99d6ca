"""The board's forms: a resident's question (``POST /v/n/{NUMBER}/questions``) and the
supervision committee member's page (``GET /v/s/{token}``, ``POST /v/s/{token}/sign``).

Bodies are read by hand (``request.form`` with small limits) rather than by FastAPI's
``Form`` parameters, so that nothing a browser — or anything else — sends gets a JSON 422:
a form that is not one reads as empty, a file as no value, and the page says what is
missing.  Writes run in one worker thread in a write slot (:func:`deps.run_write`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.api.board_limits import HTML, NO_STORE, limited, question_limited, root_of
from gridterm.township.api.board_list_html import nothing_page
from gridterm.township.api.board_notice_html import Form, notice_page
from gridterm.township.api.board_supervisor_html import member_page
from gridterm.township.api.deps import run_write, service_state
from gridterm.township.services import notice_masking, notice_views, questions, supervisors
from gridterm.township.services.errors import (
    CountersignRefused,
    NotFound,
    QuestionRefused,
    ServiceError,
)

router = APIRouter(tags=["public"])

FIELD_MAX = 256 * 1024  # a question is 500 characters; a field far longer is not read
_H = {"content": HTML}


def _body(*fields: str) -> dict[str, Any]:
    """The form a route reads, for /openapi.json."""
    schema = {"type": "object", "properties": {f: {"type": "string"} for f in fields}}
    return {
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "multipart/form-data": {"schema": schema},
            }
        }
    }


async def _fields(request: Request, *names: str) -> dict[str, str] | None:
    """The named text fields of a posted form (missing ones and files read as ""); None
    when the body cannot be read as a form (broken, too many fields, a field too long)."""
    try:
        form = await request.form(max_files=0, max_fields=20, max_part_size=FIELD_MAX)
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        return None
    except (MultiPartException, UnicodeDecodeError, ValueError):
        return None
    return {n: v if isinstance(v := form.get(n), str) else "" for n in names}


def _html(text: str, status: int = 200, **headers: str) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={**NO_STORE, **headers})


def asked_form(asked: str | None) -> Form | None:
    return Form(done=True) if asked == "1" else None


def _ask(sessions: Any, number: str | None, text: str, phone: str) -> str | None:
    """Keep the question; None when kept, else what the resident must be told."""
    if number is None:
        raise NotFound("board.question.no_notice")
    checked = questions.check(text, phone)
    with db.write_session(sessions) as session:
        questions.ask(session, number, checked, db.utcnow())
    return None


def _again(request: Request, number: str, form: Form, status: int) -> HTMLResponse:
    """The notice's page once more, with the form as it was typed and what was wrong."""
    state = service_state(request)
    with state.sessions() as session:
        found = notice_views.notice_page(session, number)
        if found is None:
            return _html(nothing_page("notice"), 404)
        base = state.base_url or str(request.base_url).rstrip("/")
        payload = notice_views.qr_payload(session, found.current, base)
        return _html(notice_page(found, payload, root_of(request), form=form), status)


@router.post(
    "/v/n/{number}/questions",
    response_class=HTMLResponse,
    openapi_extra=_body("text", "phone"),
    responses={
        303: {"description": "Received: back to the notice's page"},
        404: {"description": "No such notice", **_H},
        422: {"description": "The question or the phone number cannot be taken", **_H},
        429: {"description": "Too many questions; see Retry-After", **_H},
    },
)
async def ask(request: Request, number: str = Path(description="The notice's number")) -> Response:
    """A resident's question about a notice: shown publicly once the village answers it."""
    if (answer := question_limited(request)) is not None:
        return answer
    fields = await _fields(request, "text", "phone")
    parsed = notice_views.parse_number(number)
    typed = Form(
        text=(fields or {}).get("text", "")[:2000], phone=(fields or {}).get("phone", "")[:40]
    )
    try:
        if fields is None:
            raise QuestionRefused("unreadable")
        await run_write(request, _ask, parsed, fields["text"], fields["phone"])
    except NotFound:
        return _html(nothing_page("notice"), 404)
    except QuestionRefused as exc:
        form = Form(text=typed.text, phone=typed.phone, problem=exc.message("zh_CN"))
        status = 429 if exc.code == "too_many" else 422
        return await run_in_threadpool(_again, request, parsed or "", form, status)
    return RedirectResponse(f"../{parsed}?asked=1#ask", status_code=303, headers=NO_STORE)


_MEMBER = {
    200: {"description": "The member's page: the village's notices to countersign", **_H},
    404: {"description": "Not a member's link (or a revoked one)", **_H},
    429: {"description": "Rate limited; see Retry-After", **_H},
}


def _member_page(sessions: Any, token: str, message: str) -> tuple[int, str]:
    with sessions() as session:
        member = supervisors.for_token(session, token)
        if member is None:
            return 404, nothing_page("member")
        names = notice_masking.name_pattern(notice_masking.known_names(session, member.township_id))
        items = [
            (item, notice_masking.public_rows((item.record.data or {}).get("items"), names))
            for item in supervisors.notices_for(session, member)
        ]
        return 200, member_page(member, items, token, message)


@router.get("/v/s/{token}", response_class=HTMLResponse, responses=_MEMBER)
def member(
    request: Request,
    token: str = Path(description="The member's link"),
    said: str | None = None,
) -> Response:
    if (answer := limited(request)) is not None:
        return answer
    message = t(f"board.sign.done_{said}", lang="zh_CN") if said in supervisors.DECISIONS else ""
    status, text = _member_page(service_state(request).sessions, token, message)
    return _html(text, status, **{"X-Robots-Tag": "noindex, nofollow"})


def _sign(sessions: Any, token: str, fields: dict[str, str]) -> str:
    with db.write_session(sessions) as session:
        member = supervisors.for_token(session, token)
        if member is None:
            raise NotFound("board.supervisor.not_found")
        try:
            rev = int(fields["rev"])
        except ValueError:
            raise CountersignRefused("rev_moved") from None
        supervisors.countersign(
            session, member, fields["record"], rev, fields["decision"], fields["note"]
        )
    return fields["decision"]


@router.post(
    "/v/s/{token}/sign",
    response_class=HTMLResponse,
    openapi_extra=_body("record", "rev", "decision", "note"),
    responses={
        303: {"description": "Taken: back to the member's page"},
        404: _MEMBER[404],
        409: {"description": "Not taken (already said, a newer rev, not open)", **_H},
        422: {"description": "A field that cannot be taken", **_H},
        429: _MEMBER[429],
    },
)
async def sign(request: Request, token: str = Path(description="The member's link")) -> Response:
    """A member countersigns a notice (``agree``) or objects with a note (``object``)."""
    if (answer := limited(request)) is not None:
        return answer
    fields = await _fields(request, "record", "rev", "decision", "note")
    try:
        if fields is None:
            raise CountersignRefused("unreadable")
        decision = await run_write(request, _sign, token, fields)
    except NotFound:
        return _html(nothing_page("member"), 404)
    except ServiceError as exc:
        status = 409 if isinstance(exc, CountersignRefused) else 422
        sessions = service_state(request).sessions
        _, text = await run_in_threadpool(_member_page, sessions, token, exc.message("zh_CN"))
        return _html(text, status)
    target = f"../{quote(token, safe='')}?said={decision}"
    return RedirectResponse(target, status_code=303, headers=NO_STORE)
