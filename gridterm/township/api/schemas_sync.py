"""Request and response bodies of the device API (enroll, push, pull): docs/contracts.md."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PlainValidator

from gridterm.township.services.bounds import BATCH_MAX, RecordIn

MAX_BATCH = BATCH_MAX

# Each record is checked on its own by the service (one out of bounds is `rejected` with the
# reason, the rest of the batch goes on), so the request takes any JSON value here — while
# the OpenAPI document states what a record is and its bounds (RecordIn).
PushedRecord = Annotated[Any, PlainValidator(lambda value: value, json_schema_input_type=RecordIn)]


class EnrollIn(BaseModel):
    code: str = Field(min_length=1, max_length=64, description="The code shown as XXXX-XXXX")
    device_name: str = Field(default="", max_length=200)
    previous_token: str | None = Field(
        default=None,
        max_length=200,
        description="Re-enrolling: the token of the enrollment this device had, so the records "
        "it made under it are still its own to send",
    )


class Named(BaseModel):
    id: str
    name: str


class OfficerOut(Named):
    phone: str


class EnrollOut(BaseModel):
    device_id: str
    token: str
    device_secret: str
    officer: OfficerOut
    grid: Named
    township: Named
    service_url: str


class PushIn(BaseModel):
    records: list[PushedRecord] = Field(
        max_length=MAX_BATCH, description="Records in wire form (docs/contracts.md), oldest first"
    )


class PushResult(BaseModel):
    id: str
    rev: int | None
    result: Literal["stored", "unchanged", "conflict", "rejected"]
    error: str | None = None


class PushOut(BaseModel):
    results: list[PushResult]


class PullUpdate(BaseModel):
    id: str
    kind: str
    rev: int
    status: str
    feedback: str | None
    public_reply: str | None
    handled_by: str | None
    status_at: str | None
    due_at: str | None
    seq: int
    # Added later: devices that do not know them ignore them.
    tier: Literal["red", "yellow", "green"] | None = None
    level: Literal["village", "township", "county"] | None = None
    # A published village notice's (issue 17); absent for every other record.
    notice_number: str | None = Field(default=None, description="the notice's public number")
    notice_version: int | None = Field(default=None, description="its version (1, 2, …)")
    published_at: str | None = Field(default=None, description="when this version was published")
    notice_qr: str | None = Field(
        default=None, description="the QR payload to print: {service_url}/v/n/N?v=&h=&s="
    )


class ClientHints(BaseModel):
    """What the township says about the device's gridterm (docs/install.md)."""

    recommended: str | None = Field(description="The version the township recommends")
    lowest: str | None = Field(description="The lowest version it still accepts")
    reported: str | None = Field(description="The version this device last reported")
    update: Literal["none", "available", "required"] | None = Field(
        description="'required' below the lowest accepted, 'available' below the recommended; "
        "nothing the device sends is refused for its version"
    )


class PullOut(BaseModel):
    cursor: int
    more: bool
    updates: list[PullUpdate]
    templates: list[dict[str, Any]]
    households: list[dict[str, Any]]
    mediators: list[dict[str, Any]]
    # Added later: devices that do not know it ignore it.
    client: ClientHints | None = None
