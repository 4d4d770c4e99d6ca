"""The client index: gridterm and its dependencies for phones that reach only the township.

* ``GET /simple/`` and ``GET /simple/{project}/`` — a PEP 503 "simple" repository (HTML, each
  file linked with its ``#sha256=`` and its ``data-requires-python``), so
  ``pip install --index-url URL/simple gridterm`` works with no other index.  A name that is
  not in normalized form (``/simple/Typing_Extensions/``) is redirected to the normalized one.
* ``GET /simple/{project}/{filename}`` — the wheel itself.
* ``GET /termux`` — the install script for Termux (``curl -fsSL URL/termux | sh -s CODE``).

No token: a phone uses these before it is enrolled.  What is offered is the bundle
``gridterm admin bundle`` made (:mod:`gridterm.township.services.client_bundle`).
"""

from __future__ import annotations

import html
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse
from packaging.utils import canonicalize_name
from sqlalchemy.orm import Session

from gridterm.core.i18n import t
from gridterm.township.api.deps import read_session, service_state
from gridterm.township.api.errors import ERROR_RESPONSES, ApiError, request_language
from gridterm.township.services import client_bundle, client_versions, termux

router = APIRouter(tags=["install"], responses=ERROR_RESPONSES)

WHEEL_TYPE = "application/octet-stream"
NO_CACHE = {"Cache-Control": "no-cache"}
_HTML = {"text/html": {"schema": {"type": "string"}}}
Name = Annotated[str, Path(max_length=200, pattern=r"^[A-Za-z0-9._-]+$")]


def _page(title: str, links: list[str]) -> HTMLResponse:
    body = "\n".join(f"    {link}<br/>" for link in links)
    text = (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        '    <meta name="pypi:repository-version" content="1.0">\n'
        f"    <title>{html.escape(title)}</title>\n  </head>\n  <body>\n"
        f"    <h1>{html.escape(title)}</h1>\n{body}\n  </body>\n</html>\n"
    )
    return HTMLResponse(text, headers=NO_CACHE)


def _bundle(request: Request) -> client_bundle.Bundle | None:
    return client_bundle.load(service_state(request).bundle_dir)


def _lang(request: Request) -> str:
    return request_language(request.headers.get("accept-language"))


@router.get("/simple/", responses={200: {"content": _HTML}})
def index(request: Request) -> HTMLResponse:
    """Every project the bundle holds (empty before ``gridterm admin bundle``)."""
    bundle = _bundle(request)
    projects = sorted(bundle.projects()) if bundle else []
    links = [f'<a href="{html.escape(p)}/">{html.escape(p)}</a>' for p in projects]
    return _page(t("install.index.title", lang=_lang(request)), links)


@router.get(
    "/simple/{project}/",
    responses={200: {"content": _HTML}, 301: {"description": "To the normalized name"}},
)
def project_page(request: Request, project: Name) -> Any:
    """The files of one project, each with its SHA-256 (PEP 503)."""
    normalized = canonicalize_name(project)
    if normalized != project:
        return RedirectResponse(f"../{normalized}/", status_code=301)
    bundle = _bundle(request)
    files = bundle.projects().get(project) if bundle else None
    if not files:
        raise ApiError(404, "not_found", "install.error.no_project", project=project)
    links = []
    for item in files:
        attrs = f'href="{html.escape(item.filename)}#sha256={item.sha256}"'
        if item.requires_python:
            attrs += f' data-requires-python="{html.escape(item.requires_python)}"'
        links.append(f"<a {attrs}>{html.escape(item.filename)}</a>")
    return _page(t("install.index.project_title", lang=_lang(request), project=project), links)


@router.head("/simple/{project}/{filename}", include_in_schema=False)
@router.get(
    "/simple/{project}/{filename}",
    responses={200: {"content": {WHEEL_TYPE: {"schema": {"type": "string", "format": "binary"}}}}},
)
def wheel_file(request: Request, project: Name, filename: Name) -> FileResponse:
    """A wheel of the bundle (only names the bundle lists are served)."""
    bundle = _bundle(request)
    path = bundle.path_of(canonicalize_name(project), filename) if bundle else None
    if path is None or not path.is_file():
        raise ApiError(404, "not_found", "install.error.no_file", name=filename)
    return FileResponse(path, media_type=WHEEL_TYPE, filename=filename)


@router.get("/termux", responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def termux_script(
    request: Request,
    session: Session = Depends(read_session),
    lang: str | None = Query(default=None, max_length=16, pattern=r"^[A-Za-z_-]+$"),
) -> PlainTextResponse:
    """The install script for Termux, in the reader's language (``?lang=en``)."""
    url = service_public_url(request, session)
    if not termux.usable_url(url):
        raise ApiError(400, "bad_request", "install.error.bad_url", url=url[:200])
    words = request_language(lang) if lang else _lang(request)
    return PlainTextResponse(termux.script(url, words), headers=NO_CACHE)


def service_public_url(request: Request, session: Session) -> str:
    """The address phones reach this service at: ``--base-url``, else the one
    ``gridterm admin bundle --url`` recorded, else the address this request came to."""
    state = service_state(request)
    recorded = client_versions.public_url(session)
    return (state.base_url or recorded or str(request.base_url)).rstrip("/")
