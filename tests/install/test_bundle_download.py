"""``gridterm admin bundle`` with no folder: builds this tree's wheel and fetches the rest
from the package index this machine's pip is configured with (a real download, so slow)."""

from __future__ import annotations

import pytest

from gridterm import __version__
from gridterm.cli import main
from gridterm.township.services import client_bundle

pytestmark = pytest.mark.slow


def test_a_bundle_from_the_index_holds_what_every_python_needs(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'township.db'}"
    assert main(["--lang", "en", "admin", "--db", url, "bundle"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == __version__
    bundle = client_bundle.load(client_bundle.bundle_root(url))
    assert bundle.gridterm_version == __version__
    assert all(item.pure for item in bundle.files)
    projects = bundle.projects()
    assert {"gridterm", "textual", "httpx", "rich", "tinydb"} <= set(projects)
    # anyio needs it on Python 3.10 only: fetched whatever Python this machine runs.
    assert "exceptiongroup" in projects
