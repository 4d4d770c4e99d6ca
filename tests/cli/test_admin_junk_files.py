"""Every admin command that reads a file, on junk files: one clear line and exit 2, never a
traceback (issue 13, item 7).  The commands are found in the parser, so a command added later
is held to the same rule without touching this test.  Shapes: an empty file, random bytes, a
20 MiB file, brackets nested 100,000 deep, text in UTF-16 and in GBK — each under the names a
sheet, a workbook and a JSON file would have.  (A sheet of officers that is right but saved
as UTF-16 would be no junk: the "wrong encoding" files hold prose, not a sheet.)
"""

from __future__ import annotations

import argparse
import random

import pytest

from gridterm.cli import build_parser, main

TOWNSHIP, GRID, OFFICER = "培训镇", "一网格", "王网格"
FILE_DESTS = {"file", "files", "path", "paths", "sheet", "roster"}


def _subcommands(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _takes_a_file(action: argparse.Action) -> bool:
    if action.option_strings:
        return False
    return "FILE" in str(action.metavar or "").upper() or action.dest in FILE_DESTS


def file_commands() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """(words after ``admin``, leaf parser) of every admin command with a FILE argument."""
    admin = dict(_subcommands(build_parser()))["admin"]
    found, todo = [], [([], admin)]
    while todo:
        words, parser = todo.pop()
        children = list(_subcommands(parser))
        todo += [([*words, name], child) for name, child in children]
        if not children and any(_takes_a_file(a) for a in parser._actions):
            found.append((words, parser))
    return sorted(found, key=lambda item: item[0])


def command_line(words: list[str], parser: argparse.ArgumentParser, file: str) -> list[str]:
    """The command with every required option given a value that exists, and ``file``."""
    argv = list(words)
    names = {"township": TOWNSHIP, "grid": GRID, "officer": OFFICER}
    for action in parser._actions:
        if action.option_strings and action.required:
            argv += [action.option_strings[-1], names.get(action.dest, "x")]
    for action in parser._actions:
        if _takes_a_file(action):
            argv.append(file)
    return argv


def junk(tmp_path) -> list[str]:
    rng = random.Random(13)
    # Text that is no sheet and no template in any encoding a reader might accept.
    prose = "这不是表格，也不是模板：只是一段文字。\n"
    blobs = {
        "empty": b"",
        "binary": rng.randbytes(64 * 1024),
        "huge": b"x" * (20 * 1024 * 1024),
        "nested": b"[" * 100_000 + b"]" * 100_000,
        "utf16": prose.encode("utf-16"),
        "gbk": ('{"标题": "' + prose.strip() + '"}').encode("gbk"),
    }
    paths = []
    for name, blob in blobs.items():
        for suffix in (".csv", ".xlsx", ".json"):
            path = tmp_path / f"{name}{suffix}"
            path.write_bytes(blob)
            paths.append(str(path))
    return paths


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('admin') / 'township.db'}"
    base = ["--lang", "en", "admin", "--db", url]
    assert main([*base, "township", "add", TOWNSHIP]) == 0
    assert main([*base, "grid", "add", "--township", TOWNSHIP, GRID]) == 0
    assert main([*base, "officer", "add", "--grid", GRID, OFFICER]) == 0
    return url


def test_the_commands_are_found():
    names = [" ".join(words) for words, _ in file_commands()]
    assert "template publish" in names and "import-households" in names


@pytest.mark.parametrize(
    ("words", "parser"), file_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_every_file_command_answers_junk_with_one_line_and_exit_2(
    words, parser, database, tmp_path, capsys
):
    capsys.readouterr()
    for path in junk(tmp_path):
        argv = ["--lang", "en", "admin", "--db", database, *command_line(words, parser, path)]
        code = main(argv)
        out, err = capsys.readouterr()
        lines = [line for line in err.splitlines() if line.strip()]
        shown = f"{' '.join(words)} {path}: exit {code}, stderr {err!r}"
        assert code == 2, shown
        assert len(lines) == 1 and lines[0].startswith("gridterm: "), shown
        assert "Traceback" not in err and "Error:" not in lines[0], shown
        assert not out.strip(), shown


def test_a_deeply_nested_template_says_so(database, tmp_path, capsys):
    nested = tmp_path / "nested.json"
    nested.write_bytes(b'{"id": "x", "items": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    code = main(["--lang", "en", "admin", "--db", database, "template", "publish", str(nested)])
    err = capsys.readouterr().err
    assert code == 2 and "nested" in err and len(err.strip().splitlines()) == 1
