"""Pydantic models of the staff API: every request and response, so /openapi.json is the contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gridterm.core import workflow
from gridterm.township.api.schemas_attachments import AttachmentOut
from gridterm.township.api.schemas_board import NoticeInfo

# The one list, in its order: the review workflow's states, then the village's affairs'.
Status = Literal[workflow.ALL_STATES]  # type: ignore[valid-type]
Kind = Literal["household", "visit", "case", "report"]

assert set(Status.__args__) == set(workflow.ALL_STATES)  # type: ignore[attr-defined]

TEXT_MAX = 2000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL in text; refuse it here rather than fail in the database.
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in items):
            raise ValueError("text must not contain NUL characters")
        return value


class ErrorOut(BaseModel):
    detail: Any
    code: str | None = None


class AssigneeOut(BaseModel):
    """An entry of the township's departments list: a department, or a person."""

    id: str
    name: str
    kind: Literal["department", "person"]


class DepartmentList(BaseModel):
    items: list[AssigneeOut]


class LadderRef(BaseModel):
    """A township or a county department, by id and name."""

    id: str
    name: str


class SupervisionOut(BaseModel):
    """The county's supervision (督办) of a record; ``done_at``: when the record closed."""

    deadline: str = Field(description="YYYY-MM-DD")
    note: str = ""
    by: str
    at: datetime
    done_at: datetime | None = None


Tier = Literal["red", "yellow", "green"]
Level = Literal["village", "township", "county"]


class RecordSummary(BaseModel):
    id: str
    kind: str
    rev: int
    grid: str | None = None
    grid_name: str | None = None
    village: str | None = None
    officer: str | None = None
    device: str | None = None
    status: str | None = None
    status_label: str | None = None
    category: str | None = None
    urgency: str | None = None
    summary: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    received_at: datetime | None = None
    status_at: datetime | None = None
    due_at: datetime | None = None
    overdue: bool = False
    seq: int | None = None
    receipt_numbers: list[str] = Field(default_factory=list)
    assignee: AssigneeOut | None = None
    # The county ladder (issue 15; docs/county.md).
    tier: Tier = "green"
    tier_reason: str = Field(default="", description="why: the staff's reason, or the rules'")
    tier_by: Literal["rule", "staff"] = "rule"
    tier_rules: list[str] = Field(default_factory=list, description="ids of the rules (tiers.json)")
    tier_due_at: datetime | None = Field(default=None, description="the tier's time limit")
    level: Level = Field(default="township", description="who owns it now")
    township: LadderRef | None = None
    supervision: SupervisionOut | None = None
    county_department: LadderRef | None = None
    signed_at: datetime | None = None
    escalated_at: datetime | None = None
    closed_at: datetime | None = None


class RecordPage(BaseModel):
    total: int
    limit: int
    offset: int
    next_cursor: str | None = None
    items: list[RecordSummary]


class RevOut(BaseModel):
    rev: int
    device: str | None = None
    received_at: datetime | None = None
    updated_at: datetime | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class EventOut(BaseModel):
    at: datetime | None = None
    actor: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    reason: str | None = None
    feedback: str | None = None
    public_reply: str | None = None
    comment: str | None = None
    assignee: AssigneeOut | None = None
    action: str | None = Field(default=None, description="tier | supervise (not a move)")
    value: str | None = Field(default=None, description="the tier, or the deadline")


class RecordDetail(RecordSummary):
    data: dict[str, Any] = Field(default_factory=dict)
    receipts: list[dict[str, Any]] = Field(default_factory=list)
    feedback: str | None = None
    public_reply: str | None = None
    handled_by: str | None = None
    allowed_transitions: list[str] = Field(default_factory=list)
    revs: list[RevOut] = Field(default_factory=list)
    events: list[EventOut] = Field(default_factory=list)
    # The photos the record names (issue 16), with whether the service holds each yet.
    attachments: list[AttachmentOut] = Field(default_factory=list)
    notice: NoticeInfo | None = Field(default=None, description="a village notice's publication")


class TransitionIn(_In):
    to: Status
    reason: str | None = Field(default=None, max_length=TEXT_MAX)
    feedback: str | None = Field(default=None, max_length=TEXT_MAX)
    public_reply: str | None = Field(default=None, max_length=TEXT_MAX)
    assignee: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="with to=assigned: the id of an entry of GET /departments",
    )
    department: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="with to=county_assigned: the id of a county department (GET /departments)",
    )
    rev: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="the rev the caller read (e.g. the notice it is publishing): refused "
        "with 409 rev_moved when the officer has sent a newer one since",
    )


class CommentIn(_In):
    text: str = Field(min_length=1, max_length=TEXT_MAX)


class FeedbackIn(_In):
    feedback: str | None = Field(default=None, max_length=TEXT_MAX)
    public_reply: str | None = Field(default=None, max_length=TEXT_MAX)


class BulkTransitionIn(_In):
    ids: list[str] = Field(min_length=1, max_length=500)
    to: Status
    reason: str | None = Field(default=None, max_length=TEXT_MAX)
    feedback: str | None = Field(default=None, max_length=TEXT_MAX)
    public_reply: str | None = Field(default=None, max_length=TEXT_MAX)
    assignee: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="with to=assigned: the id of an entry of GET /departments",
    )
    department: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="with to=county_assigned: the id of a county department",
    )

    @field_validator("ids")
    @classmethod
    def _ids_bounded(cls, ids: list[str]) -> list[str]:
        for value in ids:
            if not value or len(value) > 64:
                raise ValueError("each id must be 1 to 64 characters")
        return ids


class BulkResult(BaseModel):
    id: str
    ok: bool
    status: str | None = None
    code: str | None = None
    detail: str | None = None


class BulkOut(BaseModel):
    results: list[BulkResult]


class NamedRef(BaseModel):
    id: str
    name: str


class MeOut(BaseModel):
    staff: NamedRef
    township: NamedRef | None = Field(description="null for a county's staff and leaders")
    role: Literal["township", "county", "leader"] = "township"
    county: NamedRef | None = None
    villages: list[str] = Field(default_factory=list, description="a leader's villages")


class GridOut(BaseModel):
    id: str
    name: str
    officers: list[NamedRef] = Field(default_factory=list)


class GridList(BaseModel):
    items: list[GridOut]
