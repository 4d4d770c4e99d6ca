"""The device's side of the version hints: kept from each pull, shown by ``gridterm sync``
with the one command that applies them, forgotten once the update is installed."""

from __future__ import annotations

import shlex
import sys

import pytest

from gridterm import __version__
from gridterm.cli import main
from gridterm.client import updates
from gridterm.core.store import Store
from gridterm.township.services import client_versions
from tests.helpers.service import fresh_database, start_service
from tests.sync.live import enroll_store


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("township"))
    with fresh_database("sqlite", folder) as url, start_service(url) as svc:
        yield svc


def set_versions(service, recommended, lowest=None):
    with service.admin_session() as s:
        client_versions.set_recommended(s, recommended)
        client_versions.set_lowest(s, lowest)


def hint(update, reported=__version__, recommended="9.0", lowest=None):
    return {"recommended": recommended, "lowest": lowest, "reported": reported, "update": update}


class MetaOnly:
    """The two meta keys :func:`updates.notice` reads, and a count of writes."""

    def __init__(self, url="http://10.1.2.3:8080"):
        self.meta = {"enrollment": {"service_url": url}}
        self.writes = 0

    def meta_get(self, key, default=None):
        return self.meta.get(key, default)

    def meta_set(self, key, value):
        self.writes += 1
        self.meta[key] = value


def test_a_hint_is_kept_once_and_only_when_it_changes():
    store = MetaOnly()
    updates.remember(store, hint("available"))
    updates.remember(store, hint("available"))
    assert store.writes == 1
    updates.remember(store, None)  # an old service sends none: what was kept stays
    updates.remember(store, "garbage")
    assert store.writes == 1 and updates.notice(store) is not None
    updates.remember(store, {**hint("none"), "update": ["not", "a", "string"]})
    assert store.meta["client_update"]["update"] is None


@pytest.mark.parametrize(
    "kept, shown",
    [
        (hint("available"), ("available", "9.0")),
        (hint("required", lowest="8.0"), ("required", "9.0")),
        (hint("required", recommended=None, lowest="8.0"), ("required", "8.0")),
        (hint("none"), None),
        (hint(None), None),
        # Made for the version before this one: the officer has updated since.
        (hint("available", reported="0.0.1"), None),
    ],
)
def test_what_is_shown(kept, shown):
    store = MetaOnly()
    store.meta["client_update"] = kept
    found = updates.notice(store)
    assert (found and (found.state, found.version)) == shown


@pytest.mark.parametrize(
    "url, trusted",
    [
        ("http://10.1.2.3:8080", "10.1.2.3"),
        ("http://township.lan:8080/gt", "township.lan"),
        ("https://shiqiao.example.cn", None),
        ("http://127.0.0.1:8080", None),
        ("http://localhost:8080", None),
        ("http://[::1]:8080", None),
    ],
)
def test_the_command_names_this_python_the_index_and_trust_only_where_pip_needs_it(url, trusted):
    words = shlex.split(updates.upgrade_command(url + "/"))
    assert words[0] in ("python3", sys.executable)
    assert words[1:5] == ["-m", "pip", "install", "--upgrade"]
    assert words[words.index("--index-url") + 1] == url + "/simple"
    assert words[-1] == "gridterm"
    if trusted:
        assert words[words.index("--trusted-host") + 1] == trusted
    else:
        assert "--trusted-host" not in words


def test_gridterm_sync_says_an_update_is_available_and_how(service, tmp_path, capsys):
    data = tmp_path / "phone"
    enroll_store(service, data).close()
    set_versions(service, "99.0")
    assert main(["--data-dir", str(data), "sync"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == f"gridterm 99.0 is available (this is {__version__}). To install it:"
    assert out[-1] == updates.upgrade_command(service.url)
    assert f"--index-url {service.url}/simple" in out[-1]

    # --quiet (cron) keeps quiet about what is only available…
    assert main(["--data-dir", str(data), "sync", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    # …but not about what the township requires; the sync itself still succeeds.
    set_versions(service, "99.0", lowest="98.0")
    assert main(["--data-dir", str(data), "sync", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "asks every device to update to gridterm 99.0" in err

    # At the recommended version (as if updated): nothing more is said.
    set_versions(service, __version__)
    assert main(["--data-dir", str(data), "sync"]) == 0
    assert "available" not in capsys.readouterr().out
    with Store.open(data) as store:
        assert store.meta_get("client_update")["update"] == "none"
