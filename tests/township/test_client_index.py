"""The client index a real service serves (``/simple/``, PEP 503) and the Termux script
(``/termux``), read the way pip and a phone read them."""

from __future__ import annotations

import hashlib
import html.parser
import shutil
import subprocess

import httpx
import pytest

from gridterm.township import db
from gridterm.township.services import bundle_build, client_versions
from tests.helpers.service import fresh_database, start_service
from tests.helpers.wheels import make_wheel
from tests.township.conftest import skip_without_pg
from tests.township.test_bundle_build import base_folder

ENGINES = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


@pytest.fixture(scope="module", params=ENGINES)
def indexed(request, tmp_path_factory):
    """A service and the folder its bundle lives in (empty until a test builds one)."""
    skip_without_pg(request.param)
    folder = tmp_path_factory.mktemp("index")
    with (
        fresh_database(request.param, str(folder)) as url,
        start_service(url, bundle_dir=folder / "client-bundle") as svc,
    ):
        svc.bundle_dir = folder / "client-bundle"
        yield svc


@pytest.fixture(scope="module")
def built(indexed, tmp_path_factory):
    source = base_folder(tmp_path_factory.mktemp("wheels"))
    # A name wheels spell with an underscore and capitals, and a bound with < and >.
    make_wheel(
        source,
        "Typing_Extensions",
        "4.12.2",
        filename_name="typing_extensions",
        requires_python=">=3.8,<4",
    )
    return bundle_build.from_folder(source, indexed.bundle_dir)


class Links(html.parser.HTMLParser):
    """The anchors of a page, as pip's own parser takes them: href and data-requires-python."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def links(text: str) -> list[dict[str, str | None]]:
    parser = Links()
    parser.feed(text)
    return parser.links


def test_before_any_bundle_the_index_is_empty_and_projects_are_not_found(indexed):
    if (indexed.bundle_dir / "current").exists():
        pytest.skip("a bundle was built by an earlier test of this module")
    with indexed.client() as c:
        page = c.get("/simple/")
        assert page.status_code == 200 and links(page.text) == []
        missing = c.get("/simple/gridterm/")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_the_root_page_lists_every_project_by_its_normalized_name(indexed, built):
    with indexed.client() as c:
        page = c.get("/simple/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta name="pypi:repository-version" content="1.0">' in page.text
    hrefs = [a["href"] for a in links(page.text)]
    assert hrefs == [f"{p}/" for p in sorted(built.projects())]
    assert "typing-extensions/" in hrefs


def test_a_project_page_links_each_file_with_its_sha256_and_python_bound(indexed, built):
    with indexed.client() as c:
        page = c.get("/simple/typing-extensions/")
        assert page.status_code == 200
        (link,) = links(page.text)
        name, fragment = link["href"].split("#")
        assert name == "typing_extensions-4.12.2-py3-none-any.whl"
        assert link["data-requires-python"] == ">=3.8,<4"  # escaped in the page, whole here
        assert "&gt;=3.8,&lt;4" in page.text
        wheel = c.get(f"/simple/typing-extensions/{name}")
    assert wheel.status_code == 200
    assert wheel.headers["content-type"] == "application/octet-stream"
    assert fragment == "sha256=" + hashlib.sha256(wheel.content).hexdigest()


@pytest.mark.parametrize(
    "spelled", ["Typing_Extensions", "typing.extensions", "TYPING--EXTENSIONS"]
)
def test_names_not_in_normalized_form_are_redirected_to_it(indexed, built, spelled):
    with indexed.client(follow_redirects=False) as c:
        moved = c.get(f"/simple/{spelled}/")
        assert moved.status_code == 301
        target = httpx.URL(f"{indexed.url}/simple/{spelled}/").join(moved.headers["location"])
        assert target.path == "/simple/typing-extensions/"
        assert c.get(target).status_code == 200


def test_only_the_files_the_bundle_lists_are_served(indexed, built):
    with indexed.client() as c:
        head = c.head("/simple/idna/idna-3.10-py3-none-any.whl")
        assert head.status_code == 200 and int(head.headers["content-length"]) > 0
        for path in (
            "/simple/idna/manifest.json",
            "/simple/idna/..%2Fcurrent",
            "/simple/idna/httpx-0.28.1-py3-none-any.whl",  # another project's file
            "/simple/nope/idna-3.10-py3-none-any.whl",
            "/simple/idna/" + "x" * 10_000,
            "/simple/idna/%00.whl",
        ):
            answer = c.get(path)
            assert answer.status_code in (404, 422), (path, answer.status_code)


def test_the_termux_script_is_plain_sh_with_this_service_and_no_root(indexed, built):
    with indexed.client() as c:
        # curl sends no Accept-Language: the service's own language (zh_CN on a township's box).
        zh = c.get("/termux", headers={"Accept-Language": "zh-CN"})
        en = c.get("/termux?lang=en", headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == en.status_code == 200
    assert zh.headers["content-type"] == "text/plain; charset=utf-8"
    assert f"URL={indexed.url}\n" in en.text
    assert "TRUSTED_HOST=''" in en.text  # loopback http is secure to pip
    assert "Do not run this as root" in en.text
    assert "请不要以 root 身份运行" in zh.text
    assert len(en.text.splitlines()) < 80  # short enough to read before running it
    sh = shutil.which("sh")
    for text in (zh.text, en.text):
        assert subprocess.run([sh, "-n"], input=text, text=True).returncode == 0


def test_the_script_names_the_address_the_township_recorded(indexed, built):
    with indexed.admin_session() as s:
        client_versions.set_public_url(s, "http://10.20.30.40:8080/")
    try:
        with indexed.client() as c:
            text = c.get("/termux?lang=en").text
        assert "URL=http://10.20.30.40:8080\n" in text
        assert "TRUSTED_HOST=10.20.30.40\n" in text
    finally:
        with indexed.admin_session() as s:
            s.delete(s.get(db.Meta, client_versions.PUBLIC_URL_KEY))


def test_a_host_header_that_is_no_address_gets_no_script(indexed):
    with indexed.client() as c:
        answer = c.get("/termux", headers={"Host": "evil$(reboot)"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"
