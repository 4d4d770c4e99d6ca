"""Small wheels made in a test: a name, a version, requirements, a tag — what the client
bundle reads of a wheel (its filename and ``*.dist-info/METADATA``), nothing to import.

    make_wheel(folder, "gridterm", "0.2.0", requires=["httpx>=0.27"], requires_python=">=3.10")
"""

from __future__ import annotations

import zipfile
from pathlib import Path


def make_wheel(
    folder: Path,
    name: str,
    version: str,
    *,
    requires: list[str] | tuple[str, ...] = (),
    requires_python: str | None = None,
    tag: str = "py3-none-any",
    filename_name: str | None = None,
) -> Path:
    """A wheel of ``name`` (spelled ``filename_name`` in its filename, as wheels spell it:
    ``typing_extensions`` for ``typing-extensions``) in ``folder``."""
    spelled = filename_name or name.replace("-", "_")
    path = Path(folder) / f"{spelled}-{version}-{tag}.whl"
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {req}" for req in requires]
    dist_info = f"{spelled}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{dist_info}/METADATA", "\n".join(lines) + "\n")
        zf.writestr(f"{dist_info}/WHEEL", f"Wheel-Version: 1.0\nTag: {tag}\n")
        zf.writestr(f"{spelled}/__init__.py", "")
    return path
