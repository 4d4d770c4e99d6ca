"""Building the client bundle from a folder of wheels: what it refuses, what it offers, and
how a new build replaces the one in use.  The wheels are made here (tests/helpers/wheels.py)
with the shapes real ones have: markers for other Pythons, extras, platform wheels, odd
filename spellings, Requires-Python bounds."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from gridterm.township.services import bundle_build, client_bundle
from gridterm.township.services.bundle_build import BundleError
from tests.helpers.wheels import make_wheel


def base_folder(folder, *, gridterm="0.2.0", extra_requires=()):
    """gridterm with two dependencies, one of them only needed on Python < 3.11."""
    folder.mkdir(exist_ok=True)
    make_wheel(
        folder,
        "gridterm",
        gridterm,
        requires=[
            "httpx>=0.27",
            'exceptiongroup>=1.0.2; python_version < "3.11"',
            "pillow; extra == 'photos'",
            *extra_requires,
        ],
        requires_python=">=3.10",
    )
    make_wheel(folder, "httpx", "0.28.1", requires=["idna", 'colorama; sys_platform == "win32"'])
    make_wheel(folder, "idna", "3.10")
    make_wheel(folder, "exceptiongroup", "1.3.0")
    return folder


def test_a_complete_folder_becomes_the_bundle_and_gridterm_its_version(tmp_path):
    source = base_folder(tmp_path / "wheels")
    root = tmp_path / "client-bundle"
    bundle = bundle_build.from_folder(source, root)
    assert bundle.gridterm_version == "0.2.0"
    assert sorted(bundle.projects()) == ["exceptiongroup", "gridterm", "httpx", "idna"]
    for item in bundle.files:
        data = (bundle.folder / item.filename).read_bytes()
        assert len(data) == item.size
        assert hashlib.sha256(data).hexdigest() == item.sha256
    assert client_bundle.load(root) == bundle


def test_a_dependency_only_old_pythons_need_is_still_required(tmp_path):
    # pip download on a 3.11 machine leaves exceptiongroup out; a 3.10 phone needs it.
    source = base_folder(tmp_path / "wheels")
    (source / "exceptiongroup-1.3.0-py3-none-any.whl").unlink()
    with pytest.raises(BundleError) as err:
        bundle_build.from_folder(source, tmp_path / "root")
    assert "exceptiongroup>=1.0.2 (Python 3.10 (linux))" in str(err.value)
    assert client_bundle.load(tmp_path / "root") is None


def test_extras_of_a_dependency_are_followed(tmp_path):
    # textual asks for markdown-it-py[linkify]: linkify's own requirement must be there too.
    source = base_folder(tmp_path / "wheels", extra_requires=["markdown-it-py[linkify]>=2"])
    make_wheel(
        source, "markdown-it-py", "3.0.0", requires=["mdurl", "linkify-it-py; extra == 'linkify'"]
    )
    make_wheel(source, "mdurl", "0.1.2")
    with pytest.raises(BundleError) as err:
        bundle_build.from_folder(source, tmp_path / "root")
    assert "linkify-it-py" in str(err.value)
    make_wheel(source, "linkify-it-py", "2.0.3")
    assert "linkify-it-py" in bundle_build.from_folder(source, tmp_path / "root").projects()


def test_a_platform_wheel_may_be_offered_but_never_meets_a_base_requirement(tmp_path):
    source = base_folder(tmp_path / "wheels")
    (source / "idna-3.10-py3-none-any.whl").unlink()
    make_wheel(source, "idna", "3.10", tag="cp312-cp312-manylinux_2_17_aarch64")
    with pytest.raises(BundleError, match="idna"):
        bundle_build.from_folder(source, tmp_path / "root")
    # Optional extras' platform wheels (Pillow for photos, Termux's aarch64) ride along.
    make_wheel(source, "idna", "3.10")
    make_wheel(source, "pillow", "11.0.0", tag="cp312-cp312-linux_aarch64", filename_name="pillow")
    bundle = bundle_build.from_folder(source, tmp_path / "root")
    pillow = bundle.projects()["pillow"]
    assert [w.pure for w in pillow] == [False]


def test_a_dependency_that_left_old_pythons_behind_does_not_count_for_them(tmp_path):
    source = base_folder(tmp_path / "wheels")
    (source / "idna-3.10-py3-none-any.whl").unlink()
    make_wheel(source, "idna", "4.0", requires_python=">=3.12")
    with pytest.raises(BundleError) as err:
        bundle_build.from_folder(source, tmp_path / "root")
    assert "Python 3.10 (linux)" in str(err.value) and "Python 3.11 (linux)" in str(err.value)
    assert "Python 3.12" not in str(err.value)


def test_newest_gridterm_is_recommended_and_older_ones_stay_installable(tmp_path):
    source = base_folder(tmp_path / "wheels")
    make_wheel(source, "gridterm", "0.10.0", requires=["httpx"], requires_python=">=3.10")
    bundle = bundle_build.from_folder(source, tmp_path / "root")
    assert bundle.gridterm_version == "0.10.0"  # a version, not a string, order
    assert [w.version for w in bundle.projects()["gridterm"]] == ["0.10.0", "0.2.0"]


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("not-a-wheel.whl", b"PK", "not a wheel"),
        ("gridterm-0.2.0-py3-none-any.whl", b"this is no zip", "not a wheel"),
    ],
)
def test_what_is_not_a_wheel_is_refused_by_name(tmp_path, name, content, words):
    source = base_folder(tmp_path / "wheels")
    (source / name).write_bytes(content)
    with pytest.raises(BundleError) as err:
        bundle_build.from_folder(source, tmp_path / "root")
    assert name in str(err.value) and words in str(err.value)


def test_a_wheel_without_metadata_is_refused(tmp_path):
    source = base_folder(tmp_path / "wheels")
    with zipfile.ZipFile(source / "extra-1.0-py3-none-any.whl", "w") as zf:
        zf.writestr("extra/__init__.py", "")
    with pytest.raises(BundleError, match="extra-1.0"):
        bundle_build.from_folder(source, tmp_path / "root")


def test_no_gridterm_and_no_folder_say_what_to_do(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(BundleError, match="--wheel FILE"):
        bundle_build.from_folder(tmp_path / "empty", tmp_path / "root")
    with pytest.raises(BundleError, match="is not a folder"):
        bundle_build.from_folder(tmp_path / "nope", tmp_path / "root")


def test_a_new_build_replaces_the_one_in_use_and_the_one_before_stays(tmp_path):
    root = tmp_path / "root"
    first = bundle_build.from_folder(base_folder(tmp_path / "a", gridterm="0.2.0"), root)
    second = bundle_build.from_folder(base_folder(tmp_path / "b", gridterm="0.3.0"), root)
    assert client_bundle.load(root).gridterm_version == "0.3.0"
    # A phone that read the old page a moment ago can still fetch the old files.
    assert first.folder.is_dir() and second.folder.is_dir()
    third = bundle_build.from_folder(base_folder(tmp_path / "c", gridterm="0.4.0"), root)
    assert not first.folder.exists()
    assert {p.name for p in root.iterdir() if p.is_dir()} == {second.folder.name, third.folder.name}
    assert (root / "current").read_text().strip() == third.folder.name


def test_a_damaged_manifest_reads_as_no_bundle(tmp_path):
    root = tmp_path / "root"
    bundle = bundle_build.from_folder(base_folder(tmp_path / "a"), root)
    (bundle.folder / "manifest.json").write_text("{not json")
    assert client_bundle.load(root) is None
    (bundle.folder / "manifest.json").write_text(json.dumps({"files": []}))
    assert client_bundle.load(root) is None


def test_the_bundle_lives_beside_a_sqlite_database_else_in_the_data_folder(tmp_path, monkeypatch):
    db_file = tmp_path / "svc" / "township.db"
    assert client_bundle.bundle_root(f"sqlite:///{db_file}") == db_file.parent / "client-bundle"
    assert client_bundle.bundle_root(str(db_file)) == db_file.parent / "client-bundle"
    monkeypatch.setenv("GRIDTERM_DATA_DIR", str(tmp_path / "data"))
    pg = "postgresql+psycopg://u@h/x"
    assert client_bundle.bundle_root(pg) == tmp_path / "data" / "client-bundle"
    assert client_bundle.bundle_root(pg, tmp_path / "d2") == tmp_path / "d2" / "client-bundle"
