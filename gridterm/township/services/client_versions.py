"""Which gridterm the township's devices run, and which it wants them to run.

The township sets two versions (service-wide settings in ``meta``): the *recommended* one
(``gridterm admin bundle`` records the version it bundled) and the *lowest accepted* one
(``gridterm admin bundle --lowest V``).  Each device says what it runs in its User-Agent
(``gridterm/0.1.0``); the service keeps the last one it heard on the device's row and
answers every pull with :func:`hints` — the two versions and what they mean for that
device.  "Lowest accepted" never refuses anything a device sends: a device below it still
pushes all it holds and pulls all that is its, and is told to update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.services.errors import InvalidInput

RECOMMENDED_KEY = "client_recommended"
LOWEST_KEY = "client_lowest"
PUBLIC_URL_KEY = "public_url"
VERSION_MAX = 64

# "gridterm/0.1.0" anywhere in the User-Agent (a proxy may add its own product tokens).
_AGENT = re.compile(r"(?:^|\s)gridterm/(\S+)")


class VersionRefused(InvalidInput):
    """A version the township tried to set is not one (or lowest would be above recommended)."""


def reported_version(user_agent: str | None) -> str | None:
    """The gridterm version a User-Agent names, when it is a valid version; else None."""
    match = _AGENT.search(user_agent or "")
    if not match:
        return None
    text = match.group(1)
    return text if parse(text) is not None else None


def parse(text: str | None) -> Version | None:
    if not text or len(text) > VERSION_MAX:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


@dataclass(frozen=True)
class Policy:
    recommended: str | None
    lowest: str | None

    def verdict(self, version: str | None) -> str | None:
        """ "required" below the lowest accepted, "available" below the recommended, "none"
        at or above it; None when either side is unknown."""
        have = parse(version)
        if have is None:
            return None
        lowest, recommended = parse(self.lowest), parse(self.recommended)
        if lowest is not None and have < lowest:
            return "required"
        if recommended is None:
            return None if lowest is None else "none"
        return "available" if have < recommended else "none"


def policy(session: Session) -> Policy:
    return Policy(db.meta_get(session, RECOMMENDED_KEY), db.meta_get(session, LOWEST_KEY))


def hints(session: Session, device_id: str) -> dict[str, Any]:
    """What a pull tells the device about versions (``PullOut.client``)."""
    current = policy(session)
    reported = session.execute(
        select(db.Device.client_version).where(db.Device.id == device_id)
    ).scalar_one_or_none()
    return {
        "recommended": current.recommended,
        "lowest": current.lowest,
        "reported": reported,
        "update": current.verdict(reported),
    }


def set_recommended(session: Session, version: str) -> None:
    if parse(version) is None:
        raise VersionRefused("install.error.bad_version", value=version)
    db.meta_set(session, RECOMMENDED_KEY, version)


def set_lowest(session: Session, version: str | None) -> None:
    """Set (or with None, clear) the lowest accepted version; never above the recommended."""
    if version is None:
        row = session.get(db.Meta, LOWEST_KEY)
        if row is not None:
            session.delete(row)
            session.flush()
        return
    wanted = parse(version)
    if wanted is None:
        raise VersionRefused("install.error.bad_version", value=version)
    recommended = parse(db.meta_get(session, RECOMMENDED_KEY))
    if recommended is not None and wanted > recommended:
        raise VersionRefused(
            "install.error.lowest_above", lowest=version, recommended=str(recommended)
        )
    db.meta_set(session, LOWEST_KEY, version)


def note(sessions: sessionmaker[Session], session: Session, device_id: str, agent: str | None):
    """Keep the version ``agent`` reports for ``device_id`` when it differs from the one
    kept.  ``session`` has just loaded the device (so reading it costs no query); the write,
    rare (once per device per upgrade), is a short transaction of its own."""
    version = reported_version(agent)
    if version is None:
        return
    row = session.get(db.Device, device_id)
    if row is None or row.client_version == version:
        return
    session.rollback()  # the read ends before the write begins (SQLite: one writer at a time)
    with db.write_session(sessions) as writer:
        writer.execute(
            update(db.Device).where(db.Device.id == device_id).values(client_version=version)
        )


def set_public_url(session: Session, url: str) -> None:
    db.meta_set(session, PUBLIC_URL_KEY, url.rstrip("/"))


def public_url(session: Session) -> str | None:
    return db.meta_get(session, PUBLIC_URL_KEY)


def version_words(current: Policy, version: str | None) -> str:
    """ "gridterm 0.1.0 (update available)" as a person reads it in a listing."""
    if version is None:
        return t("install.version.unknown")
    verdict = current.verdict(version)
    text = t("install.version.named", version=version)
    if verdict in ("available", "required"):
        text += " " + t(f"install.version.{verdict}")
    return text
