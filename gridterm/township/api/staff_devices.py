"""``GET /api/v1/staff/devices``: the township's devices and the gridterm each runs.

Which devices still run an old gridterm is what township IT needs before raising the lowest
accepted version (``gridterm admin bundle --lowest``); ``gridterm admin list`` shows the
same from the service's shell.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from gridterm.township.api.deps import current_staff, read_session
from gridterm.township.api.errors import ERROR_RESPONSES
from gridterm.township.api.schemas_install import DeviceList
from gridterm.township.services import devices
from gridterm.township.services.tokens import StaffIdentity

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=ERROR_RESPONSES)


@router.get("/devices", response_model=DeviceList)
def list_devices(
    staff: StaffIdentity = Depends(current_staff), session: Session = Depends(read_session)
) -> DeviceList:
    return DeviceList(**devices.township_devices(session, staff.township_id))
