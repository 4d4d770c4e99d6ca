"""Pydantic models of the attachment API (issue 16): what devices send and get back, and how
a record's attachments look to staff."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gridterm.township.services.uploads import SHA256_PATTERN

Sha256 = str
STATUS_MAX = 500
Sha256In = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sha256: list[Sha256In] = Field(
        max_length=STATUS_MAX,
        description="SHA-256 (64 lowercase hex) of each piece of content to ask about",
    )


class StatusItem(BaseModel):
    sha256: Sha256
    state: Literal["complete", "partial", "missing"]
    received: int = Field(ge=0, description="bytes the service holds (this device's, if partial)")


class StatusOut(BaseModel):
    items: list[StatusItem]


class UploadOut(BaseModel):
    sha256: Sha256
    received: int = Field(ge=0)
    complete: bool


class OffsetMismatch(BaseModel):
    detail: str
    code: Literal["offset_mismatch"]
    received: int = Field(ge=0, description="resume from here")


class Removal(BaseModel):
    at: str = Field(description="when the township removed it (ISO 8601, UTC)")
    why: Literal["retention", "erasure"]


class AttachmentOut(BaseModel):
    """One attachment of a record, as the device described it, and whether the service
    holds its content."""

    model_config = ConfigDict(extra="allow")

    sha256: Sha256
    name: str | None = None
    size: int | None = None
    type: str | None = None
    taken_at: str | None = None
    where: dict[str, Any] | None = None
    location: dict[str, Any] | None = None
    available: bool = False
    url: str
    # Set when the township removed the photo on purpose (retention, erasure on request).
    removed: Removal | None = None
