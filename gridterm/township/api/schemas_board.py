"""Pydantic models of the village affairs' staff API: a notice's publication on its record's
detail, residents' questions, the supervision committee's members."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ANSWER_MAX = 2000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store NUL in text; refuse it here rather than fail in the database.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        return value


class NoticeVersionOut(BaseModel):
    version: int
    record_id: str
    published_at: datetime
    reason: str | None = None
    current: bool


class CountersignOut(BaseModel):
    name: str
    decision: Literal["agree", "object"]
    note: str = ""
    at: datetime
    rev: int
    current_rev: bool = Field(description="whether it is of the record's current rev")


class NoticeInfo(BaseModel):
    """A notice record's publication: its public number and version once published (else
    null), the public page and A4 print paths, the QR's query, every version of the number,
    the supervision committee's word on it, and the residents' questions still open."""

    number: str | None = None
    version: int | None = None
    published_at: datetime | None = None
    current: bool | None = None
    page: str | None = Field(default=None, description="/v/n/{number}, on the service")
    print: str | None = Field(default=None, description="/v/n/{number}/print: the A4 page")
    qr_query: str | None = Field(
        default=None, description="v=&h=&s=: the QR payload is {service_url}{page}?{qr_query}"
    )
    versions: list[NoticeVersionOut] = Field(default_factory=list)
    countersigns: list[CountersignOut] = Field(default_factory=list)
    questions_open: int = 0


QuestionState = Literal["open", "answered", "dismissed", "all"]


class QuestionOut(BaseModel):
    id: str
    number: str
    version: int
    notice_title: str | None = None
    village: str
    text: str
    phone: str = Field(description="whole, for the village to call back; never shown publicly")
    phone_masked: str
    asked_at: datetime
    state: Literal["open", "answered", "dismissed"]
    answer: str | None = None
    dismissed_reason: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None


class QuestionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[QuestionOut]


class AnswerIn(_In):
    answer: str = Field(min_length=1, max_length=ANSWER_MAX)


class DismissIn(_In):
    reason: str = Field(min_length=1, max_length=ANSWER_MAX)


class SupervisorIn(_In):
    village: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(default="", max_length=32)


class SupervisorOut(BaseModel):
    id: str
    village: str
    name: str
    phone: str
    created_at: datetime
    revoked_at: datetime | None = None


class SupervisorEnrolled(SupervisorOut):
    token: str = Field(description="shown once: the member's link is {service_url}/v/s/{token}")
    link: str


class SupervisorList(BaseModel):
    items: list[SupervisorOut]
