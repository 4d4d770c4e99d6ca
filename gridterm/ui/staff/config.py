"""Staff tokens remembered per service URL in ``config_dir()/staff.json`` (0600)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from gridterm.core.paths import config_dir, ensure_private_dir

FILE_NAME = "staff.json"


def config_path() -> Path:
    return config_dir() / FILE_NAME


def _load(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered_token(url: str) -> str | None:
    tokens = _load(config_path()).get("tokens")
    if not isinstance(tokens, dict):
        return None
    token = tokens.get(url)
    return token if isinstance(token, str) and token else None


def _write(path: Path, data: dict) -> None:
    """Write the whole file: temp file beside it, 0600, fsync, rename."""
    ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".staff-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o600)
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remember_token(url: str, token: str) -> Path:
    """Save ``token`` for ``url`` (other services' tokens are kept)."""
    path = config_path()
    data = _load(path)
    tokens = data.get("tokens") if isinstance(data.get("tokens"), dict) else {}
    tokens[url] = token
    data["tokens"] = tokens
    _write(path, data)
    return path


def forget_token(url: str) -> None:
    path = config_path()
    data = _load(path)
    tokens = data.get("tokens")
    if isinstance(tokens, dict) and url in tokens:
        del tokens[url]
        _write(path, data)
