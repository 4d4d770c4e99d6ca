"""Where gridterm keeps its files: ``--data-dir``, else ``GRIDTERM_DATA_DIR``, else the
platform's user data folder (platformdirs; on Termux that is under $HOME)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("GRIDTERM_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("gridterm", appauthor=False))


def config_dir() -> Path:
    """The user's config folder (the staff console remembers its token there)."""
    env = os.environ.get("GRIDTERM_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("gridterm", appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path
