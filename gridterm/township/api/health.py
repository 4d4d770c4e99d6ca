"""``GET /healthz``: the service is up and its database answers."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from gridterm.township.api.deps import read_session
from gridterm.township.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["health"], responses=ERROR_RESPONSES)


class HealthOut(BaseModel):
    status: str
    database: str


@router.get("/healthz", response_model=HealthOut)
def healthz(session: Session = Depends(read_session)) -> HealthOut:
    session.execute(text("SELECT 1"))
    return HealthOut(status="ok", database=session.get_bind().dialect.name)
