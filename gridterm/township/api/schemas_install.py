"""Response bodies of the staff's view of device versions (``GET /api/v1/staff/devices``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Update = Literal["none", "available", "required"]


class Ref(BaseModel):
    id: str
    name: str


class DeviceOut(BaseModel):
    id: str
    name: str
    officer: Ref
    grid: Ref
    enrolled_at: str
    revoked: bool
    client_version: str | None
    update: Update | None


class DeviceList(BaseModel):
    recommended: str | None
    lowest: str | None
    items: list[DeviceOut]
